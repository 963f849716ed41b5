/**
 * The fused suspicion learned from canaries (issue 10). For each canary kind the detector is one of Sift's scores:
 * the one under which that kind's canaries (both draws, about 20 rows) reach highest among the analyst's rows
 * (canaryReach, a partial AUROC: real poison of the kind ranked above its canaries does not count against it, as it
 * does against average precision). A single score chosen by rank keeps each score's own ordering, which a weighted
 * fit over twelve scores on ~10 canaries did not (measured on held-out poisoned sets: mean AP 0.61 against 0.48,
 * bench notes in the README). Each detector asks the analyst's rows how many of them look like its kind (presence:
 * the rows at or above a threshold between the rows' median and the canaries' quantile, divided by the canaries'
 * recall there; for a score that tests its own rows against chance, such as shared values, the rows it marks), and
 * only when it ranks half of the kind's canaries in the analyst rows' top tenth (`reach`). Kinds that look present
 * rank first, surest first (canaryReach once their present rows are set aside), each kind's rows in its own score's
 * order (a label kind's: the agreement of the questions asked of a label, views.ts), so the top of the list keeps
 * the strongest signal's order; every other row follows by the larger of its uncalibrated suspicion and its present
 * detectors, each weighed by its kind's row count. A clear tail of any score (clear-tail.ts) and every activation
 * cluster another score corroborates (clusters.ts; shared values and the embedding outlier scores only together with
 * its rows' labels) rank above every kind but the sure ones (every canary above the rows they leave), so calibration
 * never buries a strong single signal; a cluster's rows whose features explain their label (FusionInput.explained)
 * stay with the rest, and rows of its label outside it that its score sets apart as much as its median row join it
 * (clusters.ts, lookalikeRows).
 * A trigger kind whose canaries the model did not learn speaks only through a score that reads the feature values
 * (KindDetector.learned).
 */
import { CANARY_KINDS, CANARY_ROLE, type CanaryKind } from '../canary/types';
import { clearTail } from '../scores/clear-tail';
import { DEFAULT_SHARED_VALUES } from '../scores/shared-values';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { corroboratedClusters, lookalikeRows, medianOver } from './clusters';
import { countsRows, marked, presentRows, TRIGGER_KINDS } from './presence';
import { countAtLeast, meanSignificance, sortedReference, tailSignificance } from './tails';
import type { FusedModel, FusionSettings, KindDetector } from './types';
import { asksLabel, LABEL_VIEWS, labelViewValues } from './views';

/** Defaults of the fusion; the measurements behind them are in bench/detect and the README. */
export const DEFAULT_FUSION: FusionSettings = {
  tolerance: 1,
  quantiles: [0.25, 0.5],
  minRows: 8,
  backbone: 0.5,
  rest: 0.9,
  reach: 0.1,
  ensemble: 0.05,
  clusterLabels: 0.9,
};

/** Scores computed from the rows' feature values, not from the model. */
const FEATURE_SCORES: readonly ScoreName[] = ['sharedValues'];

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
  /** Per kind (model.detectors order): each row's detector value (its score's tail significance). */
  detectorValues: Float32Array[];
  /** Per-score tail significance of every row. */
  features: Float32Array[];
  /** Analyst rows lifted with their activation cluster (its rows whose features explain their label left out). */
  clusterRows: Int32Array;
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

/** Each row's rank among the analyst rows (0 = highest) under `values`; appended rows by where they would fall. */
function rankAmong(values: Float32Array, sorted: Float64Array): Float64Array {
  return Float64Array.from(values, (v) => (Number.isNaN(v) ? sorted.length : countAtLeast(sorted, v) - 1));
}

/** Index of the score, among `among` (default: every score), with the largest tail significance at row i. */
function strongest(features: Float32Array[], i: number, among?: readonly number[]): number {
  const pick = (t: number) => (among ? among[t] : t);
  let top = pick(0);
  for (let t = 1; t < (among ?? features).length; t++)
    if (features[pick(t)][i] > features[top][i]) top = pick(t);
  return top;
}

/**
 * Picks each kind's detector on the canaries and fuses every row of the run. Per kind, the detector is the single
 * score whose canaries (both draws) reach highest among the analyst's rows (canaryReach); its presence is
 * `presentRows`. Kinds that look present are taken surest first (KindDetector.canaryReach): each puts its `presentRows` top rows (by its
 * detector) above every row of the next, in its detector's order. The other rows follow, ordered by the larger of
 * their uncalibrated suspicion (at weight `backbone`) and their strongest present detector (at weight `rest`, plus the
 * log of its kind's rows over the largest present kind's), both as tail significance over the analyst's rows. Values
 * lie in [0, 1]; the present kinds' rows above 0.5.
 */
