/**
 * The uncalibrated rule's clear tail, on synthetic score distributions: a group set apart from the bulk reaches the top
 * of the suspicion whatever the other scores say; a smooth heavy tail, a handful of stragglers or a tied bulk does not
 * count as one; and a family never flags a sample at its bulk value.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { clearTail, DEFAULT_CLEAR_TAIL } from './clear-tail';
import { DEFAULT_SUSPICION } from './defaults';
import {
  bulkAwareFlags,
  CLEAR_TAIL_FLOOR,
  mostlyOneLabel,
  SHARED_TAIL_ONE_LABEL,
  scoreTail,
  suspicionFromScores,
} from './suspicion';
import { gaussian } from './test-utils';
import { SCORE_NAMES, type ScoreName } from './types';

const N = 2000;

/** Every score drawn at random: positive scores log-normal, label probabilities in [0, 0.6], the rest Gaussian. */
function randomScores(seed: number): Record<ScoreName, Float32Array> {
  const rng = createRng(seed);
  const out = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) {
    out[s] = Float32Array.from({ length: N }, () => {
      const z = gaussian(rng);
      if (s === 'aum') return z;
      if (s === 'selfConfidence' || s === 'knnDisagreement') return 0.6 * rng.next();
      if (s === 'normalizedMargin') return -0.5 + 0.6 * rng.next();
      if (s === 'forgetting') return rng.next() < 0.9 ? 0 : 1 + rng.int(3);
      if (s === 'activationClustering') return rng.next() < 0.8 ? 0 : 0.3 * rng.next();
      return Math.exp(0.4 * z);
    });
  }
  return out;
}

function topIndices(values: Float32Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

describe('clear tail', () => {
  it('finds a group set apart from a Gaussian bulk, and only it', () => {
    const rng = createRng(1);
    const values = Float32Array.from({ length: N }, () => gaussian(rng));
    const group = Array.from({ length: 40 }, (_, k) => 25 * k + 3);
    for (const i of group) values[i] = 8 + 0.3 * gaussian(rng);
    const tail = clearTail(values);
    expect(tail && Array.from(tail.rows)).toEqual(group);
    expect(tail?.gap ?? 0).toBeGreaterThan(DEFAULT_CLEAR_TAIL.gap);
  });

  it('sees no tail in a smooth heavy tail, a few stragglers or a tied bulk', () => {
    const rng = createRng(2);
    // Log-normal: the upper tail thins out gradually, its largest gaps among the stragglers above minGroup.
    expect(clearTail(Float32Array.from({ length: N }, () => Math.exp(gaussian(rng))))).toBeNull();
    const few = Float32Array.from({ length: N }, () => gaussian(rng));
    few[5] = 40;
    few[9] = 60;
    expect(clearTail(few)).toBeNull();
    // Forgetting-like: 90% zeros, so no interquartile range to measure a gap in.
    expect(clearTail(Float32Array.from({ length: N }, (_, i) => (i % 10 === 0 ? 5 : 0)))).toBeNull();
  });

  it('lifts a clear tail of one score to the top of the suspicion, above what the other scores say', () => {
    const scores = randomScores(3);
    const rng = createRng(4);
    const group = Array.from({ length: 30 }, (_, k) => 61 * k + 7);
    for (const i of group) scores.knnDistance[i] = 30 + rng.next();
    // Without the rule, the other scores' combination buries the group.
    const plain = suspicionFromScores(scores, N, { ...DEFAULT_SUSPICION, clearTail: null });
    expect(topIndices(plain.suspicion, 30)).not.toEqual(group);
    const out = suspicionFromScores(scores, N, DEFAULT_SUSPICION);
    expect(topIndices(out.suspicion, 30)).toEqual(group);
    for (const i of group) {
      expect(out.suspicion[i]).toBeGreaterThanOrEqual(CLEAR_TAIL_FLOOR);
      expect(SCORE_NAMES[out.topScore[i]]).toBe('knnDistance');
    }
    expect(Math.max(...out.suspicion)).toBeLessThanOrEqual(1);
  });

  it('leaves the suspicion as it was when no score has a clear tail', () => {
    const scores = randomScores(5);
    const a = suspicionFromScores(scores, N, DEFAULT_SUSPICION);
    const b = suspicionFromScores(scores, N, { ...DEFAULT_SUSPICION, clearTail: null });
    expect(Array.from(a.suspicion)).toEqual(Array.from(b.suspicion));
  });

  it('never flags a sample at the bulk value, whatever the budget', () => {
    // 95% of samples share the value 0 (forgetting on most rows): none of them is flagged, even with q = 50%.
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i < 950 ? 0 : 1 + (i % 3)));
    const flags = bulkAwareFlags(values, 0.5);
    expect(flags.slice(0, 950).every((f) => f === 0)).toBe(true);
    expect(flags.slice(950).every((f) => f === 1)).toBe(true);
    // A continuous family: exactly the top q, all above the median.
    const cont = Float32Array.from({ length: 1000 }, (_, i) => i);
    expect(bulkAwareFlags(cont, 0.05).reduce((s, f) => s + f, 0)).toBe(50);
  });
});

