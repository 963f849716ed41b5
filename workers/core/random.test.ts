import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, shuffleInPlace } from './random';

describe('createRng', () => {
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
});

describe('deriveSeed', () => {
  it('gives distinct 32-bit seeds for distinct salts and is stable', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, s) => deriveSeed(1, s)));
    expect(seeds.size).toBe(100);
    expect(deriveSeed(5, 9)).toBe(deriveSeed(5, 9));
    for (const s of seeds) expect(s >>> 0).toBe(s);
  });
});
