/**
 * The boundaries of spike-groups.ts' rules, each on a hand-built table where it decides: half of a group's spikes,
 * exactly minRows rows, exactly nine in ten of one label, exactly half of a label's rows, the reference at exactly 5k,
 * a tie of labels, unlabelled spikes and the pair budget, the early stop and the check budget, the group's rows and
 * columns left out of the search, and given column scales. Every expected value is read off the tables.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_GROUPS, type GroupOptions, liftedGroupRows, spikeGroups } from './spike-groups';
import { DEFAULT_SPIKE_LABELS } from './spike-labels';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Samples in blocks, one class per block: block c holds `sizes[c]` samples placed at 1000 c + their place in column
 * 0, so that a sample's nearest samples are its block's; columns 1-3 are 0. The samples of `relabel` are labelled 1.
 */
function blocks(sizes: readonly number[], relabel: readonly number[]) {
  const cols = 4;
  const n = sizes.reduce((a, b) => a + b, 0);
  const features = new Float32Array(n * cols);
  const labels = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, c) => {
    for (let t = 0; t < size; t++, i++) {
      features[i * cols] = 1000 * c + t;
      labels[i] = relabel.includes(i) ? 1 : c;
    }
  });
  return { features, labels, cols, local: Int32Array.from({ length: n }, (_, k) => k) };
}

type Table = ReturnType<typeof blocks>;

function lifted(
  t: Table,
  members: readonly (readonly number[])[],
  column: readonly number[],
  minRows = 3,
  options: GroupOptions = {},
) {
  const out = liftedGroupRows(members, column, t.features, t.cols, t.local, t.labels, minRows, options);
  return range(0, out.length).filter((i) => out[i] === 1);
}

/** The trigger's rows: four in class 0 (samples 0-39), four in class 2 (80-119). */
const T = [5, 10, 15, 20, 85, 90, 95, 100];
const sorted = (list: readonly number[]) => [...list].sort((a, b) => a - b);

describe('a group’s rows', () => {
  it('are the rows holding at least half of its spikes', () => {
    // Two spikes, the second with row 25 too (8 shared of 9: joined): row 25 holds one of two, a half: a group row.
    const withRow = sorted([...T, 25]);
    expect(lifted(blocks([40, 40, 40], withRow), [T, withRow], [1, 2])).toEqual(withRow);
    // Three spikes, row 25 in one: under half, not a group row (though labelled 1 like them).
    expect(lifted(blocks([40, 40, 40], withRow), [T, T, withRow], [1, 2, 3])).toEqual(T);
  });

  it('must number at least minRows', () => {
    const t = blocks([40, 40, 40], T);
    expect(lifted(t, [T, T], [1, 2], 8)).toEqual(T);
    expect(lifted(t, [T, T], [1, 2], 9)).toEqual([]);
  });

  it('may carry their label exactly nine times in ten', () => {
    // Rows T and 25 are labelled 1; row 30 keeps its class's label 0 (its neighbours explain it: one explained row
    // of ten, the most allowed).
    const rows = sorted([...T, 25, 30]);
    const t = blocks([40, 40, 40], [...T, 25]);
    expect(lifted(t, [rows, rows], [1, 2])).toEqual(rows);
  });

  it('may be exactly half of their label’s rows, not more', () => {
    // Class 1 is 8 samples (40-47); the trigger's 8 rows (in classes 0 and 2, samples 48-87) make label 1 16 rows.
    const eight = [5, 10, 15, 20, 55, 60, 65, 70];
    expect(lifted(blocks([40, 8, 40], eight), [eight, eight], [1, 2])).toEqual(eight);
    // Nine of 17: more than half.
    const nine = sorted([...eight, 25]);
    expect(lifted(blocks([40, 8, 40], nine), [nine, nine], [1, 2])).toEqual([]);
  });
});

