/**
 * The byte checks of utf8.ts on their own: file signatures, the first non-ASCII byte at every alignment, the first
 * invalid UTF-8 byte against the fatal TextDecoder, the two phrases word for word, line breaks in a byte range.
 */
import { describe, expect, it } from 'vitest';
import {
  binarySignature,
  countLineBreaks,
  firstInvalidUtf8,
  firstNonAscii,
  invalidByteDetail,
  nulByteDetail,
} from './utf8';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('binarySignature', () => {
  const UTF16 = 'it starts with a UTF-16 byte-order mark: it is UTF-16 text';
  it('names each signature word for word, the longest first where two share bytes', () => {
    expect(binarySignature(bytes(0xff, 0xfe, 0x00, 0x00, 0x41))).toBe(
      'it starts with a UTF-32 byte-order mark',
    );
    expect(binarySignature(bytes(0xff, 0xfe, 0x41, 0x00))).toBe(UTF16);
    expect(binarySignature(bytes(0xff, 0xfe))).toBe(UTF16);
    expect(binarySignature(bytes(0xfe, 0xff, 0x00, 0x41))).toBe(UTF16);
    expect(binarySignature(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a))).toBe('it looks like a PNG image');
    expect(binarySignature(bytes(0xff, 0xd8, 0xff))).toBe('it looks like a JPEG image');
    expect(binarySignature(ascii('GIF89a'))).toBe('it looks like a GIF image');
    expect(binarySignature(ascii('%PDF-1.7'))).toBe('it looks like a PDF document');
    expect(binarySignature(bytes(0x50, 0x4b, 0x03, 0x04))).toBe(
      'it looks like a ZIP archive; an Excel .xlsx workbook is one: export the sheet as CSV',
    );
    expect(binarySignature(bytes(0x1f, 0x8b))).toBe('it looks like a gzip archive: decompress it first');
    expect(binarySignature(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1))).toBe(
      'it looks like an Excel .xls workbook: export the sheet as CSV',
    );
  });

  it('is null for text, for too few bytes and for a signature with one byte changed', () => {
    expect(binarySignature(ascii('id,label'))).toBeNull();
    expect(binarySignature(bytes())).toBeNull();
    expect(binarySignature(bytes(0xff))).toBeNull();
    expect(binarySignature(bytes(0x89, 0x50, 0x4e))).toBeNull();
    expect(binarySignature(bytes(0x89, 0x50, 0x4e, 0x48))).toBeNull();
    expect(binarySignature(bytes(0xff, 0xd8, 0xfe))).toBeNull();
    expect(binarySignature(bytes(0x1f, 0x8c))).toBeNull();
    expect(binarySignature(bytes(0xd0, 0xcf, 0x11))).toBeNull();
  });
});

describe('firstNonAscii', () => {
  /** The reference: the plain loop. */
  const reference = (b: Uint8Array): number => b.findIndex((x) => x >= 0x80);

  it('finds the first byte of 0x80 or more at every offset of the view and every length up to 19', () => {
    const buffer = new ArrayBuffer(32);
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; length < 20; length++) {
        const view = new Uint8Array(buffer, offset, length);
        view.fill(0x7f);
        expect(firstNonAscii(view)).toBe(-1);
        for (let at = 0; at < length; at++) {
          for (const high of [0x80, 0xff]) {
            view.fill(0x41);
            view[at] = high;
            if (at + 3 < length) view[at + 3] = 0xc3; // a later one is not the answer
            expect(firstNonAscii(view)).toBe(at);
            expect(reference(view)).toBe(at);
          }
        }
      }
    }
  });

  it('ignores the bytes around the view', () => {
    const buffer = new Uint8Array(16).fill(0xff);
    const view = buffer.subarray(1, 14);
    view.fill(0x20);
    expect(firstNonAscii(view)).toBe(-1);
    view[12] = 0x90;
    expect(firstNonAscii(view)).toBe(12);
  });
});