describe('clear tail, counted by hand', () => {
  /** -1, 1, 2, …, `to`: a linear-scale bulk (one negative value), sorted positions 0..to. */
  const bulk = (to: number) => [-1, ...Array.from({ length: to }, (_, i) => i + 1)];

  it('measures the widest top gap in interquartile ranges, and lists the rows at or above it', () => {
    // 20 finite values: -1, 1..16, then 30, 31, 32; NaN and Infinity are never counted nor listed.
    // Sorted, the quartiles are positions round(0.25 × 19) = 5 and round(0.75 × 19) = 14: values 5 and 14, IQR 9.
    // Groups of 3 to floor(0.25 × 20) = 5 rows: gaps 30 − 16 = 14, 16 − 15 = 1, 15 − 14 = 1.
    const values = [...bulk(16), 30, 31, 32, Number.NaN, Number.POSITIVE_INFINITY];
    const tail = clearTail(values);
    expect(tail && Array.from(tail.rows)).toEqual([17, 18, 19]);
    expect(tail?.gap).toBeCloseTo(14 / 9, 12);
    // A gap of exactly the setting counts; a hair more does not.
    expect(clearTail(values, { ...DEFAULT_CLEAR_TAIL, gap: 14 / 9 })?.gap).toBe(14 / 9);
    expect(clearTail(values, { ...DEFAULT_CLEAR_TAIL, gap: 14 / 9 + 1e-9 })).toBeNull();
  });

  it('on equal gaps keeps the smaller group, the rows farther out', () => {
    // -1, 1..14, 20, 30, 40, 41, 42: IQR 14 − 5 = 9; groups of 3 and 4 both stand 10 apart, the group of 5 only 6.
    const tail = clearTail([...bulk(14), 20, 30, 40, 41, 42]);
    expect(tail && Array.from(tail.rows)).toEqual([17, 18, 19]);
    expect(tail?.gap).toBeCloseTo(10 / 9, 12);
  });

  it('sizes groups from minGroup (rounded up, at least 3) to maxGroup (rounded down) of the rows', () => {
    // -1, 1..14, 50..54: only the group of 5 stands apart ((50 − 14) / 9 = 4); 5 is floor(0.25 × 20).
    const values = [...bulk(14), 50, 51, 52, 53, 54];
    expect(Array.from(clearTail(values)?.rows ?? [])).toEqual([15, 16, 17, 18, 19]);
    expect(clearTail(values)?.gap).toBeCloseTo(4, 12);
    expect(clearTail(values, { ...DEFAULT_CLEAR_TAIL, maxGroup: 0.24 })).toBeNull(); // floor(4.8) = 4
    expect(clearTail(values, { ...DEFAULT_CLEAR_TAIL, minGroup: 0.26 })).toBeNull(); // ceil(5.2) = 6
    expect(clearTail(values, { ...DEFAULT_CLEAR_TAIL, minGroup: 0.25 })?.rows).toHaveLength(5);
  });

  it('needs 8 finite values', () => {
    // m = 8: quartiles at positions round(1.75) = 2 and round(5.25) = 5 (values 1 and 20), IQR 19; groups 3..4.
    const params = { gap: 0.5, minGroup: 0, maxGroup: 0.5 };
    const eight = [-1, 0, 1, 2, 3, 20, 21, 22];
    const tail = clearTail(eight, params);
    expect(tail && Array.from(tail.rows)).toEqual([5, 6, 7]);
    expect(tail?.gap).toBeCloseTo(17 / 19, 12);
    expect(clearTail([Number.NaN, ...eight.slice(1)], params)).toBeNull();
  });

  it('reads scores that are never negative on a log scale, from a floor of a millionth of the median', () => {
    // 0, 2, 4, …, 2^19: every gap is ln 2 on a log scale (1/9 of the IQR); on a linear scale the top gap,
    // 2^17 − 2^16, is 4 IQRs (2^14 − 2^5).
    const doubling = [0, ...Array.from({ length: 19 }, (_, i) => 2 ** (i + 1))];
    expect(clearTail(doubling)).toBeNull();
    expect(clearTail([-1, ...doubling.slice(1)])?.gap).toBeCloseTo(2 ** 16 / (2 ** 14 - 2 ** 5), 12);
    // 0 ×5, 1..12, 1000..1002: the median (position 10) is 6, so the floor is 6e-6.
    const floor = 6e-6;
    const ln = (v: number) => Math.log(v + floor);
    const values = [0, 0, 0, 0, 0, ...Array.from({ length: 12 }, (_, i) => i + 1), 1000, 1001, 1002];
    const tail = clearTail(values, { ...DEFAULT_CLEAR_TAIL, gap: 0.5 });
    expect(tail && Array.from(tail.rows)).toEqual([17, 18, 19]);
    expect(tail?.gap).toBeCloseTo((ln(1000) - ln(12)) / (ln(10) - ln(1)), 9);
  });

  it('takes the floor from the largest value when the median is 0', () => {
    // 0 ×11, 1 ×6, 1000 ×3: the floor is 1e-6 × 1000; the IQR runs from ln(0.001) (position 5) to ln(1.001).
    const floor = 1e-3;
    const ln = (v: number) => Math.log(v + floor);
    const values = [...new Array(11).fill(0), ...new Array(6).fill(1), 1000, 1000, 1000];
    const tail = clearTail(values, { ...DEFAULT_CLEAR_TAIL, gap: 0.5 });
    expect(tail && Array.from(tail.rows)).toEqual([17, 18, 19]);
    expect(tail?.gap).toBeCloseTo((ln(1000) - ln(1)) / (ln(1) - ln(0)), 9);
  });
});

