import { describe, expect, it } from 'vitest';
import { poissonTail } from './poisson';
import {
  columnSpikes,
  DEFAULT_SHARED_VALUES,
  sharedValueScores,
  sharedValuesInSampleOrder,
  sharedValuesOf,
  sharedValuesWithCanaries,
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

/** No significance test: every excess over the neighbours counts (the arithmetic these cases check). */
const ANY = Number.POSITIVE_INFINITY;
const ARITH = { ...DEFAULT_SHARED_VALUES, chance: ANY };

describe('columnSpikes', () => {
  it('weighs a value by ln(its count / the median count of its neighbouring values)', () => {
    // Distinct values and counts: 1×2, 2×2, 3×6, 4×1, 5×2. Value 3's neighbours within 2: counts 2, 2, 1, 2 -> 2.
    const column = Float32Array.from([1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5]);
    const spikes = columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY });
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ value: 3, rows: 6, neighbours: 2 });
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(3), 6);
  });

  it('leaves out a value fewer than minCount rows share, or more than maxShare of them', () => {
    const column = Float32Array.from([1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5]);
    expect(columnSpikes(column, { minCount: 7, maxShare: 0.5, window: 2, chance: ANY })).toEqual([]);
    // 6 of 13 rows is above a share of 0.4 (5.2 rows).
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.4, window: 2, chance: ANY })).toEqual([]);
  });

  it('gives nothing to a value shared no more than its neighbours are', () => {
    // Every value held by 3 rows: ln(3 / 3) = 0 is no spike.
    const column = Float32Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY })).toEqual([]);
  });

  it('never counts NaN (a missing value) as a shared value', () => {
    const column = Float32Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, 2, 3, 4, 5, 6]);
    expect(columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY })).toEqual([]);
  });
});

describe('columnSpikes, hand cases at the edges', () => {
  it('leaves missing values out of the neighbours too', () => {
    // Values 1×2, 2×2, 3×6 and four NaN (14 rows, at most 7 may share). Value 3's neighbours within 2 are the counts
    // of 2 and 1 only: 2 and 2, median 2, so ln(6 / 2). Were each NaN a value of its own, 1.5 and ln 4.
    const column = Float32Array.from([
      3,
      Number.NaN,
      1,
      3,
      2,
      Number.NaN,
      3,
      1,
      3,
      Number.NaN,
      2,
      3,
      Number.NaN,
      3,
    ]);
    const spikes = columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY });
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ value: 3, rows: 6, neighbours: 2 });
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(3), 6);
  });

  it('takes 1 as the baseline of a value with no neighbours', () => {
    // One distinct value held by all 3 rows (a share of 1 allowed): no neighbours, baseline 1, ln 3.
    const alone = columnSpikes(Float32Array.from([5, 5, 5]), {
      minCount: 3,
      maxShare: 1,
      window: 2,
      chance: ANY,
    });
    expect(alone).toHaveLength(1);
    expect(alone[0]).toMatchObject({ value: 5, rows: 3, neighbours: 1 });
    expect(alone[0]?.weight).toBeCloseTo(Math.log(3), 6);
    // A window of 0 looks at no neighbour either: value 2 of 1, 2, 2, 2, 3 weighs ln 3.
    const none = columnSpikes(Float32Array.from([2, 1, 2, 3, 2]), {
      minCount: 3,
      maxShare: 1,
      window: 0,
      chance: ANY,
    });
    expect(none.map((s) => [s.value, s.rows, s.neighbours])).toEqual([[2, 3, 1]]);
  });

  it('gives the highest value only the neighbours below it', () => {
    // Values 1×2 and 2×6 (8 rows, at most 6 may share), a window of 1: value 2's one neighbour holds 2 rows, ln 3.
    const spikes = columnSpikes(Float32Array.from([2, 1, 2, 2, 1, 2, 2, 2]), {
      minCount: 3,
      maxShare: 0.75,
      window: 1,
      chance: ANY,
    });
    expect(spikes.map((s) => [s.value, s.rows, s.neighbours])).toEqual([[2, 6, 2]]);
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(3), 6);
  });

  it('reads the median of an odd number of neighbours as numbers, the lowest value among them', () => {
    // Values 1×10, 2×12, 3×2, 4×3 (27 rows, at most 13.5 may share), shuffled. Within 2: value 2's neighbours are
    // the counts of 1, 3 and 4 (10, 2, 3; nothing two below the lowest value): median 3, ln(12 / 3). Value 1's are
    // those of 2 and 3 (12, 2): median 7, ln(10 / 7). Value 4 (3 rows) has 2 and 12 beside it: median 7, no spike.
    const list = [...Array(10).fill(1), ...Array(12).fill(2), 3, 3, 4, 4, 4];
    const order = [
      4, 17, 25, 0, 11, 22, 8, 19, 2, 14, 26, 6, 21, 10, 1, 16, 23, 5, 12, 24, 9, 18, 3, 15, 7, 20, 13,
    ];
    const column = Float32Array.from(order, (k) => list[k] as number);
    const before = Array.from(column);
    const spikes = columnSpikes(column, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY });
    // The caller's column is left as it was.
    expect(Array.from(column)).toEqual(before);
    expect(spikes.map((s) => [s.value, s.rows, s.neighbours])).toEqual([
      [1, 10, 7],
      [2, 12, 3],
    ]);
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(10 / 7), 6);
    expect(spikes[1]?.weight).toBeCloseTo(Math.log(4), 6);
  });
});

