/**
 * The upper-tail significance every calibrated score is put on (issue 16, from a mutation run): the reference rows
 * sorted without NaN, the count of reference values at or above a value, and −ln of the upper-tail share, each
 * counted by hand on small sets.
 */
import { describe, expect, it } from 'vitest';
import { countAtLeast, meanSignificance, sortedReference, tailFraction, tailSignificance } from './tails';

describe('reference values', () => {
  it('are sorted ascending as numbers, NaN left out', () => {
    expect(Array.from(sortedReference([10, Number.NaN, -1, 9, 2]))).toEqual([-1, 2, 9, 10]);
  });

  it('are read through the reference rows when given (every row otherwise)', () => {
    const values = [3, Number.NaN, 1, 2];
    expect(Array.from(sortedReference(values, [3, 0, 1]))).toEqual([2, 3]);
    expect(Array.from(sortedReference(values, []))).toEqual([]);
  });
});

describe('countAtLeast', () => {
  it('counts values at or above x, ties included', () => {
    const sorted = Float64Array.from([1, 2, 2, 3]);
    expect([0, 1, 2, 2.5, 3, 4].map((x) => countAtLeast(sorted, x))).toEqual([4, 4, 3, 1, 1, 0]);
    expect(countAtLeast(new Float64Array(0), 1)).toBe(0);
  });

  it('finds every position of a longer array', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i);
    for (let k = 0; k <= 100; k++) {
      expect(countAtLeast(sorted, k)).toBe(100 - k);
      expect(countAtLeast(sorted, k + 0.5)).toBe(Math.max(0, 99 - k));
    }
  });
});

describe('tail significance and share', () => {
  // Reference 1, 2, 2, 3 (M = 4): a value's share is (reference values at or above it + 1) / 5.
  const sorted = Float64Array.from([1, 2, 2, 3]);
  const values = [Number.NaN, 0, 2, 2.5, 4];
  const shares = [1, 1, 4 / 5, 2 / 5, 1 / 5];

  it('the share: 1 for NaN and for values at or below the lowest reference value, 1 / (M + 1) above them all', () => {
    const got = tailFraction(values, sorted);
    expect(got).toBeInstanceOf(Float64Array);
    expect(got).toHaveLength(5);
    shares.forEach((s, i) => {
      expect(got[i]).toBeCloseTo(s, 15);
    });
  });

  it('the significance: −ln of the share, 0 for NaN, ln(M + 1) above every reference value', () => {
    const got = tailSignificance(values, sorted);
    expect(got).toBeInstanceOf(Float32Array);
    expect(got).toHaveLength(5);
    shares.forEach((s, i) => {
      expect(got[i]).toBeCloseTo(-Math.log(s), 6);
    });
    expect(got[4]).toBeCloseTo(Math.log(5), 6);
  });
});

describe('meanSignificance', () => {
  it('ranks the mean of several scores among the first rows; one score is returned as it is; none gives no rows', () => {
    // Means [1.5, 2, 1, 1.5] over the 4 reference rows, and 5 on an appended row: −ln((count at least + 1) / 5).
    const a = Float32Array.from([3, 2, 1, 0, 5]);
    const b = Float32Array.from([0, 2, 1, 3, 5]);
    const out = meanSignificance([a, b], 4);
    const expected = [Math.log(5 / 4), Math.log(5 / 2), 0, Math.log(5 / 4), Math.log(5)];
    expect(out).toHaveLength(5);
    for (const [i, v] of expected.entries()) expect(out[i]).toBeCloseTo(v, 6);
    expect(meanSignificance([a], 4)).toBe(a);
    expect(meanSignificance([], 4)).toHaveLength(0);
  });
});
