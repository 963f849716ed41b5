import { describe, expect, it } from 'vitest';
import { standardizationStats, standardize, stratifiedFolds, stratifiedSplit } from './split';

/** 3 classes with 50, 30 and 20 rows, interleaved. */
function labels(): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < 50; i++) out.push(0);
  for (let i = 0; i < 30; i++) out.push(1);
  for (let i = 0; i < 20; i++) out.push(2);
  // Deterministic interleave so classes are not contiguous.
  return Int32Array.from(
    out.map((y, i) => [y, (i * 37) % 100] as const).sort((a, b) => a[1] - b[1]),
    (p) => p[0],
  );
}

const countBy = (rows: Int32Array, y: Int32Array, c: number) =>
  rows.reduce((n, r) => n + (y[r] === c ? 1 : 0), 0);

describe('stratifiedSplit', () => {
  it('takes the fraction from every class, and train ∪ val covers every row once', () => {
    const y = labels();
    const { trainRows, valRows } = stratifiedSplit(y, 3, 0.2, 1);
    expect([0, 1, 2].map((c) => countBy(valRows, y, c))).toEqual([10, 6, 4]);
    expect([0, 1, 2].map((c) => countBy(trainRows, y, c))).toEqual([40, 24, 16]);
    const all = [...trainRows, ...valRows].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Ascending, so dynamics are in dataset order.
    expect(Array.from(trainRows)).toEqual([...trainRows].sort((a, b) => a - b));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const y = labels();
    expect(stratifiedSplit(y, 3, 0.2, 5)).toEqual(stratifiedSplit(y, 3, 0.2, 5));
    expect(stratifiedSplit(y, 3, 0.2, 5).valRows).not.toEqual(stratifiedSplit(y, 3, 0.2, 6).valRows);
  });

  it('keeps at least one training row per class and allows an empty validation set', () => {
    const y = Int32Array.from([0, 0, 1]);
    const { trainRows } = stratifiedSplit(y, 2, 0.9, 1);
    expect(countBy(trainRows, y, 0)).toBe(1);
    expect(countBy(trainRows, y, 1)).toBe(1);
    expect(stratifiedSplit(y, 2, 0, 1).valRows.length).toBe(0);
    expect(() => stratifiedSplit(y, 2, 1, 1)).toThrow(/not in \[0, 1\)/);
    expect(() => stratifiedSplit(Int32Array.from([0, 3]), 2, 0.2, 1)).toThrow(/outside 0..1/);
  });

  it('refuses label codes below 0 or equal to the class count, and negative fractions', () => {
    expect(() => stratifiedSplit(Int32Array.from([0, -1]), 2, 0.2, 1)).toThrow(
      new RangeError('Row 1 has label code -1, outside 0..1.'),
    );
    expect(() => stratifiedSplit(Int32Array.from([2, 0]), 2, 0.2, 1)).toThrow(
      new RangeError('Row 0 has label code 2, outside 0..1.'),
    );
    expect(() => stratifiedSplit(Int32Array.from([0, 1]), 2, -0.1, 1)).toThrow(
      new RangeError('Validation fraction -0.1 is not in [0, 1).'),
    );
  });
});

describe('stratifiedFolds', () => {
  it('takes k = 2 and refuses k < 2 or a fractional k', () => {
    const y = labels();
    expect(new Set(stratifiedFolds(y, 3, 2, 1))).toEqual(new Set([0, 1]));
    for (const k of [1, 0, 2.5]) {
      expect(() => stratifiedFolds(y, 3, k, 1)).toThrow(
        new RangeError(`K-fold needs an integer k ≥ 2, got ${k}.`),
      );
    }
  });

  it('balances fold sizes and classes', () => {
    const y = labels();
    const folds = stratifiedFolds(y, 3, 5, 2);
    for (let f = 0; f < 5; f++) {
      const rows = Int32Array.from(Array.from(folds.keys()).filter((i) => folds[i] === f));
      expect(rows.length).toBe(20);
      expect([0, 1, 2].map((c) => countBy(rows, y, c))).toEqual([10, 6, 4]);
    }
  });
});

describe('standardisation', () => {
  it('uses the training rows only', () => {
    // Feature 0: training rows hold 1 and 3 (mean 2, std 1); the validation row holds 1000.
    // Feature 1 is constant on the training rows: std 1, not NaN.
    const features = Float32Array.from([1, 5, 3, 5, 1000, -7]);
    const train = Int32Array.from([0, 1]);
    const stats = standardizationStats(features, 2, train);
    expect(Array.from(stats.mean)).toEqual([2, 5]);
    expect(Array.from(stats.std)).toEqual([1, 1]);
    const z = standardize(features, 2, stats);
    expect(Array.from(z)).toEqual([-1, 0, 1, 0, 998, -12]);
  });
});
