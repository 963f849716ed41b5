import { describe, expect, it } from 'vitest';
import { cellText } from './csv-bytes';

const decoder = new TextDecoder('utf-8');

describe('cellText', () => {
  it('unquotes and decodes quoted and unquoted cells', () => {
    const bytes = new TextEncoder().encode('"a ""b"" c" ,plain, é ');
    expect(cellText(decoder, bytes, 0, 12)).toBe('a "b" c');
    expect(cellText(decoder, bytes, 13, 18)).toBe('plain');
    expect(cellText(decoder, bytes, 19, bytes.length)).toBe(' é ');
  });
});