describe('sharedValueScores', () => {
  it('scores rows sharing a rare value by ln(count) per column, summed, and every other row 0', () => {
    // The trigger 100 is held by 3 rows; its 5 neighbouring values (32..36) are held by 1 row each.
    const scores = sharedValueScores(planted(100), 40, 2, ARITH);
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
    expect(Array.from(sharedValueScores(f, 40, 2, ARITH)).every((v) => v === 0)).toBe(true);
  });

  it('weighs a row by its count over the neighbours’ median, not by the count alone', () => {
    // One column, 13 rows: values 1×2, 2×2, 3×6, 4×1, 5×2 (as above): rows holding 3 score ln(6 / 2), the rest 0.
    const column = Float32Array.from([1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5]);
    const scores = sharedValueScores(column, 13, 1, { minCount: 3, maxShare: 0.5, window: 2, chance: ANY });
    expect(Array.from(scores, (v) => Number(v.toFixed(6)))).toEqual(
      Array.from(column, (v) => (v === 3 ? Number(Math.log(3).toFixed(6)) : 0)),
    );
  });

  it('refuses features whose length is not rows × columns', () => {
    expect(() => sharedValueScores(new Float32Array(7), 4, 2)).toThrow(/7 values, expected 4 × 2/);
  });
});

describe('the chance rule (defaults)', () => {
  it('computes the Poisson upper tail', () => {
    // P(X ≥ 3 | 1) = 1 - e^-1 (1 + 1 + 1/2); P(X ≥ 1 | 2) = 1 - e^-2; P(X ≥ 0) = 1.
    expect(poissonTail(3, 1)).toBeCloseTo(1 - 2.5 / Math.E, 10);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10);
    expect(poissonTail(0, 5)).toBe(1);
    // Far in the tail: P(X ≥ 300 | 1) = e^-1 / 300! (1 + 1/301 + ...), about 10^-615: below every threshold.
    expect(poissonTail(300, 1)).toBe(0);
  });

  it('keeps a value 8 of 100 rows share, and drops a chance tie of 3 rows', () => {
    // Column: rows 0-88 hold 0..88, rows 89-91 hold 90 (a tie of 3), rows 92-99 hold 500; every other value is held
    // by one row.
    const column = Float32Array.from({ length: 100 }, (_, i) => (i >= 92 ? 500 : i >= 89 ? 90 : i));
    const spikes = columnSpikes(column);
    // 91 distinct values (0..88, 90, 500): the threshold is 0.01 / 91. The tie: P(X ≥ 3 | 1) = 0.080, far above it.
    // The trigger: P(X ≥ 8 | 1) = 1.0e-5, below 1.1e-4.
    expect(spikes.map((x) => [x.value, x.rows])).toEqual([[500, 8]]);
    expect(spikes[0]?.weight).toBeCloseTo(Math.log(8), 6);
    // With no chance rule the tie counts too.
    expect(columnSpikes(column, ARITH).map((x) => x.value)).toEqual([90, 500]);
  });

  it('ignores the ties of values written with few decimals', () => {
    // 40 values 10 rows each, but 16 rows hold 20: P(X ≥ 16 | 10) = 0.049, above 0.01 / 40.
    const column = Float32Array.from(
      Array.from({ length: 40 }, (_, v) => new Array<number>(v === 20 ? 16 : 10).fill(v)).flat(),
    );
    expect(column.filter((v) => v === 20)).toHaveLength(16);
    expect(columnSpikes(column)).toEqual([]);
  });
});