export function fuse(input: FusionInput, given: Partial<FusionSettings> = {}): FusionResult {
  const settings: FusionSettings = { ...DEFAULT_FUSION, ...given };
  const n = input.rows;
  const total = n + input.role.length;
  const refs = SCORE_NAMES.map((s) => sortedReference(input.scores[s].subarray(0, n)));
  const features = SCORE_NAMES.map((s, k) => tailSignificance(input.scores[s], refs[k]));
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
  const labelValues = labelViewValues(features, n);
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
      ranking: label ? LABEL_VIEWS.flat() : scores,
      canaryPrecision: Number(precision[best].toFixed(4)),
      canaryReach: Number(sure.toFixed(4)),
      presentRows: Math.round(present),
      learned,
    });
    detectorValues.push(label ? labelValues : values);
    reasons.push(label ? [...new Set([best, ...asked])] : [best]);
  }
  const scale = Math.log(n + 1);
  const backbone = tailSignificance(input.backbone, sortedReference(input.backbone.subarray(0, n)));
  const present = presentOrder(detectors).map((j) => ({ d: detectors[j] as KindDetector, j }));
  const ranks = present.map(({ j }) =>
    rankAmong(detectorValues[j], sortedReference(detectorValues[j].subarray(0, n))),
  );
  // A clear tail of any score (clear-tail.ts: a group set apart by a gap) ranks above every kind but the sure ones: calibration never
  // buries a strong single signal. Appended rows join it at or above the tail's lowest value.
  const tails: Array<{ score: number; cut: number }> = [];
  SCORE_NAMES.forEach((s, j) => {
    const tail = clearTail(input.scores[s].subarray(0, n));
    if (tail) tails.push({ score: j, cut: Math.min(...Array.from(tail.rows, (r) => input.scores[s][r])) });
  });
  // Activation clusters another score corroborates (clusters.ts) rank with the clear tails.
  const clusters = corroboratedClusters(
    input.scores.activationClustering,
    features,
    n,
    settings.reach,
    input.explained,
    settings.clusterLabels,
  );
  const lifted = new Map(clusters.map((c) => [c.value, c]));
  const ac = input.scores.activationClustering;
  const lookalikes = lookalikeRows(
    clusters,
    ac,
    features,
    n,
    settings.clusterLabels,
    input.labels,
    input.explained,
  );
  const acIndex = SCORE_NAMES.indexOf('activationClustering');
  const suspicion = new Float32Array(total);
  const topKind = new Uint8Array(total).fill(NO_KIND);
  const topScore = new Uint8Array(total);
  const blocks = present.length + 1;
  // Kinds whose every canary ranks above the analyst rows they do not find present are as sure as a clear tail:
  // they rank above the tails and clusters (bands 0..sure-1), which take band `sure`; other kinds follow.
  const sure = present.filter(({ d }) => d.canaryReach >= 1).length;
  // In the rest a kind's detector speaks with the log of its row count against the largest present kind's, as a prior
  // weighs evidence: a kind of 32 rows no longer orders the rest as loudly as one of 374 (docs/heldout.md).
  const largest = Math.max(1, ...present.map(({ d }) => d.presentRows));
  const band = (k: number, within: number) => 0.5 + (0.5 * (blocks - 1 - k + Math.min(1, within))) / blocks;
  for (let i = 0; i < total; i++) {
    // The first present kind (surest first) whose top rows hold this row.
    const b = present.findIndex(({ d }, p) => ranks[p][i] < d.presentRows);
    if (b >= 0) topKind[i] = kinds[present[b].j];
    if (b >= 0 && b < sure) {
      const j = present[b].j;
      suspicion[i] = band(b, detectorValues[j][i] / scale);
      topScore[i] = strongest(features, i, reasons[j]);
      continue;
    }
    // A lifted cluster's row whose features explain its label ranks with the rest, its cluster one more detector.
    const inCluster = lifted.get(ac[i]);
    const lookalike = lookalikes.get(i);
    const cluster = (input.explained?.[i] === 1 ? undefined : inCluster) ?? lookalike;
    if (cluster) {
      const within = (cluster.significance + features[cluster.score][i]) / (2 * scale);
      suspicion[i] = band(sure, within);
      // A look-alike stands out under the cluster's score, not in the cluster.
      topScore[i] = lookalike ? cluster.score : acIndex;
      continue;
    }
    const inTail = tails.filter((t) => input.scores[SCORE_NAMES[t.score]][i] >= t.cut);
    if (inTail.length > 0) {
      const t = inTail.reduce((a, b) => (features[b.score][i] > features[a.score][i] ? b : a));
      suspicion[i] = band(sure, features[t.score][i] / scale);
      topScore[i] = t.score;
      continue;
    }
    if (b >= 0) {
      const j = present[b].j;
      suspicion[i] = band(b + 1, detectorValues[j][i] / scale);
      topScore[i] = strongest(features, i, reasons[j]);
      continue;
    }
    let value = settings.backbone * backbone[i];
    let score = -1;
    if (inCluster) {
      const v = (settings.rest * (inCluster.significance + features[inCluster.score][i])) / 2;
      if (v > value) {
        value = v;
        score = acIndex;
      }
    }
    for (const { j, d } of present) {
      const v = settings.rest * (detectorValues[j][i] + Math.log(d.presentRows / largest));
      if (v > value) {
        value = v;
        score = strongest(features, i, reasons[j]);
      }
    }
    suspicion[i] = 0.5 * Math.min(1, value / scale);
    topScore[i] = score >= 0 ? score : strongest(features, i);
  }
  return {
    model: {
      format: 'sift-fused/7',
      detectors,
      clusters: clusters.map((c) => ({
        rows: c.rows.length,
        score: SCORE_NAMES[c.score] as ScoreName,
        medianShare: Number(Math.exp(-c.significance).toFixed(4)),
        explained: c.rows.filter((r) => input.explained?.[r] === 1).length,
        lookalikes: [...lookalikes.values()].filter((l) => l === c).length,
      })),
      settings,
    },
    clusterRows: Int32Array.from([
      ...clusters.flatMap((c) => c.rows.filter((r) => input.explained?.[r] !== 1)),
      ...lookalikes.keys(),
    ]),
    suspicion,
    topKind,
    topScore,
    detectorValues,
    features,
  };
}
