import { describe, expect, it } from 'vitest';
import { bytesText, cellText } from './csv-bytes';

const decoder = new TextDecoder('utf-8');
/** The slow path, as the ingest core decoded every id before the ASCII fast path. */
const decoded = (bytes: Uint8Array, s: number, e: number) => decoder.decode(bytes.subarray(s, e));

describe('bytesText', () => {
  it('gives exactly what the TextDecoder gives for every ASCII byte, at every length across the direct limit', () => {
    const bytes = new Uint8Array(600);
    for (let i = 0; i < bytes.length; i++) bytes[i] = 1 + ((i * 37) % 127); // 0x01..0x7f, NUL aside
    for (let length = 0; length <= 300; length++) {
      for (const start of [0, 1, 7]) {
        const text = bytesText(decoder, bytes, start, start + length);
        expect(text).toBe(decoded(bytes, start, start + length));
        expect(text.length).toBe(length);
      }
    }
  });

  it('decodes multi-byte UTF-8 wherever it sits in the range, as the TextDecoder does', () => {
    const cases = ['é-1', 'id-é', 'a日本b', '😀', 'row 7 ✓', 'plain-ascii-id'];
    for (const text of cases) {
      const bytes = new TextEncoder().encode(`,${text},`);
      expect(bytesText(decoder, bytes, 1, bytes.length - 1)).toBe(text);
    }
  });

  it('turns invalid bytes into U+FFFD as the non-fatal decoder does, never into Latin-1 characters', () => {
    const bytes = Uint8Array.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x80]);
    const text = bytesText(decoder, bytes, 0, bytes.length);
    expect(text).toBe(decoded(bytes, 0, bytes.length));
    expect(text).toContain('\ufffd');
    expect(text).not.toContain('\u00ff');
  });

  it('keeps cellText the same for quoted and unquoted cells', () => {
    const bytes = new TextEncoder().encode('"a ""b"" c" ,plain, é ');
    expect(cellText(decoder, bytes, 0, 12)).toBe('a "b" c');
    expect(cellText(decoder, bytes, 13, 18)).toBe('plain');
    expect(cellText(decoder, bytes, 19, bytes.length)).toBe(' é ');
  });
});
