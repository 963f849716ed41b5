/**
 * From scores to one suspicion value (DESIGN §3): every score becomes its percentile rank within the run (the label
 * family's members may keep their own probability scale, see LabelScale), a family's member values reduce to one
 * family value (see FamilyReduce), and the family values combine by one rule for every dataset. A score that
 * separates a clear tail (clear-tail.ts) lifts that tail to the top whatever the combination says. Flags mark each
 * family's top q by family value, never a sample at its family's bulk value.
 */
import { type ClearTail, type ClearTailParams, clearTail, DEFAULT_CLEAR_TAIL } from './clear-tail';
import { mode } from './spike-groups';
import {
  CLEAR_TAIL_SCORES,
  type CombineRule,
  FAMILY_NAMES,
  type FamilyName,
  type FamilyReduce,
  type LabelScale,
  LOG_VALUED_SCORES,
  SCORE_FAMILY,
  SCORE_NAMES,
  type ScoreName,
  type SuspicionParams,
} from './types';

/**
 * Percentile rank of each value within the array: (number below + (number equal + 1) / 2) / N, in (0, 1]; ties
 * share their mid-rank. NaN counts as the least suspicious value.
 */
export function percentileRanks(values: ArrayLike<number>): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = Number.isNaN(values[i]) ? Number.NEGATIVE_INFINITY : values[i];
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || 0);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && key[order[end]] === key[order[start]]) end++;
    // 1-based ranks start+1 .. end share their mean (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2 / n;
    for (let j = start; j < end; j++) out[order[j]] = rank;
    start = end;
  }
  return out;
}

/** Reduces member values (each Float32Array(N), ranks or probabilities) to one value per sample: their max or their mean. */
export function reduceRanks(members: readonly Float32Array[], reduce: FamilyReduce, n: number): Float32Array {
  const out = new Float32Array(n);
  if (members.length === 0) return out;
  for (let i = 0; i < n; i++) {
    let v = reduce === 'max' ? Number.NEGATIVE_INFINITY : 0;
    for (const m of members) v = reduce === 'max' ? Math.max(v, m[i]) : v + m[i];
    out[i] = reduce === 'max' ? v : v / members.length;
  }
  return out;
}

/**
 * Family values: each family's member score ranks reduced by `mean` (kept as is) or `max` (ranked again).
 * Scores in `excluded` are left out; a family left with no member gets 0 everywhere.
 */
export function familyValues(
  scoreRanks: Partial<Record<ScoreName, Float32Array>>,
  n: number,
  reduce: FamilyReduce,
  excluded: readonly ScoreName[] = [],
): Record<FamilyName, Float32Array> {
  const out = {} as Record<FamilyName, Float32Array>;
  for (const f of FAMILY_NAMES) {
    const members: Float32Array[] = [];
    for (const s of SCORE_NAMES) {
      const r = scoreRanks[s];
      if (SCORE_FAMILY[s] === f && r && !excluded.includes(s)) members.push(r);
    }
    if (members.length === 0) out[f] = new Float32Array(n);
    else if (reduce === 'mean') out[f] = reduceRanks(members, 'mean', n);
    else out[f] = percentileRanks(reduceRanks(members, 'max', n));
  }
  return out;
}

/**
 * The label-family scores on their own [0, 1] scale, 1 = the label is certainly wrong: self-confidence 1 − p̂[y],
 * the normalised margin max_{k≠y} p̂[k] − p̂[y] mapped from [−1, 1], and the fraction of kNN neighbours whose label
 * differs.
 */
export const PROBABILITY_SCALE: Readonly<Partial<Record<ScoreName, (v: number) => number>>> = {
  selfConfidence: (v) => v,
  normalizedMargin: (v) => (v + 1) / 2,
  knnDisagreement: (v) => v,
};

