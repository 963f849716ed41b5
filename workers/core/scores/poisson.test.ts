/** The Poisson upper tail (poisson.ts) where its guards decide; tails of 30 and more: shared-values-labels.test.ts. */
import { describe, expect, it } from 'vitest';
import { poissonTail, tailOf } from './poisson';

describe('poissonTail', () => {
  it('is 1 at a count of 0 or less, whatever the mean, 0 included', () => {
    // P(X ≥ 0) = 1 for every law. Summed from 0 the terms of a mean of 0 would be 0 × ln 0 = NaN.
    expect(poissonTail(0, 0)).toBe(1);
    expect(poissonTail(0, 2.5)).toBe(1);
    expect(poissonTail(-3, 1)).toBe(1);
  });

  it('gives the small tails by hand', () => {
    // P(X ≥ 1) = 1 − e^−m; P(X ≥ 2) at m = 1: 1 − 2 / e.
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(poissonTail(2, 1)).toBeCloseTo(1 - 2 / Math.E, 12);
  });
});

describe('tailOf', () => {
  it('remembers a tail, and never mistakes a mean of 2^25 or more for another pair', () => {
    const tails = new Map<number, number>();
    // A count far above a mean of 0.5: 0 (every term underflows). Remembered under (2^25 + 2) × 2^26 + 1.
    const c = 2 ** 25;
    expect(tailOf(tails, c + 2, 0.5)).toBe(0);
    expect(tails.size).toBe(1);
    // A count just above a mean of 2^25 + 0.5 (so that count and mean would give that same key): about one half
    // (the law is nearly normal, its sd 5793; the sum of its first 10,000 terms covers 1.7 sd, over 0.45), not the 0
    // remembered.
    expect(tailOf(tails, c + 1, c + 0.5)).toBeGreaterThan(0.4);
    expect(tailOf(tails, c + 1, c + 0.5)).toBeLessThan(0.55);
    // A mean of exactly 2^25 would share its key with (count + 1, mean 0): a tail of 0 remembered for the latter.
    expect(tailOf(tails, c + 3, 0)).toBe(0);
    expect(tailOf(tails, c + 2, c)).toBeGreaterThan(0.4);
    // An ordinary pair is remembered: asked again, the same value, and one entry more.
    const first = tailOf(tails, 8, 1.5);
    expect(tails.size).toBe(3);
    expect(tailOf(tails, 8, 1.5)).toBe(first);
    // A mean of 0: P(X ≥ 0) = 1, P(X ≥ 1) = 0, each under its own key.
    expect(tailOf(tails, 0, 0)).toBe(1);
    expect(tailOf(tails, 1, 0)).toBe(0);
  });
});
