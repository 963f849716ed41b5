/**
 * The image decoder of the headless scan (Node): pure-JS decoders behind the same `ImageDecoder` interface as the
 * browser's (`workers/image-decoder.ts`, createImageBitmap + OffscreenCanvas). PNG: pngjs (every bit depth,
 * palettes, interlacing; 16-bit scaled to 8). JPEG: jpeg-js, with its own resolution and memory caps. GIF: omggif,
 * first frame blitted onto the logical screen. BMP: bmp-ts, read as opaque (as browsers read 24-bit and paletted
 * BMPs). WebP: libwebp compiled to WASM (@jsquash/webp, from Google's Squoosh), instantiated from the package's own
 * .wasm file. `e2e/image-decoders.spec.ts` checks that both decoders give the same pixels for the same files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decode as decodeBmp } from 'bmp-ts';
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import type { ImageDecoder, ImageFormat, RawImage } from '../workers/core/ingest/images/types';

/** jpeg-js's caps, in megapixels and megabytes: above Sift's default pixel limit (25 MP), so that limit speaks first. */
const JPEG_LIMITS = { maxResolutionInMP: 50, maxMemoryUsageInMB: 1024 };

function png(bytes: Uint8Array): RawImage {
  const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return {
    width: img.width,
    height: img.height,
    rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
  };
}

function jpg(bytes: Uint8Array): RawImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, ...JPEG_LIMITS });
  return { width: img.width, height: img.height, rgba: img.data };
}

function gif(bytes: Uint8Array): RawImage {
  const reader = new GifReader(bytes);
  const rgba = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, rgba);
  return { width: reader.width, height: reader.height, rgba };
}

function bmp(bytes: Uint8Array): RawImage {
  // bmp-ts writes A, B, G, R per pixel (its default layout; its paletted path ignores `toRGBA`).
  const img = decodeBmp(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = img.data[4 * i + 3] ?? 0;
    rgba[4 * i + 1] = img.data[4 * i + 2] ?? 0;
    rgba[4 * i + 2] = img.data[4 * i + 1] ?? 0;
    rgba[4 * i + 3] = 255;
  }
  return { width: img.width, height: Math.abs(img.height), rgba };
}

type WebpDecode = (
  buffer: ArrayBuffer,
) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let webpDecoder: Promise<WebpDecode> | null = null;

/** libwebp's Emscripten modules build their results with `new ImageData(...)`, a browser class Node lacks. */
export function provideImageData(): void {
  const g = globalThis as { ImageData?: unknown };
  g.ImageData ??= class {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
}

/** libwebp's decoder, instantiated once from the package's .wasm (no fetch in Node). */
function loadWebp(): Promise<WebpDecode> {
  webpDecoder ??= (async () => {
    provideImageData();
    const mod = await import('@jsquash/webp/decode.js');
    const wasmPath = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
    await mod.init(await WebAssembly.compile(readFileSync(wasmPath)));
    return mod.default as unknown as WebpDecode;
  })();
  return webpDecoder;
}

async function webp(bytes: Uint8Array): Promise<RawImage> {
  const decode = await loadWebp();
  const img = await decode(Uint8Array.from(bytes).buffer);
  return { width: img.width, height: img.height, rgba: img.data };
}

/** The scan's decoder. */
export function nodeImageDecoder(): ImageDecoder {
  return {
    async decode(bytes: Uint8Array, format: ImageFormat): Promise<RawImage> {
      switch (format) {
        case 'png':
          return png(bytes);
        case 'jpeg':
          return jpg(bytes);
        case 'gif':
          return gif(bytes);
        case 'bmp':
          return bmp(bytes);
        case 'webp':
          return webp(bytes);
      }
    },
  };
}
