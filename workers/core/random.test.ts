import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, shuffleInPlace } from './random';

const MASK = 0xffffffffn;
const mul = (a: bigint, b: bigint) => (a * b) & MASK;

/** mulberry32 transcribed from its C reference in 32-bit BigInt arithmetic: an independent check of the stream. */
function mulberry32Reference(seed: number, count: number): number[] {
  let state = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5n) & MASK;
    let z = state;
    z = mul(z ^ (z >> 15n), z | 1n);
    z = (z ^ ((z + mul(z ^ (z >> 7n), z | 61n)) & MASK)) & MASK;
    out.push(Number(z ^ (z >> 14n)) / 2 ** 32);
  }
  return out;
}

/** murmur3's 32-bit finaliser over seed ^ salt·0x9e3779b1, in BigInt arithmetic. */
function deriveSeedReference(seed: number, salt: number): number {
  let h = BigInt(seed >>> 0) ^ mul(BigInt(salt >>> 0), 0x9e3779b1n);
  h = mul(h ^ (h >> 16n), 0x85ebca6bn);
  h = mul(h ^ (h >> 13n), 0xc2b2ae35n);
  return Number(h ^ (h >> 16n));
}

describe('createRng', () => {
  it('is mulberry32: the stream equals a BigInt transcription of the C reference', () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1, -7]) {
      const rng = createRng(seed);
      expect(Array.from({ length: 50 }, () => rng.next())).toEqual(mulberry32Reference(seed, 50));
    }
    const rng = createRng(3);
    const reference = mulberry32Reference(3, 20);
    expect(Array.from({ length: 20 }, () => rng.int(10))).toEqual(reference.map((u) => Math.floor(u * 10)));
  });

  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('stays in [0, 1) and int(n) in [0, n), covering every value', () => {
    const rng = createRng(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      counts[rng.int(6)]++;
    }
    // Each face near 1000 (binomial sd ≈ 29): a broken int() that never reaches n-1 fails here.
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});

describe('shuffleInPlace', () => {
  it('permutes (same multiset), is seeded, and moves things', () => {
    const base = Int32Array.from({ length: 50 }, (_, i) => i);
    const x = Int32Array.from(base);
    const y = Int32Array.from(base);
    shuffleInPlace(x, createRng(1));
    shuffleInPlace(y, createRng(1));
    expect(x).toEqual(y);
    expect(Array.from(x).sort((p, q) => p - q)).toEqual(Array.from(base));
    expect(x).not.toEqual(base);
  });

  it('is Fisher–Yates from the end: swaps i with rng.int(i + 1) for i = n-1 … 1', () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7];
    shuffleInPlace(items, createRng(11));
    const expected = [0, 1, 2, 3, 4, 5, 6, 7];
    const draws = mulberry32Reference(11, 7);
    for (let i = 7, k = 0; i > 0; i--, k++) {
      const j = Math.floor((draws[k] as number) * (i + 1));
      [expected[i], expected[j]] = [expected[j] as number, expected[i] as number];
    }
    expect(items).toEqual(expected);
    const one = [5];
    shuffleInPlace(one, createRng(1));
    expect(one).toEqual([5]);
  });
});

describe('deriveSeed', () => {
  it('is the murmur3 finaliser of seed ^ salt × 0x9e3779b1', () => {
    for (const [seed, salt] of [
      [0, 0],
      [1, 2],
      [42, 7],
      [2 ** 32 - 1, 123_456],
      [-3, 9],
    ]) {
      expect(deriveSeed(seed as number, salt as number)).toBe(
        deriveSeedReference(seed as number, salt as number),
      );
    }
  });

  it('gives distinct 32-bit seeds for distinct salts and is stable', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, s) => deriveSeed(1, s)));
    expect(seeds.size).toBe(100);
    expect(deriveSeed(5, 9)).toBe(deriveSeed(5, 9));
    for (const s of seeds) expect(s >>> 0).toBe(s);
  });
});