describe('a group’s label', () => {
  it('is carried nine times in ten by the group’s rows, not only by each spike’s', () => {
    // Spikes L + {3} and L + {4} (L: 9 rows relabelled 1; rows 3 and 4 relabelled 3): each 9 of 10 label 1, joined
    // (9 shared of 11). The group's 11 rows carry label 1 only 9 times: not lifted, though all are unexplained.
    const L = [5, 10, 15, 20, 25, 85, 90, 95, 100];
    const t = blocks([40, 40, 40], L);
    t.labels[3] = 3;
    t.labels[4] = 3;
    expect(lifted(t, [sorted([...L, 3]), sorted([...L, 4])], [1, 2])).toEqual([]);
  });
});

describe('the check of a group', () => {
  it('is made with a reference of exactly 5k samples, not fewer', () => {
    const t = blocks([40, 40, 40], T);
    const check = (reference: number) =>
      lifted(t, [T, T], [1, 2], 3, { check: { ...DEFAULT_SPIKE_LABELS, reference } });
    expect(check(50)).toEqual(T);
    expect(check(49)).toEqual([]);
  });

  it('stops at the first explained row past the share allowed, which leaves budget to later groups', () => {
    // Samples 60-67 (class 1) form a natural group, checked first (its spikes come first): its first row, 60, is
    // explained, past the 0.8 rows allowed, so the check stops there. Each row searched costs 120 samples × 4
    // columns = 480 differences: 480 for the natural group, 8 × 480 for the trigger's, 4,320 in all.
    const N = range(60, 68);
    const t = blocks([40, 40, 40], T);
    const under = (checkBudget: number) =>
      lifted(t, [N, N, T, T], [1, 2, 1, 2], 3, { params: { ...DEFAULT_SPIKE_GROUPS, checkBudget } });
    expect(under(4320)).toEqual(T);
    expect(under(4319)).toEqual([]);
  });

  it('checks the rows in ascending order when it checks only some', () => {
    // Spikes L + {45} and {3} + L (L: 9 rows relabelled 1; row 45 is class 1; row 3 keeps its label 0, explained):
    // 11 rows, 10 of label 1. With one row checked per spike, the stride takes the lowest, row 3: explained, so the
    // group is not lifted. (The rows in the order the spikes list them would start at row 5, unexplained.)
    const L = [5, 10, 15, 20, 25, 85, 90, 95, 100];
    const t = blocks([40, 40, 40], L);
    const check = { ...DEFAULT_SPIKE_LABELS, perSpike: 1 };
    expect(lifted(t, [sorted([...L, 45]), sorted([3, ...L])], [1, 2], 3, { check })).toEqual([]);
    // Row 3 relabelled 1 too: unexplained, the group is lifted.
    const all = blocks([40, 40, 40], [...L, 3]);
    expect(lifted(all, [sorted([...L, 45]), sorted([3, ...L])], [1, 2], 3, { check })).toEqual(
      sorted([3, ...L, 45]),
    );
  });

  it('lifts nothing when the last row checked is explained past the share allowed', () => {
    // Rows 5-38 of class 0 relabelled 1 (8) and rows 45, 50 of class 1: the tenth row checked, 50, is the second
    // explained one (one is allowed of ten).
    const rows = [5, 10, 15, 20, 25, 30, 35, 38, 45, 50];
    const t = blocks([40, 40, 40], rows.slice(0, 8));
    expect(lifted(t, [rows, rows], [1, 2])).toEqual([]);
    // Row 50 relabelled 2 instead (unexplained; 9 of 10 rows still label 1): one explained row, lifted.
    t.labels[50] = 2;
    expect(lifted(t, [rows, rows], [1, 2])).toEqual(rows);
  });

  it('lifts nothing past the pair budget', () => {
    const t = blocks([40, 40, 40], T);
    expect(lifted(t, [T, T], [1, 2], 3, { params: { ...DEFAULT_SPIKE_GROUPS, pairBudget: 7 } })).toEqual([]);
    expect(lifted(t, [T, T], [1, 2], 3, { params: { ...DEFAULT_SPIKE_GROUPS, pairBudget: 8 } })).toEqual(T);
  });

  it('leaves the group’s own rows out of the neighbours', () => {
    // Samples 5-12 relabelled 1: counted among its neighbours, each row's 10 nearest would hold 5 or more of the group
    // (label 1: a tie or a majority, so explained). Left out, its nearest are class 0.
    const run = range(5, 13);
    expect(lifted(blocks([40, 40, 40], run), [run, run], [1, 2])).toEqual(run);
  });

  it('leaves the group’s columns out of the distance', () => {
    // Columns 1 and 2 hold 9 on the trigger's rows, 9.5 on class 1 and 100 elsewhere: counted, they would put class 1
    // (label 1) nearest every trigger row (about 8 in squared scaled distance saved against 1.2 added by column 0).
    const t = blocks([40, 40, 40], T);
    for (let i = 0; i < 120; i++) {
      const v = T.includes(i) ? 9 : i >= 40 && i < 80 ? 9.5 : 100;
      t.features[i * 4 + 1] = v;
      t.features[i * 4 + 2] = v;
    }
    expect(lifted(t, [T, T], [1, 2])).toEqual(T);
  });

  it('reads the column scales it is given', () => {
    // Column 1 is 1 on the trigger's rows and class 1, else 0. By its own scales (1 / standard deviation: column 0's
    // about 1 / 820, column 1's 1 / 0.47) class 1 lies nearer each trigger row (a difference of about 1000 in column 0,
    // (1000 / 820)² ≈ 1.5) than its own class (a difference of 1 in column 1, (1 / 0.47)² ≈ 4.5): explained. Given
    // scales that read column 0 alone, its nearest are its class: lifted.
    const t = blocks([40, 40, 40], T);
    for (let i = 0; i < 120; i++) t.features[i * 4 + 1] = T.includes(i) || (i >= 40 && i < 80) ? 1 : 0;
    expect(lifted(t, [T, T], [2, 3])).toEqual([]);
    expect(lifted(t, [T, T], [2, 3], 3, { scale: () => Float64Array.from([1, 0, 0, 0]) })).toEqual(T);
  });
});

