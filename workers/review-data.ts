/**
 * What the review worker reads from IndexedDB to open a review, and the columns it builds from it: the dataset's
 * arrays, the score set, the run's dynamics and curves, and the dataset's decisions. Opened here, in the worker:
 * none of it crosses to the page.
 */
import type { DatasetArrays, DatasetMeta } from '../app/db/schema';
import type { Stores } from '../app/db/stores';
import { unpackIds } from './core/ingest/ids';
import { manifestModel } from './core/manifest/build';
import type { Manifest } from './core/manifest/types';
import { perRowXY, reviewColumns, scoredSampleRows } from './core/review/columns';
import type { DecisionState } from './core/review/decision-log';
import { histogram, topQuantileThreshold } from './core/review/geometry';
import { pca2d } from './core/review/pca';
import type { ReviewColumns } from './core/review/table';
import { FAMILY_NAMES, SCORE_NAMES, type ScoreSet } from './core/scores/types';
import { crossValEpochsFor } from './core/train/defaults';
import type { TrainingDynamics } from './core/train/types';
import { storesFor } from './db';
import type { ReviewOpen, ReviewSummary } from './review.api';
import { loadReviewImages, type ReviewImages } from './review-images';

/** An opened review: everything the worker answers from. */
export interface ReviewData {
  stores: Stores;
  meta: DatasetMeta;
  arrays: DatasetArrays;
  /** An image dataset's pixels and class means; null for a CSV dataset. */
  images: ReviewImages | null;
  scoreId: string;
  set: ScoreSet;
  runId: string | null;
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
  histograms: ReviewSummary['histograms'];
}

/** Reads and builds a review; null (with why) when the dataset has no finished score set. */
export async function loadReview(
  request: ReviewOpen,
): Promise<{ data: ReviewData; decisions: DecisionState } | { empty: string }> {
  const stores = await storesFor(request.dbName);
  const datasetId = request.datasetId as DatasetMeta['id'];
  const meta = await stores.datasets.getMeta(datasetId);
  // An image dataset's pixels stay uint8 here: the review draws them and never needs them as features.
  const arrays = await stores.datasets.loadArrays(datasetId, { features: false });
  if (!meta || !arrays) throw new Error('That dataset is no longer stored in this browser.');
  const chosen = request.scoreId ? await stores.scores.get(request.scoreId as never) : undefined;
  const record = chosen?.scoreSet ? chosen : await stores.scores.latestScoreSetForDataset(datasetId);
  const set = record?.scoreSet;
  if (!record || !set)
    return { empty: 'Train a model and score this dataset first: there is nothing to review yet.' };
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
  const cols = reviewColumns({
    rows,
    ids: unpackIds(arrays.idText, rows),
    labels: arrays.labels,
    sampleRows,
    suggested: set.suggestedLabel,
    suspicion: set.suspicion,
    flags: FAMILY_NAMES.map((f) => set.flags[f]),
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
  const histograms: ReviewSummary['histograms'] = {};
  const sorted: Record<string, Float32Array> = {};
  const q = set.params.suspicion.q;
  for (const [name, values] of Object.entries({ suspicion: set.suspicion, ...scores })) {
    histograms[name] = { ...histogram(values, 40), threshold: topQuantileThreshold(values, q) };
    sorted[name] = Float32Array.from(Array.from(values).filter(Number.isFinite)).sort();
  }
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
      set,
      runId: run ? run.id : null,
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
    },
    decisions,
  };
}
