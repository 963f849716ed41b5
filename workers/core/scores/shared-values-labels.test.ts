/**
 * Shared values (issue 10), the parts added with the chance rule and the label check: the Poisson tail past the exact
 * factorials, spikes kept or dropped by their rows' labels (spike-labels.ts) through every entry point, and canary
 * kinds that share a value.
 */
import { describe, expect, it } from 'vitest';
import { poissonTail } from './poisson';
import {
  columnSpikes,
  DEFAULT_SHARED_VALUES,
  sharedValuesInSampleOrder,
  sharedValuesWithCanaries,
  spikeIndex,
} from './shared-values';

describe('the chance rule, past the exact factorials', () => {
  it('computes the Poisson upper tail of 30 rows and more (Stirling’s series)', () => {
    // Summed independently (Python, math.lgamma, 2,000 terms): P(X ≥ 30 | 30) = 0.524283, P(X ≥ 35 | 30) = 0.202692,
    // P(X ≥ 40 | 30) = 0.046253, P(X ≥ 60 | 30) = 9.2519e-7.
    expect(poissonTail(30, 30)).toBeCloseTo(0.524283, 6);
    expect(poissonTail(35, 30)).toBeCloseTo(0.202692, 6);
    expect(poissonTail(40, 30)).toBeCloseTo(0.046253, 6);
    // To 9 places (the series' error at 30 is about 1/(1260 × 30⁵) = 3e-11): 0.5242830139 and 0.0462530376.
    expect(poissonTail(30, 30)).toBeCloseTo(0.5242830139, 9);
    expect(poissonTail(40, 30)).toBeCloseTo(0.0462530376, 9);
    expect(poissonTail(60, 30) / 9.2519e-7).toBeCloseTo(1, 4);
  });
});

/**
 * 200 rows: column 0 is the row's index (rows 0-99 class 0, 100-199 class 1, so a row's nearest rows hold its class),
 * column 1 is 1000 + the index except for the rows given, which hold 99.
 */
function labelled(spikeRows: readonly number[], relabel: readonly number[]) {
  const features = new Float32Array(400);
  for (let i = 0; i < 200; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = spikeRows.includes(i) ? 99 : 1000 + i;
  }
  const labels = Int32Array.from({ length: 200 }, (_, i) => (i < 100 || relabel.includes(i) ? 0 : 1));
  return { features, labels };
}

