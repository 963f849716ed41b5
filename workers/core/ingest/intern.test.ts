import { describe, expect, it } from 'vitest';
import { ByteInterner, hashBytes } from './intern';

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

describe('hashBytes and colliding keys', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('is 32-bit FNV-1a (reference values from the published algorithm, computed apart in Python)', () => {
    const cases: [string, number][] = [
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ];
    for (const [text, hash] of cases) {
      const bytes = encode(`[${text}]`);
      expect(hashBytes(bytes, 1, bytes.length - 1) >>> 0, JSON.stringify(text)).toBe(hash);
    }
  });

  it('tells apart keys whose whole hash collides, of different or equal lengths, one the start of the other', () => {
    // FNV-1a 32 collisions: costarring/liquid (0x5e4daa9d), declinate/macallums (0xe20e47d2), altarage/zinke;
    // catC95wqc/cat (0x06745c07) and dogWyMdtg/dog (0xe668bd09), found by a meet-in-the-middle search and checked
    // in Python, where the shorter key is the start of the longer one, so only the length check tells them apart.
    const pairs = [
      ['costarring', 'liquid'],
      ['declinate', 'macallums'],
      ['altarage', 'zinke'],
      ['catC95wqc', 'cat'],
      ['dogWyMdtg', 'dog'],
    ];
    for (const [a = '', b = ''] of pairs) {
      const hashA = hashBytes(encode(a), 0, a.length);
      expect(hashBytes(encode(b), 0, b.length), `${a}/${b}`).toBe(hashA);
      const interner = new ByteInterner();
      expect(interner.add(encode(a), 0, a.length)).toBe(0);
      expect(interner.find(encode(b), 0, b.length), `${b} after ${a}`).toBe(-1);
      expect(interner.add(encode(b), 0, b.length)).toBe(1);
      expect(interner.find(encode(a), 0, a.length)).toBe(0);
      expect(interner.find(encode(b), 0, b.length)).toBe(1);
      expect(interner.size).toBe(2);
      expect(interner.values).toEqual([a, b]);
    }
  });

  it('finds a key inside a larger buffer by its range only', () => {
    const interner = new ByteInterner();
    const bytes = encode('xxcatxx|cat|ca');
    expect(interner.add(bytes, 2, 5)).toBe(0);
    expect(interner.find(bytes, 8, 11)).toBe(0);
    expect(interner.find(bytes, 12, 14)).toBe(-1);
    expect(interner.find(bytes, 7, 11)).toBe(-1);
  });
});
