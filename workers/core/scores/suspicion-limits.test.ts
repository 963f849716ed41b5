import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { DEFAULT_CLEAR_TAIL } from './clear-tail';
import {
  bulkAwareFlags,
  combineFamilies,
  labelProbabilityValues,
  percentileRanks,
  reduceRanks,
  suspicionFromScores,
  topFlags,
} from './suspicion';
import { gaussian } from './test-utils';
import { FAMILY_NAMES, type FamilyName, SCORE_NAMES, type SuspicionParams } from './types';

const f32 = (values: number[]) => Float32Array.from(values);
const list = (a: ArrayLike<number>) => Array.from(a);
const name = (k: number) => SCORE_NAMES[k];
const PARAMS: SuspicionParams = {
  familyReduce: 'max',
  rule: 'weighted-max',
  top: 2,
  weights: { trajectory: 1, influence: 1, embedding: 1, label: 1 },
  excluded: [],
  q: 0.5,
};

describe('percentileRanks and reduceRanks at their edges', () => {
  it('ranks nothing, and ties NaN with minus infinity at the bottom', () => {
    expect(percentileRanks([]).length).toBe(0);
    // Keys -inf, -inf, 0: the two lowest share ranks 1 and 2 → 1.5 / 3.
    expect(list(percentileRanks([Number.NaN, Number.NEGATIVE_INFINITY, 0]))).toEqual([0.5, 0.5, 1]);
    expect(list(percentileRanks([3, 3, 3, 3]))).toEqual([0.625, 0.625, 0.625, 0.625]); // (1 + 4) / 2 / 4
    expect(list(percentileRanks([5]))).toEqual([1]);
  });

  it('takes the max of negative values and the mean of several members; no member gives zeros', () => {
    expect(list(reduceRanks([f32([-2, -3])], 'max', 2))).toEqual([-2, -3]);
    expect(list(reduceRanks([f32([-2, -3]), f32([-5, -1])], 'max', 2))).toEqual([-2, -1]);
    expect(list(reduceRanks([f32([1, 2]), f32([3, 5])], 'mean', 2))).toEqual([2, 3.5]);
    expect(list(reduceRanks([], 'max', 3))).toEqual([0, 0, 0]);
    expect(list(reduceRanks([], 'mean', 2))).toEqual([0, 0]);
  });
});

describe('combineFamilies at its edges', () => {
  const fam: Record<FamilyName, Float32Array> = {
    trajectory: f32([0.25, 1]),
    influence: f32([0.5, 0.75]),
    embedding: f32([1, 0.5]),
    label: f32([0.75, 0.25]),
  };
  const ones = { trajectory: 1, influence: 1, embedding: 1, label: 1 };

  it('rounds `top` to between one and the number of weighted families', () => {
    const topMean = (top: number, weights = ones) => list(combineFamilies(fam, weights, 'top-mean', top, 2));
    expect(topMean(0)).toEqual([1, 1]);
    expect(topMean(1.4)).toEqual([1, 1]);
    expect(topMean(1.5)).toEqual([0.875, 0.875]);
    expect(topMean(3)).toEqual([0.75, 0.75]);
    expect(topMean(10)).toEqual([0.625, 0.625]);
    // Only two families weigh: their mean, whatever `top` asks for.
    expect(topMean(4, { trajectory: 1, influence: 0, embedding: 2, label: 0 })).toEqual([1.125, 1]);
  });

  it('gives zeros with no weighted family, and refuses negative or missing weights by name', () => {
    const none = { trajectory: 0, influence: 0, embedding: 0, label: 0 };
    for (const rule of ['weighted-max', 'top-mean', 'weighted-mean'] as const) {
      expect(list(combineFamilies(fam, none, rule, 2, 2))).toEqual([0, 0]);
    }
    expect(() => combineFamilies(fam, { ...ones, influence: Number.NaN }, 'weighted-max', 2, 2)).toThrow(
      new RangeError('Family weight of influence must be ≥ 0, got NaN.'),
    );
    expect(() => combineFamilies(fam, { ...ones, label: -0.5 }, 'weighted-max', 2, 2)).toThrow(
      'Family weight of label must be ≥ 0, got -0.5.',
    );
  });

  it('divides the weighted mean by the weights of the families used', () => {
    const w = { trajectory: 2, influence: 0, embedding: 1, label: 1 };
    // Row 0: (2 × 0.25 + 1 + 0.75) / 4; row 1: (2 + 0.5 + 0.25) / 4.
    expect(list(combineFamilies(fam, w, 'weighted-mean', 2, 2))).toEqual([0.5625, 0.6875]);
    expect(list(combineFamilies(fam, w, 'weighted-max', 2, 2))).toEqual([1, 2]);
  });
});

describe('topFlags and bulkAwareFlags', () => {
  it('refuses a budget outside [0, 1] and flags every rank at 1', () => {
    for (const q of [-0.1, 1.1, Number.NaN]) {
      expect(() => topFlags(f32([0.5, 1]), q)).toThrow(
        new RangeError(`The flag budget q must be in [0, 1], got ${q}.`),
      );
    }
    expect(list(topFlags(f32([0.25, 0.5, 1]), 1))).toEqual([1, 1, 1]);
    expect(list(topFlags(f32([0.25, 0.5, 1]), 0))).toEqual([0, 0, 0]);
  });

  it('does not flag a rank that equals the cut (in float32)', () => {
    expect(list(topFlags(f32([0.9, 0.95, 1]), 0.1))).toEqual([0, 1, 1]);
    expect(list(topFlags(f32([0.5, 0.75]), 0.5))).toEqual([0, 1]);
  });

  it('never flags a value at or below the median (the lower middle for an even count)', () => {
    // q = 1 would flag all; the median of 1, 2, 3, 4 is taken as 2.
    expect(list(bulkAwareFlags(f32([4, 1, 3, 2]), 1))).toEqual([1, 0, 1, 0]);
    expect(list(bulkAwareFlags(f32([1, 2, 3]), 1))).toEqual([0, 0, 1]);
    // Seven of ten at the bulk value 1 rank (4 + 10) / 2 / 10 = 0.7, inside the top half, but sit at the median.
    expect(list(bulkAwareFlags(f32([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]), 0.5))).toEqual(new Array(10).fill(0));
    expect(list(bulkAwareFlags(f32([]), 0.5))).toEqual([]);
  });
});