describe('sharedValuesInSampleOrder', () => {
  it('scores the samples in the run’s order, counting only the run’s rows', () => {
    const f = planted(100);
    // Samples: rows 39, 0 and 38, then rows 1..36 and 37: the trigger's three rows are all in the run.
    const local = Int32Array.from([39, 0, 38, ...Array.from({ length: 36 }, (_, i) => i + 1), 37]);
    const scores = sharedValuesInSampleOrder(f, 2, local, ARITH);
    expect(scores[0]).toBeCloseTo(2 * Math.log(3), 5);
    expect(scores[1]).toBe(0);
    expect(scores[2]).toBeCloseTo(2 * Math.log(3), 5);
    expect(scores[39]).toBeCloseTo(2 * Math.log(3), 5);
    // Without row 37 only two rows share the trigger: below the 3 rows that count.
    const without = sharedValuesInSampleOrder(
      f,
      2,
      Int32Array.from({ length: 39 }, (_, i) => (i < 37 ? i : i + 1)),
      ARITH,
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
      ARITH,
    );
    expect(sharedValuesOf(index, f, 0)).toEqual([]);
    // Column 0 holds 0..36, so 7.5 is held by the 3 planted rows; column 1 holds 0.5..36.5, where row 7 holds 7.5
    // too: 4 rows share it there, ln 4 against ln 3, so column 1 comes first.
    expect(sharedValuesOf(index, f, 38)).toEqual([
      { column: 1, value: 7.5, rows: 4, neighbours: 1 },
      { column: 0, value: 7.5, rows: 3, neighbours: 1 },
    ]);
    // Two spikes as strong (3 rows, neighbours 1 each): column order.
    const even = planted(100);
    expect(
      sharedValuesOf(
        spikeIndex(
          even,
          2,
          Int32Array.from({ length: 40 }, (_, i) => i),
          ARITH,
        ),
        even,
        39,
      ),
    ).toEqual([
      { column: 0, value: 100, rows: 3, neighbours: 1 },
      { column: 1, value: 100, rows: 3, neighbours: 1 },
    ]);
    // Strength is rows over neighbours: 6 rows against neighbours of 2 (column 0) is weaker than 4 rows against 1.
    const mixed = new Float32Array(26);
    [1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5].forEach((v, r) => {
      mixed[2 * r] = v;
      mixed[2 * r + 1] = r >= 4 && r < 8 ? 7 : 100 + r;
    });
    // Both tables: 13 rows × 2 columns, every row counted, spikes of 3 rows or more within a window of 2.
    const indexOf13 = (table: Float32Array) =>
      spikeIndex(
        table,
        2,
        Int32Array.from({ length: 13 }, (_, i) => i),
        { minCount: 3, maxShare: 0.5, window: 2, chance: ANY },
      );
    const mixedIndex = indexOf13(mixed);
    expect(sharedValuesOf(mixedIndex, mixed, 5)).toEqual([
      { column: 1, value: 7, rows: 4, neighbours: 1 },
      { column: 0, value: 3, rows: 6, neighbours: 2 },
    ]);
    // The same columns the other way round: the stronger spike, now in column 0, still first.
    const swapped = new Float32Array(26);
    for (let r = 0; r < 13; r++) {
      swapped[2 * r] = mixed[2 * r + 1] as number;
      swapped[2 * r + 1] = mixed[2 * r] as number;
    }
    const swappedIndex = indexOf13(swapped);
    expect(sharedValuesOf(swappedIndex, swapped, 5)).toEqual([
      { column: 0, value: 7, rows: 4, neighbours: 1 },
      { column: 1, value: 3, rows: 6, neighbours: 2 },
    ]);
    // Counted over the run's rows only: without row 37, two rows share 7.5 in column 0, too few to count.
    const run = Int32Array.from({ length: 39 }, (_, i) => (i < 37 ? i : i + 1));
    expect(sharedValuesOf(spikeIndex(f, 2, run, ARITH), f, 38)).toEqual([
      { column: 1, value: 7.5, rows: 3, neighbours: 1 },
    ]);
  });
});

