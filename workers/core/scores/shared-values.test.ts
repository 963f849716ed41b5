import { describe, expect, it } from 'vitest';
import {
  columnSpikes,
  DEFAULT_SHARED_VALUES,
  sharedValueScores,
  sharedValuesInSampleOrder,
  sharedValuesOf,
  spikeIndex,
} from './shared-values';

/** 40 rows × 2 columns: distinct values 0..36 in both, then rows 37-39 hold `trigger` in both columns. */
function planted(trigger: number): Float32Array {
  const f = new Float32Array(80);
  for (let r = 0; r < 40; r++) {
    f[2 * r] = r < 37 ? r : trigger;
    f[2 * r + 1] = r < 37 ? 0.5 + r : trigger;
  }
  return f;
}

describe('columnSpikes', () => {
  it('weighs a value by ln(its count / the median count of its neighbouring values)', () => {
    // Distinct values and counts: 1×2, 2×2, 3×6, 4×1, 5×2. Value 3's neighbours within 2: counts 2, 2, 1, 2 -> 2.
    const column = Float32Array.from([1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5]);
    const spikes = columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2 });
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ value: 3, rows: 6, neighbours: 2 });
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(3), 6);
  });

  it('leaves out a value fewer than minCount rows share, or more than maxShare of them', () => {
    const column = Float32Array.from([1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5]);
    expect(columnSpikes(column, { minCount: 7, maxShare: 0.5, window: 2 })).toEqual([]);
    // 6 of 13 rows is above a share of 0.4 (5.2 rows).
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.4, window: 2 })).toEqual([]);
  });

  it('gives nothing to a value shared no more than its neighbours are', () => {
    // Every value held by 3 rows: ln(3 / 3) = 0 is no spike.
    const column = Float32Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2 })).toEqual([]);
  });

  it('never counts NaN (a missing value) as a shared value', () => {
    const column = Float32Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, 2, 3, 4, 5, 6]);
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2 })).toEqual([]);
  });
});

describe('sharedValueScores', () => {
  it('scores rows sharing a rare value by ln(count) per column, summed, and every other row 0', () => {
    // The trigger 100 is held by 3 rows; its 5 neighbouring values (32..36) are held by 1 row each.
    const scores = sharedValueScores(planted(100), 40, 2);
    for (let r = 0; r < 37; r++) expect(scores[r]).toBe(0);
    for (let r = 37; r < 40; r++) expect(scores[r]).toBeCloseTo(2 * Math.log(3), 5);
  });

  it('ignores a value held by more than a tenth of the rows (a column’s usual value)', () => {
    // 5 of 40 rows share 100 in both columns: above the default share of 0.1 (4 rows).
    const f = planted(100);
    f[2 * 36] = 100;
    f[2 * 36 + 1] = 100;
    f[2 * 35] = 100;
    f[2 * 35 + 1] = 100;
    expect(DEFAULT_SHARED_VALUES.maxShare).toBe(0.1);
    expect(Array.from(sharedValueScores(f, 40, 2)).every((v) => v === 0)).toBe(true);
  });

  it('refuses features whose length is not rows × columns', () => {
    expect(() => sharedValueScores(new Float32Array(7), 4, 2)).toThrow(/7 values, expected 4 × 2/);
  });
});

describe('sharedValuesInSampleOrder', () => {
  it('scores the samples in the run’s order, counting only the run’s rows', () => {
    const f = planted(100);
    // Samples: rows 39, 0 and 38, then rows 1..36 and 37: the trigger's three rows are all in the run.
    const local = Int32Array.from([39, 0, 38, ...Array.from({ length: 36 }, (_, i) => i + 1), 37]);
    const scores = sharedValuesInSampleOrder(f, 2, local);
    expect(scores[0]).toBeCloseTo(2 * Math.log(3), 5);
    expect(scores[1]).toBe(0);
    expect(scores[2]).toBeCloseTo(2 * Math.log(3), 5);
    expect(scores[39]).toBeCloseTo(2 * Math.log(3), 5);
    // Without row 37 only two rows share the trigger: below the 3 rows that count.
    const without = sharedValuesInSampleOrder(
      f,
      2,
      Int32Array.from({ length: 39 }, (_, i) => (i < 37 ? i : i + 1)),
    );
    expect(Array.from(without).every((v) => v === 0)).toBe(true);
  });
});

describe('sharedValuesOf', () => {
  it('names each column where the row shares a rare value, with the value and how many rows share it', () => {
    const f = planted(7.5);
    const index = spikeIndex(
      f,
      2,
      Int32Array.from({ length: 40 }, (_, i) => i),
    );
    expect(sharedValuesOf(index, f, 0)).toEqual([]);
    // Column 0 holds 0..36, so 7.5 is held by the 3 planted rows; column 1 holds 0.5..36.5, where row 7 holds 7.5
    // too: 4 rows share it there, ln 4 against ln 3, so column 1 comes first.
    expect(sharedValuesOf(index, f, 38)).toEqual([
      { column: 1, value: 7.5, rows: 4, neighbours: 1 },
      { column: 0, value: 7.5, rows: 3, neighbours: 1 },
    ]);
    // Counted over the run's rows only: without row 37, two rows share 7.5 in column 0, too few to count.
    const run = Int32Array.from({ length: 39 }, (_, i) => (i < 37 ? i : i + 1));
    expect(sharedValuesOf(spikeIndex(f, 2, run), f, 38)).toEqual([
      { column: 1, value: 7.5, rows: 3, neighbours: 1 },
    ]);
  });
});