/**
 * The label family on its members' probability scales (PROBABILITY_SCALE), clamped to [0, 1] (NaN counts as 0, the
 * least suspicious value, as in percentileRanks) and reduced by their mean or max, not ranked again. Members
 * without a probability scale, absent or in `excluded` are left out; with none left the family is 0 everywhere.
 */
export function labelProbabilityValues(
  scores: Partial<Record<ScoreName, ArrayLike<number>>>,
  n: number,
  reduce: FamilyReduce,
  excluded: readonly ScoreName[] = [],
): Float32Array {
  const members: Float32Array[] = [];
  for (const s of SCORE_NAMES) {
    const v = scores[s];
    const scale = PROBABILITY_SCALE[s];
    if (SCORE_FAMILY[s] !== 'label' || !v || !scale || excluded.includes(s)) continue;
    const m = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = scale(v[i]);
      m[i] = Number.isNaN(p) ? 0 : Math.min(1, Math.max(0, p));
    }
    members.push(m);
  }
  return reduceRanks(members, reduce, n);
}

/**
 * One suspicion value per sample from family values and weights: `weighted-max` max_f w_f R_f; `top-mean` the
 * mean of the `top` largest w_f R_f; `weighted-mean` Σ w_f R_f / Σ w_f. Families with weight 0 are left out.
 */
export function combineFamilies(
  families: Record<FamilyName, Float32Array>,
  weights: Record<FamilyName, number>,
  rule: CombineRule,
  top: number,
  n: number,
): Float32Array {
  const used = FAMILY_NAMES.filter((f) => weights[f] > 0);
  for (const f of FAMILY_NAMES) {
    if (!(weights[f] >= 0)) throw new RangeError(`Family weight of ${f} must be ≥ 0, got ${weights[f]}.`);
  }
  const out = new Float32Array(n);
  if (used.length === 0) return out;
  const wsum = used.reduce((s, f) => s + weights[f], 0);
  const m = Math.max(1, Math.min(used.length, Math.round(top)));
  const vals = new Float64Array(used.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < used.length; j++) vals[j] = weights[used[j]] * families[used[j]][i];
    switch (rule) {
      case 'weighted-max': {
        let v = 0;
        for (const x of vals) v = Math.max(v, x);
        out[i] = v;
        break;
      }
      case 'top-mean': {
        vals.sort();
        let v = 0;
        for (let j = vals.length - m; j < vals.length; j++) v += vals[j];
        out[i] = v / m;
        break;
      }
      case 'weighted-mean': {
        let v = 0;
        for (const x of vals) v += x;
        out[i] = v / wsum;
        break;
      }
    }
  }
  return out;
}

/** 1 where a percentile rank lies in the top q fraction (rank > 1 - q), else 0. */
export function topFlags(ranks: Float32Array, q: number): Uint8Array {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`The flag budget q must be in [0, 1], got ${q}.`);
  const out = new Uint8Array(ranks.length);
  const cut = 1 - q;
  for (let i = 0; i < ranks.length; i++) out[i] = ranks[i] > cut + 1e-7 ? 1 : 0;
  return out;
}

/** Rows in a clear tail get at least this suspicion, above every row the combination alone puts below it. */
export const CLEAR_TAIL_FLOOR = 0.99;

/** 1 where a value lies in the top q fraction by rank and above the median (a sample at the bulk's value is not flagged). */
export function bulkAwareFlags(values: Float32Array, q: number): Uint8Array {
  const flags = topFlags(percentileRanks(values), q);
  const sorted = Float32Array.from(values).sort();
  const median = sorted.length ? sorted[(sorted.length - 1) >> 1] : 0;
  for (let i = 0; i < values.length; i++) if (!(values[i] > median)) flags[i] = 0;
  return flags;
}

/** Share of a shared-values tail's rows that must carry one label for the tail to be lifted. */
export const SHARED_TAIL_ONE_LABEL = 0.9;