describe('a clear tail of shared values', () => {
  // Shared-values-like: a bulk spread over orders of magnitude near 0 (0.0025 to 7.4, log-uniform), and 60 rows at 10-12.
  const rng = createRng(6);
  const values = Float32Array.from({ length: N }, () => Math.exp(-6 + 8 * rng.next()));
  const group = Array.from({ length: 60 }, (_, k) => 33 * k + 5);
  for (const i of group) values[i] = 10 + 2 * rng.next();
  /** Labels 0-9 at random, the group's rows `target` but for the first `others` of them. */
  const labelled = (others: number) => {
    const labels = Int32Array.from({ length: N }, (_, i) => i % 10);
    group.forEach((i, k) => {
      labels[i] = k < others ? 1 + (k % 9) : 0;
    });
    return labels;
  };

  it('is read on the values themselves: on a log scale the bulk hides it', () => {
    // Log scale: the bulk's interquartile range is 4 in log units, the gap ln(10 / 7.4) = 0.3 of them.
    expect(clearTail(values)).toBeNull();
    expect(Array.from(clearTail(values, DEFAULT_CLEAR_TAIL, false)?.rows ?? [])).toEqual(group);
    expect(scoreTail('knnDistance', values, DEFAULT_CLEAR_TAIL, labelled(0))).toBeNull();
  });

  it('counts only when nine in ten of its rows carry one label', () => {
    expect(
      Array.from(scoreTail('sharedValues', values, DEFAULT_CLEAR_TAIL, labelled(0))?.rows ?? []),
    ).toEqual(group);
    // 54 of 60 carry label 0: 90%.
    expect(scoreTail('sharedValues', values, DEFAULT_CLEAR_TAIL, labelled(6))?.rows).toHaveLength(60);
    expect(scoreTail('sharedValues', values, DEFAULT_CLEAR_TAIL, labelled(7))).toBeNull();
    expect(scoreTail('sharedValues', values)).toBeNull();
    expect(SHARED_TAIL_ONE_LABEL).toBe(0.9);
    expect(mostlyOneLabel(new Int32Array(0), labelled(0), 0.9)).toBe(false);
    expect(mostlyOneLabel(Int32Array.from([0, 1, 2]), Int32Array.from([4, 4, 5]), 2 / 3)).toBe(true);
    expect(mostlyOneLabel(Int32Array.from([0, 1, 2]), Int32Array.from([4, 4, 5]), 0.7)).toBe(false);
  });

  it('lifts its rows to the top of the suspicion when the labels are given, and only then', () => {
    const scores = randomScores(7);
    scores.sharedValues = values;
    const out = suspicionFromScores(scores, N, DEFAULT_SUSPICION, labelled(0));
    expect(topIndices(out.suspicion, 60)).toEqual(group);
    for (const i of group) {
      expect(out.suspicion[i]).toBeGreaterThanOrEqual(CLEAR_TAIL_FLOOR);
      expect(SCORE_NAMES[out.topScore[i]]).toBe('sharedValues');
    }
    const without = suspicionFromScores(scores, N, DEFAULT_SUSPICION);
    expect(topIndices(without.suspicion, 60)).not.toEqual(group);
    const mixed = suspicionFromScores(scores, N, DEFAULT_SUSPICION, labelled(30));
    expect(Array.from(mixed.suspicion)).toEqual(Array.from(without.suspicion));
  });
});
