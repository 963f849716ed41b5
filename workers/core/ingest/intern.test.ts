import { describe, expect, it } from 'vitest';
import { ByteInterner } from './intern';

describe('ByteInterner', () => {
  it('gives dense codes in order of first appearance, decoding each value once', () => {
    const interner = new ByteInterner();
    const bytes = new TextEncoder().encode('cat|dog|cat|日本|dog');
    const ranges = [
      [0, 3],
      [4, 7],
      [8, 11],
      [12, 18],
      [19, 22],
    ];
    const codes = ranges.map(([s, e]) => {
      const found = interner.find(bytes, s, e);
      return found >= 0 ? found : interner.add(bytes, s, e);
    });
    expect(codes).toEqual([0, 1, 0, 2, 1]);
    expect(interner.values).toEqual(['cat', 'dog', '日本']);
  });

  it('keeps finding every value as it grows', () => {
    const interner = new ByteInterner();
    const encode = (k: number) => new TextEncoder().encode(`v${k}`);
    for (let k = 0; k < 3000; k++) interner.add(encode(k), 0, encode(k).length);
    for (let k = 0; k < 3000; k++) expect(interner.find(encode(k), 0, encode(k).length)).toBe(k);
    expect(interner.find(encode(3000), 0, encode(3000).length)).toBe(-1);
  });
});
