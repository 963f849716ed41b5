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
 * the strongest signal's order; every other row follows by the label questions once a label kind is present, else by
 * the larger of its uncalibrated suspicion and its present detectors, each weighed by its kind's row count. A clear
 * tail of any score (clear-tail.ts) and every activation cluster another score corroborates (clusters.ts; shared values
 * and the embedding outlier scores only together with its rows' labels) rank above every kind but the sure ones (every
 * canary above the rows they leave), so calibration never buries a strong single signal (a cluster that a label score
 * corroborates, only while no label kind is present), and so do a lifted group of shared values (spike-groups.ts) and
 * rows packed far closer together than the rest (crowding.ts); a cluster's rows whose features explain their label
 * (FusionInput.explained) stay with the rest, and rows of its label outside it that its score sets apart as much as its
 * median row join it (clusters.ts, lookalikeRows).
 * A trigger kind whose canaries the model did not learn speaks only through a score that reads the feature values
 * (KindDetector.learned).
 */
import { clearTail } from '../scores/clear-tail';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { corroboratedClusters, lookalikeRows } from './clusters';
import { crowdedRows } from './crowding';
import { type FusionInput, kindDetectors, presentOrder } from './detectors';
import { countAtLeast, sortedReference, tailSignificance } from './tails';
import type { FusedModel, FusionSettings, KindDetector } from './types';
import { asksLabel, saysLabelWrong } from './views';

export type { FusionInput } from './detectors';

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

/** `topKind` of a row no kind speaks for (its uncalibrated suspicion set its place). */
export const NO_KIND = 255;

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
  /** Analyst rows packed far closer together than the rest (crowding.ts), ranked with the clear tails. */
  crowdedRows: Int32Array;
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
 * detector) above every row of the next, in its detector's order. The other rows follow, ordered by the larger of their
 * uncalibrated suspicion (at weight `backbone`) and their strongest present detector (at weight `rest`, plus the log of
 * its kind's rows over the largest present kind's), both as tail significance over the analyst's rows; once a label
 * kind is present, by the label kinds' detectors instead, against the largest label kind (and a lifted cluster's row
 * that stays in the rest by its cluster either way). Values lie in [0, 1]; the present kinds' rows above 0.5.
 */
