/**
 * What a file is, from its first bytes: an image (format, the width and height its header declares, and whether
 * the header declares grey levels only), an archive (refused when nested), or something else. Nothing is decoded:
 * the declared size is checked against the pixel limit before any decoder runs (a decompression bomb is a small
 * file whose header declares billions of pixels). Layouts: PNG (ISO/IEC 15948 IHDR, PLTE), JPEG (ITU T.81 SOFn),
 * GIF (89a logical screen and global colour table), BMP (BITMAPCOREHEADER / BITMAPINFOHEADER and later), WebP
 * (RIFF with VP8, VP8L or VP8X).
 */
import type { ImageFormat } from './types';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat; width: number; height: number; gray: boolean }
  /** The magic bytes say this format, but the header is cut short or damaged. */
  | { kind: 'broken-image'; format: ImageFormat; why: string }
  | { kind: 'archive'; what: string }
  | { kind: 'other' };

/** Bytes to read from an entry before sniffing: enough for every header above bar JPEGs with a large EXIF block. */
export const HEAD_BYTES = 4096;
/** A JPEG whose SOF marker lies beyond HEAD_BYTES is read again up to this much (EXIF and ICC blocks). */
export const JPEG_HEAD_BYTES = 512 * 1024;

/** The DIB header sizes of the BMP versions (core, info, v2–v5): two letters "BM" alone say little. */
const BMP_HEADER_SIZES = [12, 40, 52, 56, 64, 108, 124];

const ARCHIVE_EXTENSIONS = /\.(zip|jar|tar|tgz|gz|bz2|xz|zst|7z|rar)$/i;

function u16be(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}
function u32be(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
function u16le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
function i32le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
}
function startsWith(b: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (b.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[at + i] !== magic[i]) return false;
  return true;
}
function ascii(b: Uint8Array, at: number, text: string): boolean {
  return startsWith(
    b,
    Array.from(text, (c) => c.charCodeAt(0)),
    at,
  );
}

/** True when every palette entry (`count` entries of `stride` bytes from `at`, RGB or BGR order) is grey. */
function grayPalette(b: Uint8Array, at: number, count: number, stride: number): boolean {
  if (at + count * stride > b.length) return false;
  for (let i = 0; i < count; i++) {
    const p = at + i * stride;
    if (b[p] !== b[p + 1] || b[p + 1] !== b[p + 2]) return false;
  }
  return true;
}

function png(b: Uint8Array): Sniffed {
  if (b.length < 33 || !ascii(b, 12, 'IHDR'))
    return { kind: 'broken-image', format: 'png', why: 'no IHDR header' };
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  const colorType = b[25];
  let gray = colorType === 0 || colorType === 4;
  if (colorType === 3) {
    // Walk the chunks to PLTE (it precedes IDAT).
    for (let p = 33; p + 8 <= b.length; ) {
      const len = u32be(b, p);
      if (ascii(b, p + 4, 'PLTE')) {
        gray = len % 3 === 0 && grayPalette(b, p + 8, len / 3, 3);
        break;
      }
      if (ascii(b, p + 4, 'IDAT')) break;
      p += 12 + len;
    }
  }
  return { kind: 'image', format: 'png', width, height, gray };
}

function jpeg(b: Uint8Array): Sniffed {
  for (let p = 2; p + 4 <= b.length; ) {
    if (b[p] !== 0xff) return { kind: 'broken-image', format: 'jpeg', why: 'a marker is damaged' };
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 10 > b.length) break;
      return {
        kind: 'image',
        format: 'jpeg',
        height: u16be(b, p + 5),
        width: u16be(b, p + 7),
        gray: b[p + 9] === 1,
      };
    }
    if (marker === 0xda || marker === 0xd9) {
      return { kind: 'broken-image', format: 'jpeg', why: 'no frame header before the image data' };
    }
    p += 2 + u16be(b, p + 2);
  }
  return { kind: 'broken-image', format: 'jpeg', why: 'the frame header was not found in the file’s head' };
}

