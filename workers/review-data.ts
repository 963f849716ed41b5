/**
 * What the review worker reads from IndexedDB to open a review, and the columns it builds from it: the dataset's
 * arrays and original file, the score set, the run's dynamics and curves, and the dataset's decisions. Opened here,
 * in the worker: none of it crosses to the page.
 */
import type { DatasetArrays, DatasetMeta } from '../app/db/schema';
import type { Stores } from '../app/db/stores';
import type { CalibrationReport } from './core/calibration/types';
import { unpackIds } from './core/ingest/ids';
import { manifestModel } from './core/manifest/build';
import type { Manifest } from './core/manifest/types';
import { featureSources, oneHotFeatures } from './core/review/cells';
import { perRowXY, reviewColumns, scoredSampleRows } from './core/review/columns';
import type { DecisionState } from './core/review/decision-log';
import {
  bulkAwareFlags,
  type FamilyThreshold,
  median,
  storedEstimate,
  storedThresholds,
  type TopDefault,
  topDefault,
} from './core/review/family-flags';
import type { ClassFeatureStats } from './core/review/feature-evidence';
import { histogram } from './core/review/geometry';
import { pca2d } from './core/review/pca';
import type { ReviewColumns } from './core/review/table';
import type { SpikeIndex } from './core/scores/shared-values';
import { FAMILY_NAMES, type FamilyName, SCORE_NAMES, type ScoreSet } from './core/scores/types';
import { crossValEpochsFor } from './core/train/defaults';
import type { TrainingDynamics } from './core/train/types';
import { storesFor } from './db';
import type { Distribution, ReviewOpen, ReviewOpened, RunLabel } from './review.api';
import { loadReviewImages, type ReviewImages } from './review-images';

/** An opened review: everything the worker answers from. */
export interface ReviewData {
  stores: Stores;
  meta: DatasetMeta;
  arrays: DatasetArrays;
  /** An image dataset's pixels and class means; null for a CSV dataset. */
  images: ReviewImages | null;
  scoreId: string;
  scoredAt: number;
  set: ScoreSet;
  /** The calibration's report when the suspicion was calibrated, for the manifest. */
  calibration: CalibrationReport | null;
  runId: string | null;
  run: RunLabel | null;
  /** The manifest's `run` field: null when the run is no longer stored. */
  runInfo: Manifest['run'];
  /** The backend the run trained on ('unknown' without the run). */
  runBackend: string;
  dynamics: TrainingDynamics | null;
  sampleRows: Int32Array;
  /** Dataset row → sample index (-1 when the run left the row out). */
  sampleOf: Int32Array;
  cols: ReviewColumns;
  /** rows × 2 per map, NaN where no sample is. */
  pca: Float32Array;
  cartography: Float32Array;
  /** Sorted finite values per score (suspicion included), for percentiles. */
  sorted: Record<string, Float32Array>;
  histograms: Record<string, Distribution>;
  /** Family flags after the bulk rule, in sample order. */
  familyFlags: Record<FamilyName, Uint8Array>;
  thresholds: Record<FamilyName, FamilyThreshold>;
  topDefault: TopDefault;
  /** Neighbours per row in the score set's kNN scores. */
  k: number;
  /** Each feature's header column and whether a one-hot column made it. */
  featureColumns: { sources: Int32Array; oneHot: Uint8Array };
  /** Scored rows per class, and per class the rows of its small activation cluster (activation clustering > 0). */
  classCounts: number[];
  clusterCounts: number[];
  /** Per-class feature statistics, computed on first use. */
  classStats: Map<number, ClassFeatureStats>;
  /** The scored rows' shared values per column (the shared-values score's evidence), computed on first use. */
  sharedSpikes: SpikeIndex | null;
}

function runLabel(run: NonNullable<Awaited<ReturnType<Stores['runs']['getRun']>>>): RunLabel {
  return {
    createdAt: run.createdAt,
    model: `${run.settings.model.toUpperCase()} [${run.settings.hidden.join(', ')}]`,
    epochs: run.epochsDone,
    excluded: run.excludedRows?.length ?? 0,
    retrainOf: run.retrainOf ?? null,
  };
}

/** Why there is nothing to review yet, and which run could be scored now. */
async function nothingToReview(stores: Stores, datasetId: DatasetMeta['id']): Promise<ReviewOpened> {
  const runs = await stores.runs.listForDataset(datasetId);
  const done = runs.find((r) => r.status === 'done' && r.hasDynamics);
  return {
    kind: 'empty',
    message:
      runs.length === 0
        ? 'This dataset has no trained model yet: train one, then score every sample to review the suspects.'
        : done
          ? 'This dataset’s runs are not scored yet: score a run to review its suspects.'
          : 'No run of this dataset finished with its dynamics recorded: train a model to completion, then score it.',
    scorable: done ? { runId: done.id, createdAt: done.createdAt } : null,
    runs: runs.length,
  };
}

/** Each score's and family's distribution: histogram, bulk and (for a family) the flag threshold. */
function distributions(
  set: ScoreSet,
  scores: Record<string, Float32Array>,
  thresholds: Record<FamilyName, FamilyThreshold>,
): { sorted: Record<string, Float32Array>; histograms: Record<string, Distribution> } {
  const histograms: Record<string, Distribution> = {};
  const sorted: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries({ suspicion: set.suspicion, ...scores })) {
    histograms[name] = { ...histogram(values, 40), bulk: median(values), threshold: null };
    sorted[name] = Float32Array.from(Array.from(values).filter(Number.isFinite)).sort();
  }
  for (const f of FAMILY_NAMES) {
    const t = thresholds[f];
    histograms[`family:${f}`] = { ...histogram(set.families[f], 40), bulk: t.bulk, threshold: t.threshold };
  }
  return { sorted, histograms };
}

