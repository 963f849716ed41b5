import { useEffect, useRef } from 'react';
import { drawRgba, type PixelShape, rgbaOf } from '../../charts/pixels';
import './images.css';

/**
 * One stored image drawn at its own size into a canvas that CSS scales up with pixel edges (`image-rendering:
 * pixelated`); `size` is its CSS width in pixels. Drawn through ImageData: no URL, nothing the CSP must allow.
 */
export function Thumbnail(props: {
  pixels: Uint8Array | null;
  shape: PixelShape;
  label: string;
  size?: number;
}) {
  const { pixels, shape, label, size = 48 } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current && pixels) drawRgba(canvas.current, rgbaOf(pixels, shape), shape);
  }, [pixels, shape]);
  return (
    <canvas
      ref={canvas}
      className="pixel-image"
      role="img"
      aria-label={label}
      data-drawn={pixels !== null}
      width={shape.width}
      height={shape.height}
      style={{ width: size, height: (size * shape.height) / shape.width }}
    />
  );
}