describe('spikeGroups’ labels and budget', () => {
  // Samples 0-19 labelled 1, 20-39 labelled 0.
  const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0));

  it('gives a spike whose labels tie the label counted to that count first', () => {
    // At a share of one half, spike 0's rows 0, 1, 20, 21 carry labels 1, 1, 0, 0: label 1 reaches 2 first. Spike 1
    // (rows 0, 1, 2, 20: label 1) shares 3 of 5 rows with it: joined at an overlap of one half.
    const params = { ...DEFAULT_SPIKE_GROUPS, labelShare: 0.5, overlap: 0.5 };
    const tie = [0, 1, 20, 21];
    expect(spikeGroups([tie, [0, 1, 2, 20]], [0, 1], labels, params)).toEqual([[0, 1]]);
  });

  it('never joins two spikes of one column, nor two of different labels, however many rows they share', () => {
    expect(spikeGroups([range(0, 10), range(0, 10)], [3, 3], labels)).toEqual([]);
    // At a share of 0.6 and an overlap of one half: rows 0, 1, 2, 20, 21 carry label 1 three times in five, rows 0, 1,
    // 20, 21, 22 label 0; they share 4 of 6 rows.
    const params = { ...DEFAULT_SPIKE_GROUPS, labelShare: 0.6, overlap: 0.5 };
    const one = [0, 1, 2, 20, 21];
    expect(spikeGroups([one, [0, 1, 20, 21, 22]], [0, 1], labels, params)).toEqual([]);
    // The same rows under one label join.
    expect(spikeGroups([one, [0, 1, 2, 20, 22]], [0, 1], labels, params)).toEqual([[0, 1]]);
  });

  it('counts no pair of a spike without a label against the budget', () => {
    // Spikes 0 and 1 share rows 0-9 (10 pairs); spike 2 (rows 0-4 and 20-24) carries no label 9 times in 10: counted,
    // its rows 0-4 would add 10 pairs more.
    const members = [range(0, 10), range(0, 10), [...range(0, 5), ...range(20, 25)]];
    const params = { ...DEFAULT_SPIKE_GROUPS, pairBudget: 10 };
    expect(spikeGroups(members, [0, 1, 2], labels, params)).toEqual([[0, 1]]);
  });
});
