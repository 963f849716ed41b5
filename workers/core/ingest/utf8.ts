/** Recognising text that is not UTF-8, and saying what it looks like instead. */

const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], what: 'it starts with a UTF-32 byte-order mark' },
  { bytes: [0xff, 0xfe], what: 'it starts with a UTF-16 byte-order mark: it is UTF-16 text' },
  { bytes: [0xfe, 0xff], what: 'it starts with a UTF-16 byte-order mark: it is UTF-16 text' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'it looks like a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'it looks like a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'it looks like a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'it looks like a PDF document' },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'it looks like a ZIP archive; an Excel .xlsx workbook is one: export the sheet as CSV',
  },
  { bytes: [0x1f, 0x8b], what: 'it looks like a gzip archive: decompress it first' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'it looks like an Excel .xls workbook: export the sheet as CSV' },
];

/** What the first bytes of a file say it is, when they match a known non-text signature; else null. */
export function binarySignature(start: Uint8Array): string | null {
  for (const { bytes, what } of SIGNATURES) {
    if (start.length >= bytes.length && bytes.every((b, k) => start[k] === b)) return what;
  }
  return null;
}

/** Index of the first byte ≥ 0x80 in `bytes`, or -1; word-at-a-time where the view is aligned. */
export function firstNonAscii(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  const misalign = (4 - (bytes.byteOffset & 3)) & 3;
  for (; i < n && i < misalign; i++) if (bytes[i] >= 0x80) return i;
  const words = (n - i) >> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      if ((view[w] & 0x80808080) !== 0) {
        for (let j = i + w * 4; ; j++) if (bytes[j] >= 0x80) return j;
      }
    }
    i += words * 4;
  }
  for (; i < n; i++) if (bytes[i] >= 0x80) return i;
  return -1;
}

/**
 * Index of the first byte in `bytes` that cannot start or continue a valid UTF-8 sequence (overlongs,
 * surrogates and code points past U+10FFFF included), or -1. A sequence cut off by the end is not counted.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return -1;
      const d = bytes[i + k];
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The phrase for a non-UTF-8 byte found at `offset`. */
export function invalidByteDetail(byte: number, offset: number): string {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  const hint = byte >= 0xa0 ? '; the file may be Latin-1 or Windows-1252 text' : '';
  return `byte 0x${hex} at offset ${offset} is not valid UTF-8${hint}`;
}

/** The phrase for a NUL byte found at `offset`. */
export function nulByteDetail(offset: number): string {
  return `it contains a NUL byte at offset ${offset}, as binary files and UTF-16 text do`;
}

/** Number of line breaks (LF, CRLF counted once, lone CR) in `bytes[from..to)`. */
export function countLineBreaks(bytes: Uint8Array, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === 0x0a) lines++;
    else if (c === 0x0d && bytes[i + 1] !== 0x0a) lines++;
  }
  return lines;
}
