/**
 * The browser's image decoder, for the ingest worker: `createImageBitmap` (the browser's own decoders, off the main
 * thread) drawn onto an OffscreenCanvas filled with black, so alpha is composited there, and read back as RGBA.
 * No colour-space conversion and no premultiplication, so pixels are the file's as the Node decoders read them
 * (scripts/image-decoder.ts; e2e/image-decoders.spec.ts checks that they agree).
 */
import type { ImageDecoder, ImageFormat, RawImage } from './core/ingest/images/types';

const MIME: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
};

/** A decoder reusing one canvas; the pixel limit was checked on the header before `decode` is called. */
export function browserImageDecoder(): ImageDecoder {
  let canvas: OffscreenCanvas | null = null;
  let context: OffscreenCanvasRenderingContext2D | null = null;
  return {
    async decode(bytes: Uint8Array, format: ImageFormat): Promise<RawImage> {
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[format] });
      const bitmap = await createImageBitmap(blob, {
        colorSpaceConversion: 'none',
        premultiplyAlpha: 'none',
      });
      try {
        const { width, height } = bitmap;
        if (!canvas || !context || canvas.width !== width || canvas.height !== height) {
          canvas = new OffscreenCanvas(width, height);
          context = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
          if (!context) throw new Error('no 2D context on an OffscreenCanvas');
        }
        context.fillStyle = '#000';
        context.fillRect(0, 0, width, height);
        context.drawImage(bitmap, 0, 0);
        const { data } = context.getImageData(0, 0, width, height);
        return { width, height, rgba: data };
      } finally {
        bitmap.close();
      }
    },
  };
}