/** Whether at least `share` of `rows` carry one label. */
export function mostlyOneLabel(rows: Int32Array, labels: ArrayLike<number>, share: number): boolean {
  return rows.length > 0 && mode(Array.from(rows, (r) => labels[r] as number)).count >= share * rows.length;
}

/**
 * The clear tail of one score (clear-tail.ts), read on a log scale unless the score is already one
 * (LOG_VALUED_SCORES). A tail of shared values counts only when `labels` are given and nine in ten of its rows carry
 * one label, as rows relabelled to a backdoor's target do: on bench/detect's dumped runs such tails held 92-100%
 * poison, and the one tail of mixed labels (57% one label) held 1 poisoned row of 28 (docs/heldout.md).
 */
export function scoreTail(
  score: ScoreName,
  values: ArrayLike<number>,
  params: ClearTailParams = DEFAULT_CLEAR_TAIL,
  labels?: ArrayLike<number>,
): ClearTail | null {
  const tail = clearTail(values, params, !LOG_VALUED_SCORES.includes(score));
  if (
    tail &&
    score === 'sharedValues' &&
    !(labels && mostlyOneLabel(tail.rows, labels, SHARED_TAIL_ONE_LABEL))
  ) {
    return null;
  }
  return tail;
}

/**
 * Family values, suspicion, family flags and, per sample, the score that weighed most (its clear tail's score, else
 * the highest-ranked member of the family that set its suspicion), under one set of suspicion parameters. `labels`
 * (in sample order) let a clear tail of shared values count (scoreTail).
 */
export function suspicionFromScores(
  scores: Partial<Record<ScoreName, Float32Array>>,
  n: number,
  params: SuspicionParams,
  labels?: ArrayLike<number>,
): {
  families: Record<FamilyName, Float32Array>;
  suspicion: Float32Array;
  flags: Record<FamilyName, Uint8Array>;
  topScore: Uint8Array;
} {
  const ranks: Partial<Record<ScoreName, Float32Array>> = {};
  for (const s of SCORE_NAMES) {
    const v = scores[s];
    // A score not computed (NaN on every row: shared values without the feature values) is left out of its family.
    if (v?.some((x) => !Number.isNaN(x))) ranks[s] = percentileRanks(v);
  }
  const families = familyValues(ranks, n, params.familyReduce, params.excluded);
  const labelScale: LabelScale = params.labelScale ?? 'rank';
  if (labelScale === 'probability') {
    families.label = labelProbabilityValues(scores, n, params.familyReduce, params.excluded);
  }
  const suspicion = combineFamilies(families, params.weights, params.rule, params.top, n);
  const topScore = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let family: FamilyName = FAMILY_NAMES[0];
    for (const f of FAMILY_NAMES) {
      if (params.weights[f] * families[f][i] > params.weights[family] * families[family][i]) family = f;
    }
    let best = -1;
    SCORE_NAMES.forEach((s, k) => {
      const r = ranks[s];
      if (r && SCORE_FAMILY[s] === family && !params.excluded.includes(s) && r[i] > best) {
        best = r[i];
        topScore[i] = k;
      }
    });
  }
  if (params.clearTail) {
    for (const s of CLEAR_TAIL_SCORES) {
      const v = scores[s];
      const tail = v && !params.excluded.includes(s) ? scoreTail(s, v, params.clearTail, labels) : null;
      if (!tail) continue;
      for (const i of tail.rows) {
        const lifted = CLEAR_TAIL_FLOOR + (1 - CLEAR_TAIL_FLOOR) * suspicion[i];
        if (lifted > suspicion[i]) {
          suspicion[i] = lifted;
          topScore[i] = SCORE_NAMES.indexOf(s);
        }
      }
    }
  }
  const flags = {} as Record<FamilyName, Uint8Array>;
  for (const f of FAMILY_NAMES) flags[f] = bulkAwareFlags(families[f], params.q);
  return { families, suspicion, flags, topScore };
}