describe('shared values checked against the labels', () => {
  // Eight rows share 99 in column 1, where every other value is held once: P(X ≥ 8 | 1) = 1.0e-5 < 0.01 / 193.
  const trigger = [10, 30, 50, 70, 110, 130, 150, 170];
  const natural = [40, 41, 42, 43, 44, 45, 46, 47];
  const all = Int32Array.from({ length: 200 }, (_, i) => i);

  it('keeps a spike whose rows’ labels disagree with their neighbours and drops one whose labels fit', () => {
    // The trigger's class-1 rows relabelled 0 (the target): 4 of 8 disagree with their neighbours.
    const t = labelled(trigger, [110, 130, 150, 170]);
    const kept = sharedValuesInSampleOrder(t.features, 2, all, DEFAULT_SHARED_VALUES, t.labels);
    for (let i = 0; i < 200; i++) expect(kept[i]).toBeCloseTo(trigger.includes(i) ? Math.log(8) : 0, 5);
    const n = labelled(natural, []);
    const dropped = sharedValuesInSampleOrder(n.features, 2, all, DEFAULT_SHARED_VALUES, n.labels);
    expect(Array.from(dropped).every((v) => v === 0)).toBe(true);
    // Without labels both count.
    expect(sharedValuesInSampleOrder(n.features, 2, all)[40]).toBeCloseTo(Math.log(8), 5);
    expect(spikeIndex(n.features, 2, all, DEFAULT_SHARED_VALUES, n.labels)[1]?.size).toBe(0);
  });

  it('reads each sample’s label by its place in the run, not its row', () => {
    // The run takes the rows in reverse order: sample s is row 199 - s, and its label is labels[s].
    const t = labelled(trigger, [110, 130, 150, 170]);
    const local = Int32Array.from({ length: 200 }, (_, s) => 199 - s);
    const labels = Int32Array.from(local, (r) => t.labels[r] as number);
    const scores = sharedValuesInSampleOrder(t.features, 2, local, DEFAULT_SHARED_VALUES, labels);
    for (let s = 0; s < 200; s++)
      expect(scores[s]).toBeCloseTo(trigger.includes(199 - s) ? Math.log(8) : 0, 5);
  });

  it('checks each canary kind’s rows against the labels of the analyst rows and their own', () => {
    // 200 analyst rows with a natural spike (rows 40-47 hold 99, labels fit: dropped), then 8 canaries of kind 2 that
    // hold 150 in column 1, copies of rows 10, 30, ..., 170 labelled 0 (half of them against their neighbours: kept),
    // and 8 of kind 5 that hold 160, copies of rows 60-67 labelled 0 (their labels fit: dropped).
    const n = labelled(natural, []);
    const copies = [...trigger, 60, 61, 62, 63, 64, 65, 66, 67];
    const features = new Float32Array((200 + 16) * 2);
    features.set(n.features);
    copies.forEach((r, k) => {
      features[2 * (200 + k)] = r;
      features[2 * (200 + k) + 1] = k < 8 ? 150 : 160;
    });
    const labels = Int32Array.from({ length: 216 }, (_, i) => (i < 200 ? (n.labels[i] as number) : 0));
    const group = Uint8Array.from(copies, (_, k) => (k < 8 ? 2 : 5));
    const scores = sharedValuesWithCanaries(features, 2, 200, group, labels);
    expect(Array.from(scores.subarray(0, 200)).every((v) => v === 0)).toBe(true);
    for (let k = 0; k < 8; k++) expect(scores[200 + k]).toBeCloseTo(Math.log(8), 5);
    expect(Array.from(scores.subarray(208))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // Without labels, every spike counts: the natural one among the analyst rows and both kinds.
    const unchecked = sharedValuesWithCanaries(features, 2, 200, group, null);
    expect(unchecked[40]).toBeCloseTo(Math.log(8), 5);
    expect(unchecked[215]).toBeCloseTo(Math.log(8), 5);
  });
});

describe('sharedValuesWithCanaries, kinds that share a value', () => {
  it('counts each kind with the analyst rows alone, never with another kind’s rows', () => {
    // 100 analyst rows holding 0..99 in column 0 except row 5, which holds 100; then 8 rows of kind 3 and 2 of kind 4
    // holding 100, and 2 of kind 6 holding 200 (column 1: every row its own value). Kind 3: 100 held by 9 rows, ln 9.
    // Kind 4: 3 rows, chance (P(X ≥ 3 | 1) = 0.08). Kind 6: 2 rows, too few. Counted with the other kinds' rows,
    // 100 would be held by 11 rows (ln 11, 11 of 112 under a tenth).
    const rows = 100 + 8 + 2 + 2;
    const f = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      f[i * 2] = i >= 110 ? 200 : i >= 100 || i === 5 ? 100 : i;
      f[i * 2 + 1] = i + 0.5;
    }
    const group = Uint8Array.from([3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 6, 6]);
    const scores = sharedValuesWithCanaries(f, 2, 100, group, null);
    for (let r = 100; r < 108; r++) expect(scores[r]).toBeCloseTo(Math.log(9), 5);
    expect(Array.from(scores.subarray(108))).toEqual([0, 0, 0, 0]);
  });
});

describe('the chance rule at its edge', () => {
  it('keeps nothing at chance 0, even a value whose tail underflows to 0', () => {
    // 1,800 rows: 1,620 distinct values and one value held by 180 rows (a tenth): P(X ≥ 180 | 1) < 1e-308, which is 0
    // in double precision, and 0 is not below 0.
    const column = Float32Array.from({ length: 1800 }, (_, i) => (i < 1620 ? i : 5000));
    expect(poissonTail(180, 1)).toBe(0);
    expect(columnSpikes(column, { ...DEFAULT_SHARED_VALUES, chance: 0 })).toEqual([]);
    expect(columnSpikes(column).map((x) => [x.value, x.rows])).toEqual([[5000, 180]]);
  });
});
