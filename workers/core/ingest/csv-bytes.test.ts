import { describe, expect, it } from 'vitest';
import { CellKey, cellText, closingQuote, isBlank } from './csv-bytes';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

describe('cellText', () => {
  it('unquotes and decodes quoted and unquoted cells', () => {
    const bytes = new TextEncoder().encode('"a ""b"" c" ,plain, é ');
    expect(cellText(decoder, bytes, 0, 12)).toBe('a "b" c');
    expect(cellText(decoder, bytes, 13, 18)).toBe('plain');
    expect(cellText(decoder, bytes, 19, bytes.length)).toBe(' é ');
  });

  it('ends a quoted cell at its closing quote, before spaces and tabs', () => {
    const bytes = encoder.encode('"a b"\t \t,x');
    expect(closingQuote(bytes, 8)).toBe(4);
    expect(cellText(decoder, bytes, 0, 8)).toBe('a b');
  });
});

describe('isBlank', () => {
  it('is true for spaces and tabs only, within the range given', () => {
    const bytes = encoder.encode('x \t x');
    expect(isBlank(bytes, 1, 4)).toBe(true);
    expect(isBlank(bytes, 2, 3)).toBe(true);
    expect(isBlank(bytes, 2, 2)).toBe(true);
    expect(isBlank(bytes, 0, 2)).toBe(false);
    expect(isBlank(bytes, 1, 5)).toBe(false);
    expect(isBlank(encoder.encode('\t'), 0, 1)).toBe(true);
  });
});

describe('CellKey', () => {
  /** The key `read` finds in `bytes[s..e)`, as text. */
  const keyOf = (key: CellKey, bytes: Uint8Array, s: number, e: number): string => {
    key.read(bytes, s, e);
    return decoder.decode(key.bytes.subarray(key.start, key.end));
  };

  it('unquotes, undoes doubled quotes (leading ones too) and trims spaces and tabs', () => {
    const key = new CellKey();
    const cases: [string, string][] = [
      ['plain', 'plain'],
      [' \tpadded \t', 'padded'],
      ['"quoted"', 'quoted'],
      ['" in quotes "', 'in quotes'],
      ['"a ""b"""', 'a "b"'],
      ['"""x"""', '"x"'],
      ['""""', '"'],
      ['"x" \t', 'x'],
    ];
    for (const [cell, text] of cases) {
      const bytes = encoder.encode(`,${cell},`);
      expect(keyOf(key, bytes, 1, bytes.length - 1), cell).toBe(text);
    }
  });

  it('unescapes a quoted key far longer than its 256-byte scratch', () => {
    const key = new CellKey();
    const long = 'a'.repeat(300);
    const bytes = encoder.encode(`"${long}""b"`);
    expect(keyOf(key, bytes, 0, bytes.length)).toBe(`${long}"b`);
    expect(keyOf(key, encoder.encode('"c""d"'), 0, 6)).toBe('c"d');
  });

  it('finds an empty key for an empty or blank cell, whatever follows it', () => {
    const key = new CellKey();
    const bytes = encoder.encode('  \t"x"');
    for (const [s, e] of [
      [0, 2],
      [3, 3],
      [0, 0],
    ] as const) {
      key.read(bytes, s, e);
      expect(key.end - key.start, `${s}..${e}`).toBe(0);
    }
  });
});
