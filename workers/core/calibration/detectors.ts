/**
 * Each canary kind's detector (issue 10): the score under which the kind's canaries reach highest among the analyst's
 * rows, how many analyst rows it finds present, and how surely (fuse.ts ranks with them). The measures a detector is
 * chosen by (canaryReach, canaryPrecision) and the order present kinds rank in (presentOrder) live here too.
 */
import { CANARY_KINDS, CANARY_ROLE, type CanaryKind } from '../canary/types';
import { DEFAULT_SHARED_VALUES } from '../scores/shared-values';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { medianOver } from './clusters';
import { countsRows, marked, presentRows, TRIGGER_KINDS } from './presence';
import { countAtLeast, meanSignificance, sortedReference, tailSignificance } from './tails';
import type { FusionSettings, KindDetector } from './types';
import { asksLabel, LABEL_VIEWS, labelViewValues, PIXEL_QUESTION } from './views';

/** Scores computed from the rows' feature values, not from the model. */
const FEATURE_SCORES: readonly ScoreName[] = ['sharedValues'];

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
  /**
   * Per analyst row, 1 where its label is the one its feature values suggest although it sits in an activation
   * cluster (clusters.ts, explainedClusterRows): such a row is not lifted with its cluster. Absent: none is.
   */
  explained?: Uint8Array;
  /**
   * Per analyst row, 1 where it belongs to a group of shared values lifted as a relabelled trigger (shared-values.ts,
   * spike-groups.ts): the rows shared values marks when it marks too many to count. Absent: none is.
   */
  grouped?: Uint8Array;
  /** The analyst rows' labels, to lift a cluster's look-alikes with it (clusters.ts, lookalikeRows). Absent: none is. */
  labels?: Int32Array;
  /**
   * Images only: per row of the run, the share of its nearest images in pixels with another label
   * (pixel-neighbours.ts), the label kinds' third question. Absent (a table): two questions.
   */
  pixelNeighbours?: Float32Array;
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

/**
 * Average precision of `canaries` among the analyst rows under one score: canaries in descending order, each at the
 * precision of flagging every analyst row and canary at least as high (ties counted against the canary).
 */
export function canaryPrecision(
  values: Float32Array,
  sorted: Float64Array,
  canaries: readonly number[],
): number {
  if (canaries.length === 0) return 0;
  const c = Float64Array.from(canaries, (p) => values[p])
    .filter((v) => !Number.isNaN(v))
    .sort()
    .reverse();
  let sum = 0;
  for (let j = 0; j < c.length; j++) sum += (j + 1) / (j + 1 + countAtLeast(sorted, c[j]));
  return sum / canaries.length;
}

/**
 * How high a score puts `canaries` among the analyst rows, robust to real poison ranked above them: the mean over
 * canaries of 1 − (share of analyst rows at or above it) / depth, 0 below the top `depth` (a partial AUROC). With
 * `skip`, that many analyst rows at the top are set aside first (the rows a detector finds present).
 */
export function canaryReach(
  values: Float32Array,
  sorted: Float64Array,
  canaries: readonly number[],
  depth: number,
  skip = 0,
): number {
  if (canaries.length === 0 || sorted.length === 0) return 0;
  let sum = 0;
  for (const p of canaries) {
    const v = values[p];
    if (!Number.isNaN(v))
      sum += Math.max(0, 1 - Math.max(0, countAtLeast(sorted, v) - skip) / sorted.length / depth);
  }
  return sum / canaries.length;
}

/**
 * Indices of the kinds that look present, surest first (canaryReach), then by canary precision (as a detector is
 * chosen: reach first, precision breaking ties), then in kind order.
 */
export function presentOrder(
  detectors: readonly Pick<KindDetector, 'presentRows' | 'canaryReach' | 'canaryPrecision'>[],
): number[] {
  return detectors
    .map((d, j) => ({ d, j }))
    .filter(({ d }) => d.presentRows > 0)
    .sort(
      (a, b) => b.d.canaryReach - a.d.canaryReach || b.d.canaryPrecision - a.d.canaryPrecision || a.j - b.j,
    )
    .map(({ j }) => j);
}

/** Every canary kind's detector, with its value over every row of the run and the scores its rows' reasons come from. */
export interface KindDetectors {
  /** The canary kinds of the run (indices into CANARY_KINDS), ascending; the other arrays follow this order. */
  kinds: number[];
  detectors: KindDetector[];
  /** Per kind: each row's detector value (its score's tail significance). */
  detectorValues: Float32Array[];
  /** Per kind: indices into SCORE_NAMES its rows' reason is taken from (the best, and a label kind's questions). */
  reasons: number[][];
}

/**
 * Picks each kind's detector on the canaries. Per kind, the detector is the single score whose canaries (both draws)
 * reach highest among the analyst's rows (canaryReach), with the scores within `ensemble` of it; its presence is
 * `presentRows`. `refs[k]` is score k's sorted analyst values and `features[k]` its tail significance (tails.ts).
 */
