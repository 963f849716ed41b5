/**
 * The score worker's side of IndexedDB: it reads a stored run's dynamics and its dataset's arrays by id, stores the
 * scoring (its first record, then how it ended, with its score set) and answers the panel with views (summary and
 * named top suspects), so no per-sample array of a scoring crosses to the page.
 */
import type { DatasetMeta } from '../app/db/schema';
import type { DoneScoreRecord, DoneScoreView, ScoreRecord, ScoreView } from '../app/db/score-schema';
import type { Stores } from '../app/db/stores';
import { errorText } from './core/error-text';
import { recombine } from './core/scores/summary';
import type { FamilyName } from './core/scores/types';
import type { TrainingData, TrainSettings } from './core/train/types';
import { storesFor } from './db';
import type { RowNames } from './row-names';
import type {
  ScoreApi,
  ScoreOutcome,
  ScoreProgressCallback,
  ScoreRequest,
  StoredScoreJob,
} from './score.api';
import { doneView, endedScore, suspectRows } from './score-records';

/**
 * The image shape the scoring reads, as the headless scan does: an image dataset's, whatever the model (the
 * calibration's patch and blend canaries and its pixel question read it; an MLP's layers ignore it, model.ts), and a
 * CSV's square rows only when the run trained the CNN on them, which needs the shape. Otherwise none: a CSV's square
 * feature count is then read as images by the canaries only when its values read as pixels (canary/context.ts), as in
 * the scan, and the pixel question is not asked of it (before, the app asked it of every square CSV, the scan of none).
 */
export function scoredImage(
  meta: Pick<DatasetMeta, 'image'> & { images?: unknown },
  model: TrainSettings['model'],
): Pick<TrainingData, 'image'> {
  return meta.image && (meta.images !== undefined || model === 'cnn') ? { image: meta.image } : {};
}

/** What a scoring of `job` needs, read in the worker: the run's dynamics and settings, the dataset's arrays. */
async function scoreRequestOf(stores: Stores, job: StoredScoreJob): Promise<ScoreRequest> {
  const { record } = job;
  const [run, stored, meta, arrays] = await Promise.all([
    stores.runs.getRun(record.runId),
    stores.runs.getDynamics(record.runId),
    stores.datasets.getMeta(record.datasetId),
    stores.runs.loadTrainingArrays(record.datasetId),
  ]);
  if (!run || !stored?.dynamics) throw new Error('This run recorded no dynamics: train it to the end first.');
  if (!meta || !arrays) throw new Error('The dataset is no longer stored in this browser.');
  return {
    jobId: record.id,
    data: {
      features: arrays.features,
      featureCount: meta.featureNames.length,
      labels: arrays.labels,
      classCount: stored.dynamics.classCount,
      ...scoredImage(meta, run.settings.model),
    },
    settings: run.settings,
    dynamics: stored.dynamics,
    params: job.params,
    crossVal: record.crossVal,
    backend: job.backend,
    ...(job.calibration ? { calibration: job.calibration } : {}),
  };
}

/** Views of stored scorings: a finished one with its top suspects named (ids read in the worker, once per dataset). */
export class ScoreViews {
  constructor(private readonly names: RowNames) {}

  async done(dbName: string, record: DoneScoreRecord): Promise<DoneScoreView> {
    const named = await this.names.name({ dbName, datasetId: record.datasetId }, suspectRows(record));
    return doneView(record, named);
  }

  async of(dbName: string, record: ScoreRecord): Promise<ScoreView> {
    return record.status === 'done' ? this.done(dbName, record) : record;
  }

  /** A run's newest scoring (any status) and newest finished one, as the panel shows them. */
  async ofRun(
    dbName: string,
    runId: StoredScoreJob['record']['runId'],
  ): Promise<{ latest: ScoreView | null; done: DoneScoreView | null }> {
    const stores = await storesFor(dbName);
    const all = await stores.scores.listForRun(runId);
    const latest = all[0];
    const done = all.find((r): r is DoneScoreRecord => r.status === 'done');
    return {
      latest: latest ? await this.of(dbName, latest) : null,
      done: done ? await this.done(dbName, done) : null,
    };
  }

  /**
   * New weights or q for a stored score set: its suspicion, families and flags recombined here (the per-sample loop
   * stays in the worker), stored, and its view returned; null when it is no longer stored or not finished.
   */
  async recombined(
    dbName: string,
    id: DoneScoreRecord['id'],
    wanted: { weights: Record<FamilyName, number>; q: number },
  ): Promise<DoneScoreView | null> {
    const stores = await storesFor(dbName);
    const record = await stores.scores.get(id);
    if (record?.status !== 'done') return null;
    const set = record.scoreSet;
    const next = recombine({
      samples: set.samples,
      scores: set.scores,
      labelIssue: set.labelIssue,
      labels: record.labels,
      suspicion: { ...set.params.suspicion, weights: wanted.weights, q: wanted.q },
    });
    const updated = await stores.scores.updateSuspicion(id, next);
    return updated ? this.done(dbName, updated) : null;
  }
}

/**
 * Scores a stored run with `score` (the service's own) and stores the scoring: its first record before anything
 * runs, its ending (done with its score set, cancelled or failed) after. `ScoreApi.scoreStored`. Resolves with the
 * view the page shows; rejects only when the database cannot be written.
 */
export async function scoreStoredJob(
  score: ScoreApi['score'],
  views: ScoreViews,
  job: StoredScoreJob,
  onProgress: ScoreProgressCallback,
): Promise<ScoreView> {
  const stores = await storesFor(job.dbName);
  await stores.scores.saveScoreSet(job.record);
  let outcome: ScoreOutcome;
  let order = { sampleRows: new Int32Array(0), labels: new Int32Array(0) };
  try {
    const request = await scoreRequestOf(stores, job);
    // Copies: the request's arrays may be transferred or consumed by the job.
    order = { sampleRows: request.dynamics.sampleRows.slice(), labels: request.dynamics.labels.slice() };
    outcome = await score(request, onProgress);
  } catch (error) {
    outcome = { kind: 'failed', message: errorText(error) };
  }
  const ended = endedScore(job.record, outcome, order, Date.now());
  await stores.scores.saveScoreSet(ended);
  return views.of(job.dbName, ended);
}
