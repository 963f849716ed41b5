/**
 * One row's detail, built in the review worker where the data is: its cells as the file wrote them, its features
 * against its class, every score with its percentile and the run's median, each family's verdict and the sentences
 * that say why, its trajectory and its nearest neighbours.
 */

import { CANARY_KINDS } from './core/canary/types';
import { recordCells, shortestFloat32, writtenCells } from './core/review/cells';
import { percentileRank } from './core/review/columns';
import { classFeatureStats, pushOrder, rowDeviation } from './core/review/feature-evidence';
import { rankReason } from './core/review/rank-reason';
import { type WhyInput, whyFlagged } from './core/review/why';
import { groupOf, unexplainedRows } from './core/scores/shared-groups';
import { DEFAULT_SHARED_VALUES, sharedValuesOf, spikeIndex } from './core/scores/shared-values';
import { FAMILY_NAMES, SCORE_NAMES, type ScoreName } from './core/scores/types';
import type { RowDetail, TabularEvidence } from './review.api';
import { decisionOf, named, neighbours, type OpenReview, rowView } from './review-rows';

/** The row's original text, from the stored file and the row's byte range; null when it cannot be read. */
async function rowText(o: OpenReview, row: number): Promise<string | null> {
  const { arrays, stores, meta } = o.data;
  o.file ??= stores.datasets.loadFile(meta.id);
  const blob = await o.file;
  const start = arrays.rowStart[row];
  const end = arrays.rowEnd[row];
  if (!blob || start === undefined || end === undefined || !(end >= start) || end > blob.size) return null;
  return blob.slice(start, end).text();
}

/** The row's features as written and against its class (the class's statistics are computed once, then kept). */
async function tabular(o: OpenReview, row: number): Promise<TabularEvidence> {
  const { meta, arrays, featureColumns, classStats } = o.data;
  const f = meta.featureNames.length;
  const y = arrays.labels[row] as number;
  let stats = classStats.get(y);
  if (!stats) {
    const members = Int32Array.from(Array.from(o.data.sampleRows).filter((r) => arrays.labels[r] === y));
    stats = classFeatureStats(arrays.features, f, members);
    classStats.set(y, stats);
  }
  const deviation = rowDeviation(stats, arrays.features, f, row);
  const text = await rowText(o, row);
  const cells = text === null ? null : recordCells(text, meta.delimiter);
  const readable = cells !== null && cells.length === meta.header.length;
  const written = readable ? writtenCells(cells, featureColumns.sources, featureColumns.oneHot) : null;
  return {
    classRows: stats.members.length,
    features: meta.featureNames.map((name, j) => {
      const value = arrays.features[row * f + j] as number;
      const d = deviation.features[j];
      return {
        name,
        written: written?.[j]?.text ?? shortestFloat32(value),
        missing: written?.[j]?.missing ?? false,
        value,
        percentile: d?.percentile ?? Number.NaN,
        z: d?.z ?? Number.NaN,
        share: d?.share ?? null,
      };
    }),
    order: Array.from(pushOrder(deviation)),
    distance: deviation.distance,
    distancePercentile: deviation.distancePercentile,
    shrinkage: stats.shrinkage,
    skipped: stats.skipped,
    fileMissing: !readable,
  };
}

