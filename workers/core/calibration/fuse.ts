/**
 * The fused suspicion learned from canaries (issue 10). Every score is put on one scale, its upper-tail significance
 * against the analyst's rows (tails.ts). For each canary kind a non-negative logistic detector is fitted on the
 * fitting draw against the analyst's rows. Each detector then asks the analyst's rows two questions:
 *  - how many of them look like this kind (its presence): the rows at or above a threshold between the rows' median
 *    and the canaries' quantile, divided by the canaries' recall there;
 *  - for each row, the precision of flagging every row at least as suspicious: presence × canary recall / share of
 *    rows flagged (a kind that is absent gives 0 to every row, however extreme).
 * The fused value of a row is the largest of these per-kind precisions and, at weight `backbone`, its uncalibrated
 * suspicion, which orders the rows no kind speaks for; an uncalibrated value of at least `strong` (a clear tail, a
 * confident contradiction of the label) enters whole, so calibration never buries a strong single signal. A maximum
 * keeps a strong single signal; presence keeps a detector that fires on clean rows from filling the top of the list.
 * A trigger kind whose canaries the model did not learn does not speak (see KindDetector.learned).
 */
import { CANARY_KINDS, CANARY_ROLE, type CanaryKind } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { fitNonNegativeLogistic, linearScore } from './logistic';
import { sortedReference, tailFraction, tailSignificance } from './tails';
import type { FusedModel, FusionSettings, KindDetector } from './types';

/** Defaults of the fusion; the measurements behind them are in bench/detect and the README. */
export const DEFAULT_FUSION: FusionSettings = {
  l2: 0.01,
  iterations: 300,
  negatives: 3000,
  tolerance: 0.8,
  quantiles: [0.25, 0.5],
  minRows: 8,
  backbone: 0.5,
  strong: 0.99,
};

/** Kinds that plant a backdoor: their canaries only measure backdoors when the model learned the trigger. */
const TRIGGER_KINDS: readonly CanaryKind[] = ['feature-trigger', 'patch-trigger', 'blend-trigger'];

/** Median of the given rows' values. */
function medianOf(values: Float32Array, rows: readonly number[]): number {
  const v = Float64Array.from(rows, (p) => values[p]).sort();
  return v.length ? v[(v.length - 1) >> 1] : Number.NaN;
}

/** Ties of the fused value are broken by the uncalibrated suspicion at this weight. */
const TIE_BREAK = 1e-3;
/** Canary counts in a recall curve are smoothed by this many pseudo-canaries on either side. */
const SMOOTHING = 0.5;
/** `topKind` of a row no kind speaks for (its uncalibrated suspicion set its place). */
export const NO_KIND = 255;

/** The rows of a calibration run: analyst rows first (`rows` of them), then the appended rows. */
export interface FusionInput {
  /** Every score over every row of the calibration run. */
  scores: Record<ScoreName, Float32Array>;
  /** Analyst rows (the first `rows`). */
  rows: number;
  /** Per appended row: canary kind index and role (CANARY_ROLE). */
  kind: Uint8Array;
  role: Uint8Array;
  /** Uncalibrated suspicion of every row of the run. */
  backbone: Float32Array;
}

/** The fused suspicion of every row of the run, why, and the model. */
export interface FusionResult {
  model: FusedModel;
  /** Every row of the run. */
  suspicion: Float32Array;
  /** Index into CANARY_KINDS of the kind that set each row's value, NO_KIND where the uncalibrated suspicion did. */
  topKind: Uint8Array;
  /** Index into SCORE_NAMES of the score that weighed most in it. */
  topScore: Uint8Array;
  /** Per kind (model.detectors order): each row's detector value and precision. */
  detectorValues: Float32Array[];
  posteriors: Float32Array[];
  /** Per-score tail significance of every row. */
  features: Float32Array[];
}

