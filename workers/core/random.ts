/**
 * A tiny seeded PRNG for core code (splits, shuffles, initialiser seeds): core never calls Math.random, so
 * every run is reproducible from the seed written into the manifest.
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, passes PractRand to 2^32 outputs, which is ample
 * for shuffling datasets of up to millions of rows.
 */

/** A seeded stream of pseudo-random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** A mulberry32 stream; equal seeds give equal streams. Any finite number is accepted (it is folded to 32 bits). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * A new 32-bit seed from a seed and a salt, so independent streams (split, shuffle, weights) come from one user
 * seed without being correlated (the murmur3 finaliser mixes every input bit into every output bit).
 */
export function deriveSeed(seed: number, salt: number): number {
  let h = (seed >>> 0) ^ Math.imul(salt >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher–Yates shuffle of an array or typed array, in place. */
export function shuffleInPlace<T>(items: { length: number; [index: number]: T }, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}
