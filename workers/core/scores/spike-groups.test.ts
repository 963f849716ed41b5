/**
 * Groups of spikes that mark the same rows (spike-groups.ts), and the lift they give their rows' shared values
 * (shared-values.ts). Every expected value is read off the hand-built tables below.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHARED_VALUES, sharedValuesInSampleOrder, sharedValuesWithCanaries } from './shared-values';
import { DEFAULT_SPIKE_GROUPS, liftedGroupRows, spikeGroups } from './spike-groups';
import { range, table } from './test-spike-groups';

describe('spikeGroups', () => {
  // 40 samples: 0-19 labelled 1, 20-39 labelled 0.
  const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0));

  it('joins spikes of different columns whose rows overlap by four in five, transitively', () => {
    const members = [
      range(0, 10), // column 0
      range(0, 10), // column 1: the same rows
      [...range(0, 9), 19], // column 2: 9 shared of 11 with either (0.82)
      [...range(0, 5), ...range(20, 25)], // column 3: half label 1, half 0: no single label
      range(12, 18), // column 4: alone
    ];
    expect(spikeGroups(members, [0, 1, 2, 3, 4], labels)).toEqual([[0, 1, 2]]);
  });

  it('joins at exactly the overlap and not below it', () => {
    // 8 shared of 10: 0.8, joined; 8 shared of 11: 0.73, not.
    expect(spikeGroups([range(0, 8), range(0, 10)], [0, 1], labels)).toEqual([[0, 1]]);
    expect(spikeGroups([range(0, 8), range(0, 11)], [0, 1], labels)).toEqual([]);
  });

  it('keeps a spike whose rows carry one label nine times in ten, not fewer', () => {
    // Rows 11-19 are labelled 1 and row 20 is labelled 0: 9 of 10; rows 12-19 with 20, 21: 8 of 10.
    const nine = range(11, 21);
    expect(spikeGroups([nine, nine], [0, 1], labels)).toEqual([[0, 1]]);
    const eight = range(12, 22);
    expect(spikeGroups([eight, eight], [0, 1], labels)).toEqual([]);
  });

  it('never joins two spikes of one column, nor spikes whose rows carry different labels', () => {
    expect(spikeGroups([range(0, 5), range(5, 10)], [3, 3], labels)).toEqual([]);
    expect(spikeGroups([range(10, 20), range(20, 30)], [0, 1], labels)).toEqual([]);
  });

  it('gives up past its budget of pairs', () => {
    // Ten rows holding two spikes each: 10 pairs.
    const members = [range(0, 10), range(0, 10)];
    expect(spikeGroups(members, [0, 1], labels, { ...DEFAULT_SPIKE_GROUPS, pairBudget: 10 })).toEqual([
      [0, 1],
    ]);
    expect(spikeGroups(members, [0, 1], labels, { ...DEFAULT_SPIKE_GROUPS, pairBudget: 9 })).toBeNull();
  });
});

const local = Int32Array.from({ length: 128 }, (_, i) => i);
const lifted = (trigger: readonly number[]) => {
  const t = table(trigger);
  const out = liftedGroupRows(t.members, t.column, t.features, 3, local, t.labels, 3);
  return range(0, 128).filter((i) => out[i] === 1);
};

describe('liftedGroupRows', () => {
  it('lifts a relabelled group, not a group whose neighbours share its label, nor one holding its whole class', () => {
    // The trigger's rows sit among classes 0 and 2 but carry label 1. Samples 60-67's nearest rows are class 1, like
    // them. Class 3 is all of its label's rows (8 of 8, more than half).
    const trigger = [5, 10, 15, 20, 85, 90, 95, 100];
    expect(lifted(trigger)).toEqual(trigger);
  });

  it('lifts when nine in ten of its rows are unexplained, not eight', () => {
    // Sample 45 is class 1 already: relabelled 1 it is explained by its neighbours.
    const nine = [5, 10, 15, 20, 45, 85, 90, 95, 100, 105];
    expect(lifted(nine)).toEqual(nine);
    const eight = [5, 10, 15, 20, 45, 50, 90, 95, 100, 105];
    expect(lifted(eight)).toEqual([]);
  });

  it('checks only the groups holding a sample at or after `from`', () => {
    const trigger = [5, 10, 15, 20, 85, 90, 95, 100];
    const t = table(trigger);
    const at = (from: number) => {
      const out = liftedGroupRows(t.members, t.column, t.features, 3, local, t.labels, 3, { from });
      return range(0, 128).filter((i) => out[i] === 1);
    };
    expect(at(100)).toEqual(trigger);
    expect(at(101)).toEqual([]);
  });

  it('checks no group past its budget of feature differences', () => {
    // The trigger's 8 rows, each searched against the 128 samples over 3 columns: 8 × 384 = 3,072 differences.
    const trigger = [5, 10, 15, 20, 85, 90, 95, 100];
    const t = table(trigger);
    const under = (checkBudget: number) => {
      const params = { ...DEFAULT_SPIKE_GROUPS, checkBudget };
      const out = liftedGroupRows(t.members, t.column, t.features, 3, local, t.labels, 3, { params });
      return range(0, 128).filter((i) => out[i] === 1);
    };
    expect(under(3072)).toEqual(trigger);
    expect(under(3071)).toEqual([]);
  });

  it('needs minRows rows', () => {
    const t = table([5, 85]);
    const out = liftedGroupRows(t.members, t.column, t.features, 3, local, t.labels, 3);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });
});

describe('shared values with the lift', () => {
  const trigger = [5, 10, 15, 20, 85, 90, 95, 100];
  const t = table(trigger);

  it('ranks a lifted group above every other row by the highest sum', () => {
    // Each spike holds 8 samples among values held once: weight ln 8, two per sample. The label check drops the
    // spikes of samples 60-67 (their neighbours share their label) and keeps class 3's (their neighbours are class 2).
    // The trigger's rows score their 2 ln 8 plus the highest sum, 2 ln 8.
    const scores = sharedValuesInSampleOrder(t.features, 3, local, DEFAULT_SHARED_VALUES, t.labels);
    for (let i = 0; i < 128; i++) {
      const expected = trigger.includes(i) ? 4 * Math.log(8) : i >= 120 ? 2 * Math.log(8) : 0;
      expect(scores[i]).toBeCloseTo(expected, 5);
    }
    // Without labels there is no lift, nor any label check.
    const plain = sharedValuesInSampleOrder(t.features, 3, local);
    expect(plain[5]).toBeCloseTo(2 * Math.log(8), 5);
    expect(plain[60]).toBeCloseTo(2 * Math.log(8), 5);
  });

  it('marks the grouped analyst rows of a calibration run', () => {
    const grouped = new Uint8Array(128);
    const scores = sharedValuesWithCanaries(
      t.features,
      3,
      128,
      new Uint8Array(0),
      t.labels,
      DEFAULT_SHARED_VALUES,
      grouped,
    );
    expect(range(0, 128).filter((i) => grouped[i] === 1)).toEqual(trigger);
    expect(scores[5]).toBeCloseTo(4 * Math.log(8), 5);
  });

  it('lifts a canary kind whose rows form a group among the analyst rows', () => {
    // The table without a trigger, then 8 canaries of one kind: copies of samples 5, 10, 15, 20, 85, 90, 95, 100 in
    // column 0, holding 9 in columns 1 and 2, relabelled 1. Scored among the analyst rows, their two spikes (8 rows
    // among values held once: ln 8 each) form a group whose nearest rows (their sources) carry labels 0 and 2:
    // lifted by the highest sum, class 3's 2 ln 8. The analyst rows score as before, none grouped.
    const plain = table([]);
    const features = new Float32Array(136 * 3);
    features.set(plain.features);
    const labels = new Int32Array(136);
    labels.set(plain.labels);
    trigger.forEach((s, j) => {
      features[3 * (128 + j)] = plain.features[3 * s] as number;
      features[3 * (128 + j) + 1] = 9;
      features[3 * (128 + j) + 2] = 9;
      labels[128 + j] = 1;
    });
    const grouped = new Uint8Array(128);
    const scores = sharedValuesWithCanaries(
      features,
      3,
      128,
      new Uint8Array(8),
      labels,
      DEFAULT_SHARED_VALUES,
      grouped,
    );
    for (let j = 0; j < 8; j++) expect(scores[128 + j]).toBeCloseTo(4 * Math.log(8), 5);
    for (let i = 0; i < 128; i++) expect(scores[i]).toBeCloseTo(i >= 120 ? 2 * Math.log(8) : 0, 5);
    expect(Array.from(grouped)).toEqual(Array(128).fill(0));
  });
});