describe('suspicionFromScores: the score that weighed most', () => {
  it('picks the family with the highest weighted value, first on a tie, then its highest-ranked member', () => {
    const scores = { aum: f32([1, 2, 3]), knnDistance: f32([3, 2, 1]) };
    const out = suspicionFromScores(scores, 3, PARAMS);
    // aum ranks 1/3, 2/3, 1 (trajectory); knnDistance 1, 2/3, 1/3 (embedding); row 1 ties and keeps trajectory.
    expect(list(out.topScore).map(name)).toEqual(['knnDistance', 'aum', 'aum']);
    const weighted = suspicionFromScores(scores, 3, {
      ...PARAMS,
      weights: { ...PARAMS.weights, trajectory: 0.5 },
    });
    expect(list(weighted.topScore).map(name)).toEqual(['knnDistance', 'knnDistance', 'aum']);
  });

  it('takes the first of tied members and never an excluded one', () => {
    const scores = { aum: f32([1, 2, 3]), meanLoss: f32([3, 2, 1]) };
    expect(list(suspicionFromScores(scores, 3, PARAMS).topScore).map(name)).toEqual([
      'meanLoss',
      'aum',
      'aum',
    ]);
    const excluded = suspicionFromScores(scores, 3, { ...PARAMS, excluded: ['aum'] });
    expect(list(excluded.topScore).map(name)).toEqual(['meanLoss', 'meanLoss', 'meanLoss']);
    expect(list(excluded.families.trajectory)).toEqual(list(f32([1, 2 / 3, 1 / 3])));
  });

  it('leaves out a score that is NaN on every row, and ranks one that is NaN on some', () => {
    const out = suspicionFromScores(
      { aum: f32([Number.NaN, Number.NaN]), knnDistance: f32([1, 2]) },
      2,
      PARAMS,
    );
    expect(list(out.families.trajectory)).toEqual([0, 0]);
    expect(list(out.topScore).map(name)).toEqual(['knnDistance', 'knnDistance']);
    const some = suspicionFromScores({ aum: f32([Number.NaN, 2]) }, 2, PARAMS);
    expect(list(some.families.trajectory)).toEqual([0.5, 1]);
    for (const f of FAMILY_NAMES) expect(some.flags[f].length).toBe(2);
    expect(list(some.flags.trajectory)).toEqual([0, 1]);
  });
});

describe('the label family on its probability scale, and the clear-tail lift', () => {
  it('reads only label scores with a scale, clamps them and reduces them', () => {
    const scores = {
      aum: f32([5, 5]),
      selfConfidence: f32([0.2, 1.5]),
      normalizedMargin: f32([0, Number.NaN]),
    };
    // selfConfidence [0.2, 1 (clamped)], normalizedMargin [(0 + 1) / 2, NaN → 0]; aum is no label score.
    const mean = list(labelProbabilityValues(scores, 2, 'mean'));
    expect(mean[0]).toBeCloseTo(0.35, 6);
    expect(mean[1]).toBeCloseTo(0.5, 6);
    expect(list(labelProbabilityValues(scores, 2, 'max'))).toEqual([0.5, 1]);
    expect(list(labelProbabilityValues(scores, 2, 'max', ['selfConfidence']))).toEqual([0.5, 0]);
  });

  /** 2,000 rows: knnDistance a Gaussian bulk with 40 rows set apart at 8 (a clear tail), aum Gaussian. */
  function tailScores() {
    const rng = createRng(1);
    const knnDistance = Float32Array.from({ length: 2000 }, () => gaussian(rng));
    const group = Array.from({ length: 40 }, (_, k) => 25 * k + 3);
    for (const i of group) knnDistance[i] = 8 + 0.3 * gaussian(rng);
    const aum = Float32Array.from({ length: 2000 }, () => gaussian(rng));
    return { scores: { knnDistance, aum }, group };
  }

  it('lifts no row whose suspicion is already at or above the lift', () => {
    const { scores, group } = tailScores();
    scores.aum[group[0] as number] = 100; // the highest aum: trajectory 1, and the suspicion 1 = the lift of 1
    const params = { ...PARAMS, q: 0.05, clearTail: DEFAULT_CLEAR_TAIL };
    const out = suspicionFromScores(scores, 2000, params);
    expect(out.suspicion[group[0] as number]).toBe(1);
    expect(name(out.topScore[group[0] as number] as number)).toBe('aum');
    for (const i of group.slice(1)) expect(name(out.topScore[i] as number)).toBe('knnDistance');
    // Embedding weighed 2: the group's suspicion is twice its rank (at least 2 × 1961 / 2000), above any lift.
    const heavy = suspicionFromScores(scores, 2000, {
      ...params,
      weights: { ...PARAMS.weights, embedding: 2 },
    });
    for (const i of group) expect(heavy.suspicion[i]).toBeGreaterThanOrEqual(1.96);
  });
});
