import { useEffect, useRef, useState } from 'react';
import { drawRgba, type PixelShape, rgbaOf } from '../../charts/pixels';
import { useReviewer } from '../session-context';
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

/** A review sample's thumbnail, its pixels asked of the review worker (batched with the others on screen). */
export function RowThumbnail(props: { row: number; shape: PixelShape; label: string; size?: number }) {
  const reviewer = useReviewer();
  const [pixels, setPixels] = useState<{ row: number; pixels: Uint8Array | null } | null>(null);
  useEffect(() => {
    let live = true;
    void reviewer.thumbnail(props.row).then((p) => {
      if (live) setPixels({ row: props.row, pixels: p });
    });
    return () => {
      live = false;
    };
  }, [reviewer, props.row]);
  return (
    <Thumbnail
      pixels={pixels?.row === props.row ? pixels.pixels : null}
      shape={props.shape}
      label={props.label}
      {...(props.size ? { size: props.size } : {})}
    />
  );
}