/** Rows of the run with the given role (and kind, unless null), as run row indices. */
export function appendedRows(
  input: Pick<FusionInput, 'rows' | 'kind' | 'role'>,
  role: number,
  kind: number | null,
) {
  const out: number[] = [];
  for (let j = 0; j < input.role.length; j++) {
    if (input.role[j] === role && (kind === null || input.kind[j] === kind)) out.push(input.rows + j);
  }
  return out;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * Analyst rows that look like a kind: min over the quantiles q of F / R times the rows, with F the share of analyst
 * rows and R the canaries' share at or above the threshold median + tolerance × (canary q-quantile − median). Real
 * poison as strong as the canaries counts fully; rows the detector ranks high by chance count too, so the smallest
 * estimate over the quantiles is kept. Below `minRows`: 0.
 */
export function presentRows(
  values: Float32Array,
  rows: number,
  canaries: readonly number[],
  settings: FusionSettings,
): number {
  const ref = sortedReference(values.subarray(0, rows));
  const can = Float64Array.from(canaries, (p) => values[p]).sort();
  if (can.length === 0) return 0;
  const median = quantile(ref, 0.5);
  let best = Number.POSITIVE_INFINITY;
  for (const q of settings.quantiles) {
    const threshold = median + settings.tolerance * (quantile(can, q) - median);
    const share = (list: ArrayLike<number>) => {
      let k = 0;
      for (let i = 0; i < list.length; i++) if (list[i] >= threshold) k++;
      return list.length ? k / list.length : 0;
    };
    const recall = share(can);
    if (recall > 0) best = Math.min(best, (share(values.subarray(0, rows)) / recall) * rows);
  }
  return best >= settings.minRows ? best : 0;
}

/**
 * Precision of the cut at each row: present/rows × R̃(u)/u, R̃ the smoothed share of canary tail fractions ≤ u, made
 * non-increasing in u (the best cut that still flags the row) and capped at 1.
 */
export function cutPrecision(
  tail: Float64Array,
  canaryTail: readonly number[],
  present: number,
  rows: number,
): Float32Array {
  const out = new Float32Array(tail.length);
  if (present <= 0) return out;
  const order = Uint32Array.from(tail.keys()).sort((a, b) => tail[a] - tail[b] || a - b);
  const m = canaryTail.length;
  const prec = new Float64Array(tail.length);
  let c = 0;
  for (let r = 0; r < order.length; r++) {
    const u = tail[order[r]];
    while (c < m && canaryTail[c] <= u + 1e-12) c++;
    prec[r] = ((present / rows) * ((c + SMOOTHING) / (m + 2 * SMOOTHING))) / u;
  }
  let best = 0;
  for (let r = order.length - 1; r >= 0; r--) {
    best = Math.max(best, prec[r]);
    out[order[r]] = Math.min(1, best);
  }
  return out;
}

/**
 * The fused value: the larger of a row's best kind precision and its uncalibrated suspicion, weighted by `backbone`
 * unless it is at least `strong`, where it counts as 1.
 */
export function fusedValue(
  best: number,
  backbone: number,
  settings: Pick<FusionSettings, 'backbone' | 'strong'>,
): number {
  // A strong uncalibrated value counts as certain as a kind's capped precision; ties break on the uncalibrated value.
  const b = backbone >= settings.strong ? 1 : settings.backbone * backbone;
  return (1 - TIE_BREAK) * Math.max(best, b) + TIE_BREAK * backbone;
}

/** Fits the per-kind detectors on the fitting draw and fuses every row of the run. */
export function fuse(input: FusionInput, given: Partial<FusionSettings> = {}): FusionResult {
  const settings: FusionSettings = { ...DEFAULT_FUSION, ...given };
  const n = input.rows;
  const total = n + input.role.length;
  const features = SCORE_NAMES.map((s) =>
    tailSignificance(input.scores[s], sortedReference(input.scores[s].subarray(0, n))),
  );
  const step = Math.max(1, Math.floor(n / settings.negatives));
  const negatives: number[] = [];
  for (let i = 0; i < n; i += step) negatives.push(i);
  const kinds = [...new Set(input.kind)].sort((a, b) => a - b);
  const detectors: KindDetector[] = [];
  const detectorValues: Float32Array[] = [];
  const posteriors: Float32Array[] = [];
  for (const k of kinds) {
    const fit = appendedRows(input, CANARY_ROLE.fit, k);
    const { weights } = fitNonNegativeLogistic(features, fit, negatives, settings);
    const values = linearScore(features, weights, total);
    const ref = sortedReference(values.subarray(0, n));
    const kind = CANARY_KINDS[k] as CanaryKind;
    // A learned trigger: the out-of-fold model predicts the target label for most of its canaries.
    const learned = !TRIGGER_KINDS.includes(kind) || medianOf(input.scores.selfConfidence, fit) < 0.5;
    const present = learned ? presentRows(values, n, fit, settings) : 0;
    const canaryTail = Array.from(
      tailFraction(
        Float64Array.from(fit, (p) => values[p]),
        ref,
      ),
    ).sort((a, b) => a - b);
    detectors.push({
      kind,
      weights: Array.from(weights, (w) => Number(w.toPrecision(4))),
      presentRows: Math.round(present),
      learned,
      canaryTail: canaryTail.map((u) => Number(u.toPrecision(4))),
    });
    detectorValues.push(values);
    posteriors.push(cutPrecision(tailFraction(values, ref), canaryTail, present, n));
  }
  const suspicion = new Float32Array(total);
  const topKind = new Uint8Array(total).fill(NO_KIND);
  const topScore = new Uint8Array(total);
  for (let i = 0; i < total; i++) {
    let best = 0;
    let who = -1;
    posteriors.forEach((p, d) => {
      if (p[i] > best) {
        best = p[i];
        who = d;
      }
    });
    const b = input.backbone[i];
    suspicion[i] = fusedValue(best, b, settings);
    const byKind = who >= 0 && best >= (b >= settings.strong ? 1 : settings.backbone * b);
    if (byKind) topKind[i] = kinds[who];
    let top = 0;
    let topValue = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < SCORE_NAMES.length; s++) {
      const v = features[s][i] * (byKind ? detectors[who].weights[s] : 1);
      if (v > topValue) {
        topValue = v;
        top = s;
      }
    }
    topScore[i] = top;
  }
  return {
    model: { format: 'sift-fused/1', detectors, settings },
    suspicion,
    topKind,
    topScore,
    detectorValues,
    posteriors,
    features,
  };
}

/**
 * Analyst rows estimated to be poisoned: the union, over kinds that look present, of each kind's `presentRows` top
 * rows by its detector (kinds that find the same rows count them once).
 */
export function estimatePoisoned(result: FusionResult, rows: number): number {
  const marked = new Uint8Array(rows);
  result.model.detectors.forEach((d, k) => {
    if (d.presentRows <= 0) return;
    const values = result.detectorValues[k];
    const order = Uint32Array.from({ length: rows }, (_, i) => i).sort(
      (a, b) => values[b] - values[a] || a - b,
    );
    for (let r = 0; r < Math.min(rows, d.presentRows); r++) marked[order[r]] = 1;
  });
  return marked.reduce((s, v) => s + v, 0);
}
