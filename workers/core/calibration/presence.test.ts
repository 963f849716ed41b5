import { describe, expect, it } from 'vitest';
import { countsRows, marked, presentRows } from './presence';
import type { FusionSettings } from './types';

/** Ten analyst rows (median 5: the sorted rows' value at round(0.5 × 9) = 5) and four canaries 8, 9, 10, 11. */
const VALUES = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 10, 12, 8, 9, 10, 11]);
const CANARIES = [10, 11, 12, 13];
const settings = (quantiles: number[], tolerance = 1, minRows = 0) =>
  ({ quantiles, tolerance, minRows }) as unknown as FusionSettings;

describe('presentRows (hand-computed)', () => {
  it('scales the analyst share at the threshold by the canaries share there', () => {
    // q 0.5: canary quantile 10 (index round(1.5) = 2), threshold 5 + (10 − 5) = 10; canaries at or above: 2 of 4,
    // analyst rows: 10 and 12, 2 of 10 → (0.2 / 0.5) × 10 = 4.
    expect(presentRows(VALUES, 10, CANARIES, settings([0.5]))).toBeCloseTo(4, 10);
    // Tolerance 0.5: threshold 7.5, every canary above it → 0.2 × 10 = 2.
    expect(presentRows(VALUES, 10, CANARIES, settings([0.5], 0.5))).toBeCloseTo(2, 10);
    // The canaries given in another order read the same quantiles.
    expect(presentRows(VALUES, 10, [13, 11, 12, 10], settings([0.5]))).toBeCloseTo(4, 10);
  });

  it('keeps the smallest estimate over the quantiles, clamped to the canaries', () => {
    expect(presentRows(VALUES, 10, CANARIES, settings([0]))).toBeCloseTo(2, 10); // threshold 8
    expect(presentRows(VALUES, 10, CANARIES, settings([1]))).toBeCloseTo(4, 10); // threshold 11: 0.1 / 0.25
    expect(presentRows(VALUES, 10, CANARIES, settings([1.5]))).toBeCloseTo(4, 10);
    expect(presentRows(VALUES, 10, CANARIES, settings([-1]))).toBeCloseTo(2, 10);
    expect(presentRows(VALUES, 10, CANARIES, settings([0.5, 0]))).toBeCloseTo(2, 10);
    expect(presentRows(VALUES, 10, CANARIES, settings([0, 0.5]))).toBeCloseTo(2, 10);
  });

  it('gives 0 below minRows, at none reached and with no canaries', () => {
    expect(presentRows(VALUES, 10, CANARIES, settings([0], 1, 2))).toBeCloseTo(2, 10);
    expect(presentRows(VALUES, 10, CANARIES, settings([0], 1, 2.5))).toBe(0);
    expect(presentRows(VALUES, 10, [], settings([0.5]))).toBe(0);
    // Tolerance 2: threshold 5 + 2 × (10 − 5) = 15, above every canary.
    expect(presentRows(VALUES, 10, CANARIES, settings([0.5], 2))).toBe(0);
    const nan = Float32Array.from([...VALUES.subarray(0, 10), Number.NaN, Number.NaN]);
    expect(presentRows(nan, 10, [10, 11], settings([0.5]))).toBe(0);
  });

  it('takes the median over the analyst rows only, without NaN', () => {
    // Rows 0..9 with two NaN: the eight left 0, 1, 2, 3, 4, 5, 10, 12 have median index round(3.5) = 4 → 4;
    // q 0, tolerance 0.5: threshold 4 + 0.5 × (8 − 4) = 6; canaries 4 of 4, analyst rows 10 and 12 of 10 → 2.
    const values = Float32Array.from([0, 1, 2, 3, 4, 5, Number.NaN, Number.NaN, 10, 12, 8, 9, 10, 11]);
    expect(presentRows(values, 10, CANARIES, settings([0], 0.5))).toBeCloseTo(2, 10);
    // With rows = 8 the analyst's rows are 0..5 and two NaN: median index round(2.5) = 3 → 3; threshold 8, none.
    expect(presentRows(values, 8, CANARIES, settings([0]))).toBe(0);
  });
});

describe('countsRows', () => {
  it('lets every kind count rows but a trigger kind detected by a distance score', () => {
    for (const kind of ['feature-trigger', 'patch-trigger', 'blend-trigger'] as const) {
      expect(countsRows(kind, 'knnDistance')).toBe(false);
      expect(countsRows(kind, 'mahalanobis')).toBe(false);
      for (const score of ['sharedValues', 'activationClustering', 'spectral', 'selfConfidence'] as const)
        expect(countsRows(kind, score)).toBe(true);
    }
    for (const kind of ['outlier', 'random-flip', 'pair-flip', 'near-duplicate'] as const) {
      expect(countsRows(kind, 'knnDistance')).toBe(true);
      expect(countsRows(kind, 'mahalanobis')).toBe(true);
    }
  });
});

describe('marked', () => {
  it('counts the analyst rows above 0, 0 below minRows and null above maxShare', () => {
    const values = Float32Array.from([0, 1, -1, 2, 0.5, 0, 5, 5]);
    expect(marked(values, 6, 3, 0.5)).toBe(3);
    expect(marked(values, 6, 4, 0.5)).toBe(0);
    expect(marked(values, 6, 3, 0.49)).toBeNull();
    expect(marked(values, 8, 0, 1)).toBe(5);
    expect(marked(values, 0, 0, 0)).toBe(0);
  });
});