describe('firstInvalidUtf8', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const valid = (b: Uint8Array): boolean => {
    try {
      fatal.decode(b);
      return true;
    } catch {
      return false;
    }
  };

  it('agrees with the fatal TextDecoder on every lead byte followed by any byte and ASCII', () => {
    const b = bytes(0, 0, 0x41, 0x41, 0x41, 0x41);
    const wrong: number[][] = [];
    for (let lead = 0x80; lead <= 0xff; lead++) {
      for (let next = 0; next <= 0xff; next++) {
        b[0] = lead;
        b[1] = next;
        const got = firstInvalidUtf8(b);
        if (got !== (valid(b) ? -1 : 0)) wrong.push([lead, next, got]);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with it on every three- and four-byte lead, any continuation byte, then a byte of each kind', () => {
    const b = bytes(0, 0, 0, 0x41, 0x41, 0x41);
    const wrong: number[][] = [];
    for (let lead = 0xe0; lead <= 0xf4; lead++) {
      for (let second = 0x80; second <= 0xbf; second++) {
        for (const third of [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff]) {
          b[0] = lead;
          b[1] = second;
          b[2] = third;
          const got = firstInvalidUtf8(b);
          if (got !== (valid(b) ? -1 : 0)) wrong.push([lead, second, third, got]);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives the index of the bad sequence after valid ones', () => {
    expect(firstInvalidUtf8(ascii('plain text'))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0x41, 0x42, 0xff))).toBe(2);
    expect(firstInvalidUtf8(bytes(0xc3, 0xa9, 0xff))).toBe(2);
    expect(firstInvalidUtf8(bytes(0xe2, 0x82, 0xac, 0x80))).toBe(3);
    expect(firstInvalidUtf8(bytes(0xf0, 0x9f, 0x98, 0x80, 0xc0, 0x80))).toBe(4);
    expect(firstInvalidUtf8(bytes(0xf4, 0x8f, 0xbf, 0xbf, 0x41, 0xed, 0xa0, 0x80))).toBe(5);
    expect(firstInvalidUtf8(bytes(0xf0, 0x9f, 0x98, 0x41))).toBe(0);
    expect(firstInvalidUtf8(bytes(0xe2, 0x41, 0xac))).toBe(0);
    // Four-byte sequences: F0 needs a second byte from 0x90 (below is overlong), F4 one up to 0x8F (above is past
    // U+10FFFF).
    expect(firstInvalidUtf8(bytes(0x41, 0xf0, 0x8f, 0xbf, 0xbf))).toBe(1);
    expect(firstInvalidUtf8(bytes(0x41, 0xf0, 0x90, 0x80, 0x80))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0x41, 0xf4, 0x90, 0x80, 0x80))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xf3, 0x80, 0x80, 0x80, 0xf3, 0xbf, 0xbf, 0xbf))).toBe(-1);
  });

  it('does not count a sequence cut off by the end', () => {
    expect(firstInvalidUtf8(bytes(0xc3))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0xf0, 0x9f, 0x98))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0xc3, 0xa9, 0xf0))).toBe(-1);
  });
});

describe('the phrases', () => {
  it('names the byte in two upper-case hex digits, with the Latin-1 hint from 0xA0', () => {
    expect(invalidByteDetail(0x9f, 7)).toBe('byte 0x9F at offset 7 is not valid UTF-8');
    expect(invalidByteDetail(0x05, 0)).toBe('byte 0x05 at offset 0 is not valid UTF-8');
    expect(invalidByteDetail(0xa0, 12)).toBe(
      'byte 0xA0 at offset 12 is not valid UTF-8; the file may be Latin-1 or Windows-1252 text',
    );
    expect(invalidByteDetail(0xe9, 3)).toBe(
      'byte 0xE9 at offset 3 is not valid UTF-8; the file may be Latin-1 or Windows-1252 text',
    );
  });

  it('says where the NUL byte is', () => {
    expect(nulByteDetail(41)).toBe('it contains a NUL byte at offset 41, as binary files and UTF-16 text do');
  });
});

describe('countLineBreaks', () => {
  it('counts LF, CRLF once and a lone CR, in the range only', () => {
    const text = ascii('a\nb\r\nc\rd\n\n');
    expect(countLineBreaks(text, 0, text.length)).toBe(5);
    expect(countLineBreaks(text, 2, text.length)).toBe(4);
    expect(countLineBreaks(text, 0, 1)).toBe(0);
    expect(countLineBreaks(text, 0, 2)).toBe(1);
    expect(countLineBreaks(text, 1, 2)).toBe(1);
    expect(countLineBreaks(text, 3, 4)).toBe(0); // the CR of a CRLF whose LF is past the range
    expect(countLineBreaks(text, 4, 5)).toBe(1);
    expect(countLineBreaks(text, 6, 7)).toBe(1);
    expect(countLineBreaks(text, 5, 5)).toBe(0);
    expect(countLineBreaks(ascii('x\r'), 0, 2)).toBe(1);
    expect(countLineBreaks(ascii('\r\r\n'), 0, 3)).toBe(2);
  });
});