/** Everything the detail panel shows about `row`; null for a row outside the dataset. */
export async function rowDetail(o: OpenReview, row: number): Promise<RowDetail | null> {
  const { data } = o;
  if (!(Number.isInteger(row) && row >= 0 && row < data.meta.rows)) return null;
  const f = data.meta.featureNames.length;
  const j = data.sampleOf[row] ?? -1;
  const dyn = data.dynamics && j >= 0 && data.dynamics.sampleRows[j] === row ? data.dynamics : null;
  const perEpoch = <T extends Float32Array | Uint8Array>(values: T | undefined) =>
    dyn && values
      ? Array.from({ length: dyn.epochs }, (_, e) => values[e * dyn.samples + j] as number)
      : null;
  const scores: Record<string, number> = {};
  const percentiles: Record<string, number> = {};
  const bulk: Record<string, number> = {};
  for (const [name, sorted] of Object.entries(data.sorted)) {
    const v =
      (name === 'suspicion' ? data.cols.suspicion[row] : data.cols.numeric[name]?.[row]) ?? Number.NaN;
    scores[name] = v;
    bulk[name] = data.histograms[name]?.bulk ?? Number.NaN;
    if (Number.isFinite(v) && sorted.length > 0) percentiles[name] = percentileRank(sorted, v);
  }
  const near = neighbours(o, row, data.k).map((n) => ({
    ...named(o, n.row),
    distance: n.distance,
    suspicion: data.cols.suspicion[n.row] ?? Number.NaN,
    decision: decisionOf(o, n.row),
  }));
  const label = data.arrays.labels[row] as number;
  const families = Object.fromEntries(
    FAMILY_NAMES.map((fam) => [
      fam,
      {
        value: j >= 0 ? (data.set.families[fam][j] ?? Number.NaN) : Number.NaN,
        flagged: j >= 0 && data.familyFlags[fam][j] === 1,
      },
    ]),
  ) as WhyInput['families'];
  const margin = perEpoch(dyn?.margin);
  const correct = perEpoch(dyn?.correct);
  const ac = j >= 0 ? (data.set.scores.activationClustering[j] ?? 0) : 0;
  const sharedScore = j >= 0 ? (data.set.scores.sharedValues?.[j] ?? 0) : 0;
  // An image dataset's review holds no float features (review-data.ts): its shared values go unnamed.
  const readable = data.arrays.features.length === data.meta.rows * f;
  if (sharedScore > 0 && readable)
    data.sharedSpikes ??= spikeIndex(
      data.arrays.features,
      f,
      data.sampleRows,
      DEFAULT_SHARED_VALUES,
      Int32Array.from(data.sampleRows, (r) => data.arrays.labels[r] as number),
    );
  const shared =
    sharedScore > 0 && readable && data.sharedSpikes
      ? sharedValuesOf(data.sharedSpikes, data.arrays.features, row).map((s) => ({
          column: data.meta.featureNames[s.column] ?? `feature ${s.column + 1}`,
          value: shortestFloat32(s.value),
          rows: s.rows,
          neighbours: s.neighbours,
        }))
      : [];
  const lifted = j >= 0 ? groupOf(data.set.groups, j) : null;
  const group = lifted && {
    rows: lifted.rows.length,
    columns: lifted.columns.map((c) => data.meta.featureNames[c] ?? `feature ${c + 1}`),
    pixels: data.meta.image !== null,
    label: lifted.label,
    labelled: lifted.labelled,
    checked: lifted.checked,
    unexplained: unexplainedRows(lifted),
  };
  // The images' pixel question (calibrated image sets): a share of the k nearest images, read back as a count.
  const pixelShare = j >= 0 ? data.set.pixelNeighbours?.[j] : undefined;
  const pixelK = data.set.params.knn.k;
  const why = whyFlagged({
    classes: data.meta.classes,
    label,
    suggested: data.cols.suggested[row] ?? -1,
    inTraining: dyn ? dyn.inTraining[j] === 1 : null,
    epochs: margin && correct ? { margin, correct } : null,
    scores: scores as Partial<Record<ScoreName, number>>,
    percentiles: percentiles as Partial<Record<ScoreName, number>>,
    neighbours: near.map((n) => data.arrays.labels[n.row] as number),
    shared,
    group,
    pixelNeighbours: pixelShare === undefined ? null : { differ: Math.round(pixelShare * pixelK), k: pixelK },
    cluster:
      ac > 0 ? { rows: data.clusterCounts[label] ?? 0, classRows: data.classCounts[label] ?? 0 } : null,
    families,
    thresholds: data.thresholds,
  });
  // What set the row's place: the score that weighed most and, when the calibration placed it, the canary kind.
  const explained = j >= 0 ? data.set.explanation : undefined;
  const top = SCORE_NAMES[explained?.score[j] ?? -1];
  const rank = top
    ? rankReason({
        suspicion: scores.suspicion ?? Number.NaN,
        suspicionShare: percentiles.suspicion ?? Number.NaN,
        score: top,
        scoreValue: scores[top] ?? Number.NaN,
        scoreShare: percentiles[top] ?? Number.NaN,
        kind: CANARY_KINDS[explained?.kind[j] ?? -1] ?? null,
      })
    : null;
  return {
    ...rowView(o, row),
    rank,
    reasons: o.decisions.decisions.get(row)?.reasons ?? [],
    features: data.arrays.features.slice(row * f, row * f + f),
    featureNames: data.meta.featureNames,
    image: data.meta.image,
    tabular: await tabular(o, row),
    scores,
    percentiles,
    bulk,
    why: why.map((w) => ({ ...w, value: families[w.family].value, threshold: data.thresholds[w.family] })),
    inTraining: dyn ? dyn.inTraining[j] === 1 : null,
    loss: perEpoch(dyn?.loss),
    margin,
    neighbours: near,
    group: lifted && { rows: lifted.rows.length, columns: lifted.columns },
  };
}
