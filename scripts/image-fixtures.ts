/**
 * Small images in every format Sift reads, encoded in Node from pixels (for tests, the hostile-archive generator,
 * the image demo and the decoder-agreement check): PNG (pngjs), JPEG (jpeg-js), GIF (omggif, a grey or 6×6×6
 * palette), BMP (bmp-ts, 24-bit), WebP (libwebp through @jsquash/webp, lossless or lossy).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encode as bmpEncode } from 'bmp-ts';
import jpeg from 'jpeg-js';
import { GifWriter } from 'omggif';
import { PNG } from 'pngjs';
import type { ImageFormat } from '../workers/core/ingest/images/types';
import { provideImageData } from './image-decoder';

/** Pixels to encode: RGBA, row-major. */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A seeded test pattern: gradients, a disc and some noise, so resampling and decoding differences show. */
export function pattern(width: number, height: number, seed: number, gray = false): Pixels {
  const rgba = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      const r = Math.round((255 * x) / Math.max(1, width - 1));
      const g = disc ? 230 : Math.round((255 * y) / Math.max(1, height - 1));
      const b = Math.round(rnd() * 255);
      const v = Math.round(0.3 * r + 0.5 * g + 0.2 * b);
      rgba[i] = gray ? v : r;
      rgba[i + 1] = gray ? v : g;
      rgba[i + 2] = gray ? v : b;
      rgba[i + 3] = 255;
    }
  }
  return { width, height, rgba };
}

export function encodePng(p: Pixels, gray = false): Uint8Array<ArrayBuffer> {
  const png = new PNG({ width: p.width, height: p.height, colorType: gray ? 0 : 6, inputColorType: 6 });
  png.data = Buffer.from(p.rgba);
  return new Uint8Array(PNG.sync.write(png, { colorType: gray ? 0 : 6, inputColorType: 6 }));
}

export function encodeJpeg(p: Pixels, quality = 90): Uint8Array {
  return new Uint8Array(
    jpeg.encode({ width: p.width, height: p.height, data: Buffer.from(p.rgba) }, quality).data,
  );
}

/** GIF with a 216-colour cube palette (or 256 greys); pixels are mapped to the nearest entry. */
export function encodeGif(p: Pixels, gray = false): Uint8Array {
  const palette: number[] = [];
  if (gray) for (let v = 0; v < 256; v++) palette.push((v << 16) | (v << 8) | v);
  else {
    for (let r = 0; r < 6; r++)
      for (let g = 0; g < 6; g++)
        for (let b = 0; b < 6; b++) palette.push(((r * 51) << 16) | ((g * 51) << 8) | (b * 51));
    while (palette.length < 256) palette.push(0);
  }
  const indexed: number[] = [];
  for (let i = 0; i < p.width * p.height; i++) {
    const [r, g, b] = [p.rgba[4 * i] ?? 0, p.rgba[4 * i + 1] ?? 0, p.rgba[4 * i + 2] ?? 0];
    indexed.push(gray ? r : Math.round(r / 51) * 36 + Math.round(g / 51) * 6 + Math.round(b / 51));
  }
  const buf = new Uint8Array(2048 + p.width * p.height * 2);
  const writer = new GifWriter(buf, p.width, p.height, { palette });
  writer.addFrame(0, 0, p.width, p.height, indexed);
  return buf.slice(0, writer.end());
}

export function encodeBmp(p: Pixels): Uint8Array {
  // bmp-ts takes A, B, G, R per pixel.
  const abgr = Buffer.alloc(p.width * p.height * 4);
  for (let i = 0; i < p.width * p.height; i++) {
    abgr[4 * i] = 255;
    abgr[4 * i + 1] = p.rgba[4 * i + 2] ?? 0;
    abgr[4 * i + 2] = p.rgba[4 * i + 1] ?? 0;
    abgr[4 * i + 3] = p.rgba[4 * i] ?? 0;
  }
  return new Uint8Array(bmpEncode({ width: p.width, height: p.height, data: abgr, bitPP: 24 }).data);
}

let webpEncoder: Promise<(img: unknown, options: object) => Promise<ArrayBuffer>> | null = null;

export async function encodeWebp(p: Pixels, lossless = true): Promise<Uint8Array> {
  webpEncoder ??= (async () => {
    provideImageData();
    const mod = await import('@jsquash/webp/encode.js');
    const wasm = createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc.wasm');
    await mod.init(await WebAssembly.compile(readFileSync(wasm)));
    return mod.default as unknown as (img: unknown, options: object) => Promise<ArrayBuffer>;
  })();
  const encode = await webpEncoder;
  const img = { data: new Uint8ClampedArray(p.rgba), width: p.width, height: p.height };
  return new Uint8Array(await encode(img, lossless ? { lossless: 1 } : { quality: 80 }));
}

/** `p` encoded as `format` (gray: a one-channel PNG or a grey-palette GIF). */
export async function encodeImage(p: Pixels, format: ImageFormat, gray = false): Promise<Uint8Array> {
  switch (format) {
    case 'png':
      return encodePng(p, gray);
    case 'jpeg':
      return encodeJpeg(p);
    case 'gif':
      return encodeGif(p, gray);
    case 'bmp':
      return encodeBmp(p);
    case 'webp':
      return encodeWebp(p);
  }
}