/** A score set stored before a score existed (shared values came later) gets it as NaN on every row: not computed. */
export function everyScore(set: ScoreSet): ScoreSet {
  const missing = SCORE_NAMES.filter((n) => !set.scores[n]);
  if (missing.length === 0) return set;
  const scores = { ...set.scores };
  for (const n of missing) scores[n] = new Float32Array(set.samples).fill(Number.NaN);
  return { ...set, scores };
}

/** Reads and builds a review, or says why there is none (no finished score set). */
export async function loadReview(
  request: ReviewOpen,
): Promise<{ data: ReviewData; decisions: DecisionState } | { empty: ReviewOpened }> {
  const stores = await storesFor(request.dbName);
  const datasetId = request.datasetId as DatasetMeta['id'];
  const meta = await stores.datasets.getMeta(datasetId);
  // An image dataset's pixels stay uint8 here: the review draws them and never needs them as features.
  const arrays = await stores.datasets.loadArrays(datasetId, { features: false });
  if (!meta || !arrays) throw new Error('That dataset is no longer stored in this browser.');
  const chosen = request.scoreId ? await stores.scores.get(request.scoreId as never) : undefined;
  const record = chosen?.status === 'done' ? chosen : await stores.scores.latestScoreSetForDataset(datasetId);
  const set = record?.scoreSet ? everyScore(record.scoreSet) : undefined;
  if (!record || !set) return { empty: await nothingToReview(stores, datasetId) };
  const run = await stores.runs.getRun(record.runId);
  const dynamics = (await stores.runs.getDynamics(record.runId))?.dynamics ?? null;
  const curves = await stores.runs.getCurves(record.runId);
  const decisions = await stores.decisions.load(datasetId);
  const rows = meta.rows;
  const sampleRows = scoredSampleRows(set.samples, record.sampleRows, dynamics?.sampleRows);
  const sampleOf = new Int32Array(rows).fill(-1);
  for (let j = 0; j < sampleRows.length; j++) sampleOf[sampleRows[j] as number] = j;
  const anomalousRows: number[] = [];
  for (const anomaly of curves?.anomalies ?? []) {
    if ('sampleRows' in anomaly) for (const r of anomaly.sampleRows) anomalousRows.push(r);
  }
  const scores = Object.fromEntries(SCORE_NAMES.map((n) => [n, set.scores[n]]));
  const bulkAware = bulkAwareFlags({
    families: set.families,
    flags: set.flags,
    thresholds: storedThresholds(set),
  });
  const labels = arrays.labels;
  const cols = reviewColumns({
    rows,
    ids: unpackIds(arrays.idText, rows),
    labels,
    sampleRows,
    suggested: set.suggestedLabel,
    suspicion: set.suspicion,
    flags: FAMILY_NAMES.map((f) => bulkAware.flags[f]),
    labelIssue: set.labelIssue,
    anomalousRows,
    scores,
  });
  let pca = new Float32Array(rows * 2).fill(Number.NaN);
  if (dynamics && dynamics.embeddingDim > 0 && dynamics.sampleRows.length === sampleRows.length) {
    const xy = pca2d(dynamics.embeddings, sampleRows.length, dynamics.embeddingDim);
    pca = perRowXY(
      rows,
      sampleRows,
      xy.filter((_, i) => i % 2 === 0),
      xy.filter((_, i) => i % 2 === 1),
    );
  }
  const cartography = perRowXY(rows, sampleRows, set.cartography.variability, set.cartography.confidence);
  const { sorted, histograms } = distributions(set, scores, bulkAware.thresholds);
  const classCounts = new Array<number>(meta.classes.length).fill(0);
  const clusterCounts = new Array<number>(meta.classes.length).fill(0);
  sampleRows.forEach((r, j) => {
    const y = labels[r] as number;
    classCounts[y] = (classCounts[y] ?? 0) + 1;
    if ((set.scores.activationClustering[j] as number) > 0) clusterCounts[y] = (clusterCounts[y] ?? 0) + 1;
  });
  const columns = { header: meta.header, featureNames: meta.featureNames, oneHot: meta.plan.oneHot };
  const sources = featureSources(columns);
  const runInfo = run
    ? {
        id: run.id,
        model: manifestModel(run.settings),
        seed: run.settings.seed,
        epochs: run.epochsDone,
        // The folds' epochs as trained: a record without them used the default (as the headless scan writes it).
        scoring: JSON.parse(
          JSON.stringify({
            ...record.params,
            crossVal: {
              folds: record.crossVal.folds,
              epochs: record.crossVal.epochs ?? crossValEpochsFor(run.settings.epochs),
            },
            labelSource: set.labelSource,
          }),
        ),
      }
    : null;
  return {
    data: {
      stores,
      meta,
      arrays,
      images: await loadReviewImages(stores, meta, arrays),
      scoreId: record.id,
      scoredAt: record.createdAt,
      set,
      calibration: record.calibration ?? null,
      runId: run ? run.id : null,
      run: run ? runLabel(run) : null,
      runInfo,
      runBackend: run?.backend?.backend ?? 'unknown',
      dynamics,
      sampleRows,
      sampleOf,
      cols,
      pca,
      cartography,
      sorted,
      histograms,
      familyFlags: bulkAware.flags,
      thresholds: bulkAware.thresholds,
      topDefault: topDefault(sampleRows.length, set.params.suspicion.q, storedEstimate(record)),
      k: set.params.knn.k,
      featureColumns: { sources, oneHot: oneHotFeatures(columns, sources) },
      classCounts,
      clusterCounts,
      classStats: new Map(),
      sharedSpikes: null,
    },
    decisions,
  };
}