describe('sharedValuesWithCanaries', () => {
  it('scores the analyst rows among themselves and each kind’s rows among the analyst rows and their own', () => {
    // 100 analyst rows with values 0..99 in column 0 (0.5..99.5 in column 1), except row 5, which holds 100; then 8
    // rows of kind 3 and 2 rows of kind 4, every one holding 100 in column 0 (and its own value in column 1).
    const rows = 100 + 8 + 2;
    const f = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      f[i * 2] = i >= 100 || i === 5 ? 100 : i;
      f[i * 2 + 1] = i + 0.5;
    }
    const group = Uint8Array.from([3, 3, 3, 3, 3, 3, 3, 3, 4, 4]);
    const scores = sharedValuesWithCanaries(f, 2, 100, group, null);
    // Among the analyst rows, 100 is held by row 5 alone: no spike, every analyst row 0.
    expect(Array.from(scores.subarray(0, 100)).every((v) => v === 0)).toBe(true);
    // Kind 3: 100 held by 9 rows (8 + row 5) against 1 for its neighbours; P(X ≥ 9 | 1) = 1.1e-6 < 0.01 / 100, and 9 of
    // 108 rows is under a tenth.
    for (let r = 100; r < 108; r++) expect(scores[r]).toBeCloseTo(Math.log(9), 5);
    // Kind 4: 100 held by 3 rows (2 + row 5); P(X ≥ 3 | 1) = 0.08 is chance. Counted with kind 3's rows it would
    // score ln 11.
    expect(Array.from(scores.subarray(108))).toEqual([0, 0]);
  });
});

describe('spikeIndex with labels and verdicts', () => {
  it('drops a spike whose labels fit, unless a verdict already kept it, and records the verdicts it makes', () => {
    // 100 rows, class 0 for rows 0-49 and 1 for rows 50-99; column 0 rises with the row. Rows 20-27 (class 0, amid
    // class 0) hold 99 in column 1, which no other row holds: a natural spike.
    const f = new Float32Array(200);
    for (let i = 0; i < 100; i++) {
      f[i * 2] = i;
      f[i * 2 + 1] = i >= 20 && i < 28 ? 99 : 1000 + i;
    }
    const rows = Int32Array.from({ length: 100 }, (_, i) => i);
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1));
    const verdicts = new Map<string, boolean>();
    expect(spikeIndex(f, 2, rows, DEFAULT_SHARED_VALUES, labels, verdicts)[1]?.has(99)).toBe(false);
    expect([...verdicts]).toEqual([['1:99', false]]);
    // A verdict given before (as a calibration's analyst rows give it to each canary kind's pass) is kept.
    const kept = new Map([['1:99', true]]);
    expect(spikeIndex(f, 2, rows, DEFAULT_SHARED_VALUES, labels, kept)[1]?.get(99)?.rows).toBe(8);
    // Without labels nothing is checked.
    expect(spikeIndex(f, 2, rows)[1]?.has(99)).toBe(true);
  });
});