function gif(b: Uint8Array): Sniffed {
  if (b.length < 13) return { kind: 'broken-image', format: 'gif', why: 'the header is cut short' };
  const packed = b[10];
  const gray = (packed & 0x80) !== 0 && grayPalette(b, 13, 2 ** ((packed & 7) + 1), 3);
  return { kind: 'image', format: 'gif', width: u16le(b, 6), height: u16le(b, 8), gray };
}

function bmp(b: Uint8Array): Sniffed {
  if (b.length < 26) return { kind: 'broken-image', format: 'bmp', why: 'the header is cut short' };
  const dib = i32le(b, 14);
  if (dib === 12) {
    const bpp = u16le(b, 24);
    const gray = bpp <= 8 && grayPalette(b, 26, 2 ** bpp, 3);
    return { kind: 'image', format: 'bmp', width: u16le(b, 18), height: u16le(b, 20), gray };
  }
  if (dib < 40 || b.length < 54) return { kind: 'broken-image', format: 'bmp', why: 'unknown header' };
  const bpp = u16le(b, 28);
  const used = i32le(b, 46);
  const colours = used > 0 && used <= 256 ? used : 2 ** Math.min(bpp, 8);
  const gray = bpp <= 8 && grayPalette(b, 14 + dib, colours, 4);
  return {
    kind: 'image',
    format: 'bmp',
    width: Math.abs(i32le(b, 18)),
    height: Math.abs(i32le(b, 22)),
    gray,
  };
}

function webp(b: Uint8Array): Sniffed {
  const broken = { kind: 'broken-image', format: 'webp', why: 'the header is cut short' } as const;
  if (b.length < 30) return broken;
  if (ascii(b, 12, 'VP8 ')) {
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return { ...broken, why: 'no VP8 frame tag' };
    return {
      kind: 'image',
      format: 'webp',
      width: u16le(b, 26) & 0x3fff,
      height: u16le(b, 28) & 0x3fff,
      gray: false,
    };
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return { ...broken, why: 'no VP8L signature' };
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return {
      kind: 'image',
      format: 'webp',
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      gray: false,
    };
  }
  if (ascii(b, 12, 'VP8X')) {
    const width = (b[24] | (b[25] << 8) | (b[26] << 16)) + 1;
    const height = (b[27] | (b[28] << 8) | (b[29] << 16)) + 1;
    return { kind: 'image', format: 'webp', width, height, gray: false };
  }
  return { ...broken, why: 'unknown WebP chunk' };
}

/** Which archive format the bytes (or, failing that, the name) say, or null. */
export function archiveKind(b: Uint8Array, path: string): string | null {
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return 'a zip';
  if (startsWith(b, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7-Zip';
  if (ascii(b, 0, 'Rar!')) return 'RAR';
  if (ascii(b, 0, 'BZh')) return 'bzip2';
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (ascii(b, 257, 'ustar')) return 'tar';
  const ext = ARCHIVE_EXTENSIONS.exec(path);
  return ext ? `a .${ext[1].toLowerCase()} file` : null;
}

/** Classifies a file from its head (at least HEAD_BYTES when the file is that long). */
export function sniff(b: Uint8Array, path: string): Sniffed {
  const found = sniffFormat(b, path);
  if (found.kind === 'image' && (found.width === 0 || found.height === 0)) {
    return { kind: 'broken-image', format: found.format, why: 'its header declares an empty image' };
  }
  return found;
}

function sniffFormat(b: Uint8Array, path: string): Sniffed {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return png(b);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return gif(b);
  if (ascii(b, 0, 'BM') && b.length >= 18 && BMP_HEADER_SIZES.includes(i32le(b, 14))) return bmp(b);
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return webp(b);
  const archive = archiveKind(b, path);
  return archive ? { kind: 'archive', what: archive } : { kind: 'other' };
}
