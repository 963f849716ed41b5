/**
 * The split's edges: a validation count rounded half up, a class with no rows, fold counting that carries across
 * classes, statistics over no rows and over a nearly constant column. Expected counts are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { standardizationStats, standardize, stratifiedFolds, stratifiedSplit } from './split';

describe('stratifiedSplit, counts', () => {
  it('rounds each class share half up, and keeps one training row', () => {
    // Five rows of one class: 5 × 0.5 = 2.5 → 3; 5 × 0.3 = 1.5 → 2; 5 × 0.09 = 0.45 → 0; 5 × 0.95 = 4.75 → 5, kept to 4.
    const y = new Int32Array(5);
    const val = (fraction: number) => stratifiedSplit(y, 1, fraction, 3).valRows.length;
    expect([0.5, 0.3, 0.09, 0.95].map(val)).toEqual([3, 2, 0, 4]);
  });

  it('takes nothing from a class with no rows', () => {
    // Class 1 has no rows; classes 0 and 2 have four each: 4 × 0.25 = 1 from each.
    const y = Int32Array.from([0, 2, 0, 2, 0, 2, 0, 2]);
    const { trainRows, valRows } = stratifiedSplit(y, 3, 0.25, 7);
    expect(valRows.length).toBe(2);
    expect(trainRows.length).toBe(6);
    expect(Array.from(valRows, (r) => y[r]).sort()).toEqual([0, 2]);
  });

  it('lists rows in ascending order even past 9 (a numeric sort, not a text sort)', () => {
    const y = new Int32Array(30);
    const { trainRows, valRows } = stratifiedSplit(y, 1, 0.5, 11);
    for (const rows of [trainRows, valRows]) {
      for (let i = 1; i < rows.length; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1] ?? -1);
    }
  });
});

describe('stratifiedFolds, sizes', () => {
  it('carries the fold counter across classes, so odd classes still give equal folds', () => {
    // Two classes of three rows, k = 2: dealt 0,1,0 then 1,0,1, three rows per fold. Restarting per class would
    // give 0,1,0,0,1,0: four and two.
    const y = Int32Array.from([0, 1, 0, 1, 0, 1]);
    for (const seed of [1, 2, 3]) {
      const folds = stratifiedFolds(y, 2, 2, seed);
      expect(folds.filter((f) => f === 0).length, `seed ${seed}`).toBe(3);
      expect(folds.filter((f) => f === 1).length, `seed ${seed}`).toBe(3);
    }
  });

  it('deals the folds 0 to k-1 only', () => {
    const folds = stratifiedFolds(new Int32Array(7), 1, 3, 5);
    expect(Array.from(folds).sort()).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });
});

describe('standardizationStats, edges', () => {
  it('gives mean 0 and std 1 over no rows', () => {
    const stats = standardizationStats(Float32Array.from([4, 9]), 2, new Int32Array(0));
    expect(Array.from(stats.mean)).toEqual([0, 0]);
    expect(Array.from(stats.std)).toEqual([1, 1]);
  });

  it('treats a spread of 1e-9 as constant and keeps one of 1e-7', () => {
    // Rows 1 and 1 + 2e-9 differ by less than a float32 step (1.2e-7 at 1), so store them around 0 instead:
    // values ±1e-9 have mean 0 and population std 1e-9; values ±1e-7 have std 1e-7.
    const features = Float32Array.from([-1e-9, -1e-7, 1e-9, 1e-7]);
    const stats = standardizationStats(features, 2, Int32Array.from([0, 1]));
    expect(stats.std[0]).toBe(1);
    expect(stats.std[1]).toBeCloseTo(1e-7, 12);
    expect(stats.std[1]).not.toBe(1);
  });

  it('gives the mean and population std of the training rows only', () => {
    // Feature 0 over rows 0-7: 2, 4, 4, 4, 5, 5, 7, 9 (mean 5, squared deviations 32, std √(32/8) = 2).
    // Feature 1: seven 0s and an 8 (mean 1, squared deviations 7 + 49 = 56, std √7). Row 8 is not a training row.
    const f0 = [2, 4, 4, 4, 5, 5, 7, 9, 1000];
    const f1 = [0, 0, 0, 0, 0, 0, 0, 8, -1000];
    const features = Float32Array.from(f0.flatMap((v, r) => [v, f1[r] ?? 0]));
    const stats = standardizationStats(features, 2, Int32Array.from([7, 0, 1, 2, 3, 4, 5, 6]));
    expect(Array.from(stats.mean)).toEqual([5, 1]);
    expect(Array.from(stats.std)).toEqual([2, Math.fround(Math.sqrt(7))]);
  });

  it('scales every row with the given statistics, feature by feature', () => {
    const stats = { mean: Float32Array.from([1, -2, 0.5]), std: Float32Array.from([2, 4, 0.25]) };
    const z = standardize(Float32Array.from([3, 2, 1, -1, -6, 0]), 3, stats);
    // (3-1)/2, (2+2)/4, (1-0.5)/0.25; (-1-1)/2, (-6+2)/4, (0-0.5)/0.25
    expect(Array.from(z)).toEqual([1, 1, 2, -1, -1, -2]);
  });
});