export function fuse(input: FusionInput, given: Partial<FusionSettings> = {}): FusionResult {
  const settings: FusionSettings = { ...DEFAULT_FUSION, ...given };
  const n = input.rows;
  const total = n + input.role.length;
  const refs = SCORE_NAMES.map((s) => sortedReference(input.scores[s].subarray(0, n)));
  const features = SCORE_NAMES.map((s, k) => tailSignificance(input.scores[s], refs[k]));
  const { kinds, detectors, detectorValues, reasons } = kindDetectors(input, settings, refs, features);
  const scale = Math.log(n + 1);
  const backbone = tailSignificance(input.backbone, sortedReference(input.backbone.subarray(0, n)));
  const present = presentOrder(detectors).map((j) => ({ d: detectors[j] as KindDetector, j }));
  const ranks = present.map(({ j }) =>
    rankAmong(detectorValues[j], sortedReference(detectorValues[j].subarray(0, n))),
  );
  // A clear tail of any score (clear-tail.ts: a group set apart by a gap) ranks above every kind but the sure ones: calibration never
  // buries a strong single signal. Appended rows join it at or above the tail's lowest value.
  // Every score on a log scale when never negative, shared values too: its groups are the feature-trigger kind's
  // (`grouped`), and its tail as the uncalibrated rule reads it (scoreTail: 59 rows, 5 clean) ranked here lowered
  // digits_backdoor3's AP from 1.000 to 0.993 (docs/heldout.md).
  const tails: Array<{ score: number; cut: number }> = [];
  SCORE_NAMES.forEach((s, j) => {
    const tail = clearTail(input.scores[s].subarray(0, n));
    if (tail) tails.push({ score: j, cut: Math.min(...Array.from(tail.rows, (r) => input.scores[s][r])) });
  });
  // Activation clusters another score corroborates (clusters.ts) rank with the clear tails. One that a score saying
  // labels are wrong corroborates adds nothing when a present label kind orders rows by the label questions: its rows
  // stay in that order (on fashion_flip such a cluster held 23 clean rows of 74; docs/heldout.md).
  const labelPresent = present.some(({ d }) => asksLabel(d.kind, d.score));
  const clusters = corroboratedClusters(
    input.scores.activationClustering,
    features,
    n,
    settings.reach,
    input.explained,
    settings.clusterLabels,
  ).filter((c) => !(labelPresent && saysLabelWrong(SCORE_NAMES[c.score] as ScoreName)));
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
  // Rows packed far closer together than the rest (crowding.ts) rank with the clear tails, the closer the higher: an
  // injected cluster that every score reads as ordinary. Appended rows join them at or below their largest distance.
  const distance = input.scores.knnDistance;
  const crowd = crowdedRows(distance.subarray(0, n));
  const negated = crowd ? distance.map((d) => -d) : null;
  const closeness = negated && tailSignificance(negated, sortedReference(negated.subarray(0, n)));
  const knnIndex = SCORE_NAMES.indexOf('knnDistance');
  const sharedIndex = SCORE_NAMES.indexOf('sharedValues');
  const suspicion = new Float32Array(total);
  const topKind = new Uint8Array(total).fill(NO_KIND);
  const topScore = new Uint8Array(total);
  const blocks = present.length + 1;
  // Kinds whose every canary ranks above the analyst rows they do not find present are as sure as a clear tail:
  // they rank above the tails and clusters (bands 0..sure-1), which take band `sure`; other kinds follow.
  const sure = present.filter(({ d }) => d.canaryReach >= 1).length;
  // The kinds whose detectors order the rest: once a label kind is present, the label kinds alone (below). Each speaks
  // with the log of its row count against the largest of them, as a prior weighs evidence: a kind of 32 rows no longer
  // orders the rest as loudly as one of 374 (docs/heldout.md). Against the largest of them, not of every present kind:
  // a larger trigger or outlier kind would otherwise push every label kind's value below zero for most of the rest,
  // which then tied at 0 (4,501 of 6,000 rows on ho_blobs6k_outliers).
  const speaking = present.filter(({ d }) => !labelPresent || asksLabel(d.kind, d.score));
  const largest = Math.max(1, ...speaking.map(({ d }) => d.presentRows));
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
    // A lifted group of shared values (spike-groups.ts: spikes that mark the same rows, nine in ten of one label that
    // their nearest rows do not carry) is as strong a signal as a clear tail, and ranks with them even when its kind
    // is less sure than a label kind: on JPEG files a patch's group of 105 rows ranked below 94 rows of the label
    // kinds, most of them look-alike classes (ho6_fashion_jpeg_patch, docs/heldout.md).
    if (input.grouped?.[i] === 1) {
      suspicion[i] = band(sure, features[sharedIndex][i] / scale);
      topScore[i] = sharedIndex;
      continue;
    }
    const inTail = tails.filter((t) => input.scores[SCORE_NAMES[t.score]][i] >= t.cut);
    if (inTail.length > 0) {
      const t = inTail.reduce((a, b) => (features[b.score][i] > features[a.score][i] ? b : a));
      suspicion[i] = band(sure, features[t.score][i] / scale);
      topScore[i] = t.score;
      continue;
    }
    if (crowd && closeness && distance[i] <= crowd.cut) {
      suspicion[i] = band(sure, closeness[i] / scale);
      topScore[i] = knnIndex;
      continue;
    }
    if (b >= 0) {
      const j = present[b].j;
      suspicion[i] = band(b + 1, detectorValues[j][i] / scale);
      topScore[i] = strongest(features, i, reasons[j]);
      continue;
    }
    // Once a label kind is present, the label questions order the rest (and a lifted cluster's row that stays here its
    // cluster, below): the canaries have shown that they find this data's wrong labels, and the uncalibrated rule's
    // fixed mix of families or another kind's detector only lifted rows they rank high above rows those questions
    // doubt. On 32 dumped runs, 20 ranked better and three worse by 0.0003 AUROC at most (docs/heldout.md).
    let value = labelPresent ? 0 : settings.backbone * backbone[i];
    let score = -1;
    if (inCluster) {
      const v = (settings.rest * (inCluster.significance + features[inCluster.score][i])) / 2;
      if (v > value) {
        value = v;
        score = acIndex;
      }
    }
    for (const { j, d } of speaking) {
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
      format: 'sift-fused/9',
      detectors,
      clusters: clusters.map((c) => ({
        rows: c.rows.length,
        score: SCORE_NAMES[c.score] as ScoreName,
        medianShare: Number(Math.exp(-c.significance).toFixed(4)),
        explained: c.rows.filter((r) => input.explained?.[r] === 1).length,
        lookalikes: [...lookalikes.values()].filter((l) => l === c).length,
      })),
      crowded: crowd?.rows.length ?? 0,
      settings,
    },
    crowdedRows: crowd?.rows ?? new Int32Array(0),
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
