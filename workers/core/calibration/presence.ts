/**
 * How many of the analyst's rows look like a canary kind (issue 10), from where the kind's canaries fall under its
 * detector. fuse.ts ranks a present kind's rows above the rest and estimatePoisoned counts them.
 */
import type { CanaryKind } from '../canary/types';
import { quantile } from '../scores/clear-tail';
import { mostlyOneLabel, SHARED_TAIL_ONE_LABEL } from '../scores/suspicion';
import type { ScoreName } from '../scores/types';
import { sortedReference } from './tails';
import type { FusionSettings, KindDetector } from './types';

/**
 * Kinds that plant a backdoor: their canaries only measure backdoors when the model learned the trigger, or when
 * their detector reads the feature values (fuse.ts, FEATURE_SCORES).
 */
export const TRIGGER_KINDS: readonly CanaryKind[] = ['feature-trigger', 'patch-trigger', 'blend-trigger'];

/** Scores that measure how far a row lies from the others in the embedding. */
const DISTANCE_SCORES: readonly ScoreName[] = ['knnDistance', 'mahalanobis'];

/**
 * Whether a kind detected by `score` may count rows. A trigger kind detected by a distance score counts none, so it
 * is not present and its rows rank by their other scores: every set has rows far from the rest, and on the image
 * runs such a trigger kind counted 174 to 632 rows whether a trigger was there or not (224 on ho_fashion_lookalike6
 * and 341 on ho2_fashion_flip7, which hold none; docs/heldout.md).
 */
export function countsRows(kind: CanaryKind, score: ScoreName): boolean {
  return !(TRIGGER_KINDS.includes(kind) && DISTANCE_SCORES.includes(score));
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
  // No quantile where a canary reaches the threshold (every canary NaN, or a tolerance above 1): nothing to divide by.
  return Number.isFinite(best) && best >= settings.minRows ? best : 0;
}

/**
 * Analyst rows a score marks (above 0): 0 below `minRows`, and null above `maxShare` of the rows, where marks are
 * the data's usual values rather than rarities. With `labels`, null too unless nine in ten of the marked rows carry one
 * label (SHARED_TAIL_ONE_LABEL), as rows a backdoor relabels to its target do: on the 73 dumped runs, the 8 runs where
 * shared values marked at most a tenth of the rows and that many carried one label were triggers (99-100% poison);
 * the two where they did not marked clean rows only (22 rows, 41% one label; and an age top-coded at 90 on
 * ho5_census12k_text, 439 rows, 68% one label; docs/heldout.md).
 */
export function marked(
  values: Float32Array,
  rows: number,
  minRows: number,
  maxShare: number,
  labels?: ArrayLike<number>,
): number | null {
  const hit: number[] = [];
  for (let i = 0; i < rows; i++) if (values[i] > 0) hit.push(i);
  const k = hit.length;
  if (k > maxShare * rows) return null;
  if (labels && k > 0 && !mostlyOneLabel(Int32Array.from(hit), labels, SHARED_TAIL_ONE_LABEL)) return null;
  return k >= minRows ? k : 0;
}

/**
 * Analyst rows estimated to be poisoned: the union of the lifted activation clusters' rows (and their look-alikes),
 * the crowded rows (crowding.ts) and, over kinds that look present, each kind's `presentRows` top rows by its detector
 * (rows found twice count once).
 */
export function estimatePoisoned(
  result: {
    clusterRows: Int32Array;
    crowdedRows: Int32Array;
    model: { detectors: readonly Pick<KindDetector, 'presentRows'>[] };
    detectorValues: readonly Float32Array[];
  },
  rows: number,
): number {
  const found = new Uint8Array(rows);
  for (const r of result.clusterRows) found[r] = 1;
  for (const r of result.crowdedRows) found[r] = 1;
  result.model.detectors.forEach((d, k) => {
    if (d.presentRows <= 0) return;
    const values = result.detectorValues[k];
    const order = Uint32Array.from({ length: rows }, (_, i) => i).sort(
      (a, b) => values[b] - values[a] || a - b,
    );
    for (let r = 0; r < Math.min(rows, d.presentRows); r++) found[order[r]] = 1;
  });
  return found.reduce((s, v) => s + v, 0);
}