export function kindDetectors(
  input: FusionInput,
  settings: FusionSettings,
  refs: readonly Float64Array[],
  features: Float32Array[],
): KindDetectors {
  const n = input.rows;
  // The rows of lifted groups of shared values: what a feature score counts when it marks too many rows to count.
  const groupedRows = input.grouped?.reduce((s, v) => s + v, 0) ?? 0;
  const grouped = groupedRows >= settings.minRows ? groupedRows : null;
  const kinds = [...new Set(input.kind)].sort((a, b) => a - b);
  const detectors: KindDetector[] = [];
  const detectorValues: Float32Array[] = [];
  // Per kind, the scores its rows' reason is taken from: the best, and a label kind's questions.
  const reasons: number[][] = [];
  const asked = LABEL_VIEWS.flat().map((s) => SCORE_NAMES.indexOf(s));
  // The label questions' value, alike for every label kind: computed once.
  const pixels = input.pixelNeighbours;
  const pixelAnswer = pixels && tailSignificance(pixels, sortedReference(pixels.subarray(0, n)));
  const labelValues = labelViewValues(features, n, pixelAnswer);
  const labelRanking = pixels ? [...LABEL_VIEWS.flat(), PIXEL_QUESTION] : LABEL_VIEWS.flat();
  for (const k of kinds) {
    const canaries = [
      ...appendedRows(input, CANARY_ROLE.fit, k),
      ...appendedRows(input, CANARY_ROLE.report, k),
    ];
    const kind = CANARY_KINDS[k] as CanaryKind;
    // A learned trigger: the out-of-fold model predicts the target label for most of its canaries. An unlearned
    // trigger's canaries look mislabelled to every score that reads the model; only a score that reads the feature
    // values (FEATURE_SCORES) still finds the trigger itself, so only those may detect it.
    const modelLearned =
      !TRIGGER_KINDS.includes(kind) || medianOver(input.scores.selfConfidence, canaries) < 0.5;
    const precision = SCORE_NAMES.map((s, j) => canaryPrecision(input.scores[s], refs[j], canaries));
    // Chosen by reach, not precision: real poison of the kind ranks above its canaries and would count against the
    // very score that finds it. Precision breaks ties.
    const quality = SCORE_NAMES.map((s, j) =>
      modelLearned || FEATURE_SCORES.includes(s)
        ? canaryReach(input.scores[s], refs[j], canaries, settings.reach) + 1e-3 * precision[j]
        : Number.NEGATIVE_INFINITY,
    );
    const best = quality.reduce((a, v, j) => (v > quality[a] ? j : a), 0);
    // Scores whose reach is within `ensemble` of the best are equally good on these canaries: their mean tail
    // significance is the detector, so one score's chance lead on about 40 canaries does not decide alone.
    // A feature score tests its own rows against chance (shared-values.ts): it detects alone, and the rows it marks
    // are the rows present, however much stronger the canaries are than the real trigger.
    const feature = FEATURE_SCORES.includes(SCORE_NAMES[best] as ScoreName);
    const count = feature
      ? (marked(
          input.scores[SCORE_NAMES[best] as ScoreName],
          n,
          settings.minRows,
          DEFAULT_SHARED_VALUES.maxShare,
          input.labels,
        ) ?? grouped)
      : null;
    const own = count !== null;
    const members = own
      ? [best]
      : SCORE_NAMES.flatMap((_, j) => (quality[j] >= quality[best] - settings.ensemble ? [j] : []));
    const values = meanSignificance(
      members.map((j) => features[j]),
      n,
    );
    // The detector must rank half of the kind's canaries in the analyst rows' top `reach` to speak of presence.
    const reaches = medianOver(values, canaries) >= -Math.log(settings.reach);
    // The kind speaks when the model learned it, or when a feature score finds its canaries.
    const learned = modelLearned || reaches;
    // A feature score that marks more than maxShare of the rows has failed its test against chance on this table (the
    // table's usual values spike: pooled pixels, few decimals): it still ranks, but it counts no rows, and neither do
    // its canaries, which stand above such a table's natural spikes (on a 14×14 pixel table they counted 39 rows, one
    // of them poisoned, and ranked them first).
    const counts = reaches && (!feature || own) && countsRows(kind, SCORE_NAMES[best] as ScoreName);
    const present = counts ? (count ?? presentRows(values, n, canaries, settings)) : 0;
    // How surely the kind is there: the canaries' reach once the rows the detector finds present are set aside.
    const sure = canaryReach(
      values,
      sortedReference(values.subarray(0, n)),
      canaries,
      settings.reach,
      present,
    );
    // A label kind's rows are ordered by the agreement of the questions asked of a label (views.ts).
    const label = asksLabel(kind, SCORE_NAMES[best] as ScoreName);
    const scores = members.map((j) => SCORE_NAMES[j] as ScoreName);
    detectors.push({
      kind,
      score: SCORE_NAMES[best] as ScoreName,
      scores,
      ranking: label ? labelRanking : scores,
      canaryPrecision: Number(precision[best].toFixed(4)),
      canaryReach: Number(sure.toFixed(4)),
      presentRows: Math.round(present),
      learned,
    });
    detectorValues.push(label ? labelValues : values);
    reasons.push(label ? [...new Set([best, ...asked])] : [best]);
  }
  return { kinds, detectors, detectorValues, reasons };
}
