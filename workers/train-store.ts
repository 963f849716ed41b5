/**
 * The train worker's side of IndexedDB: it reads a stored dataset for a run and stores the run as it trains, with
 * no round trip through the page. The record and curves are written when the run starts, at most every
 * `saveEveryMs` while it trains, at each epoch's end and on each pause or resume; the dynamics, embeddings and
 * checkpoints with the final record when it ends. Writes are chained, so a late periodic write never lands after
 * the final one; each stored record is handed to `onSaved` (the page shows it).
 */
import type { DatasetId } from '../app/db/ids';
import type { LiveRunRecord, RunAnomaly, RunCurvesRecord, RunRecord } from '../app/db/run-schema';
import type { RunStore } from '../app/db/runs';
import type { Stores } from '../app/db/stores';
import { errorText } from './core/error-text';
import { type ValAccuracy, valAccuracy } from './core/train/accuracy';
import { CurveBuffer } from './core/train/curve-buffer';
import type { TrainingData } from './core/train/types';
import { storesFor } from './db';
import { finishedRun, progressedRun, startedRun } from './run-records';
import type {
  RunId,
  StoredRunJob,
  StoredRunMessage,
  StoredRunOutcome,
  TrainApi,
  TrainMessage,
  TrainOutcome,
} from './train.api';

/** How often a training run's curves are written at most (besides every epoch's end and every hold), in ms. */
export const SAVE_EVERY_MS = 2000;

/** A stored dataset as a run trains on it: its arrays (read in the worker) and the class names. */
export async function trainingDataOf(
  stores: Stores,
  record: LiveRunRecord,
): Promise<{ data: TrainingData; classNames: string[] }> {
  const id: DatasetId = record.datasetId;
  const [meta, arrays] = await Promise.all([stores.datasets.getMeta(id), stores.runs.loadTrainingArrays(id)]);
  if (!meta || !arrays) throw new Error('The dataset is no longer stored in this browser.');
  return {
    data: {
      features: arrays.features,
      featureCount: meta.featureNames.length,
      labels: arrays.labels,
      classCount: meta.classes.length,
      ...(record.settings.model === 'cnn' && meta.image ? { image: meta.image } : {}),
    },
    classNames: meta.classes,
  };
}

/** Stores one run as its messages arrive and when it ends. */
export class RunWriter {
  private record: LiveRunRecord;
  private readonly curves = new CurveBuffer<RunAnomaly>();
  private writes: Promise<void> = Promise.resolve();
  private lastSaved = Number.NEGATIVE_INFINITY;
  /** The first write that failed, for people; the run goes on (its curves are on screen) and says so at the end. */
  private failure: string | null = null;

  constructor(
    private readonly runs: RunStore,
    first: LiveRunRecord,
    private readonly onSaved: (record: RunRecord) => void,
    private readonly saveEveryMs = SAVE_EVERY_MS,
  ) {
    this.record = first;
  }

  /** Writes the run's first record; resolves once it is stored. */
  begin(): Promise<void> {
    this.save();
    return this.writes;
  }

  /** Takes one of the run's messages (the same the page gets), and writes when it is time to. */
  message(message: TrainMessage): void {
    const now = Date.now();
    switch (message.kind) {
      case 'started':
        this.record = startedRun(this.record, message, now);
        this.curves.plan(message.totalSteps);
        this.save();
        return;
      case 'progress': {
        const epochEnded = this.curves.append(message.batches, message.epochs, message.anomalies);
        const held = (this.record.status === 'paused') !== message.progress.paused;
        this.record = progressedRun(
          this.record,
          message.progress,
          {
            epochs: this.curves.epochs.length,
            anomalies: this.curves.anomalies.length,
            last: this.curves.lastEpoch(),
          },
          now,
        );
        if (epochEnded || held || performance.now() - this.lastSaved >= this.saveEveryMs) this.save();
        return;
      }
      default:
        message satisfies never;
    }
  }

  /**
   * Stores how the run ended (its final record, curves and dynamics in one transaction, or the failure) once every
   * earlier write is done; resolves with the stored record and curves. Throws when the final write fails.
   */
  async end(
    outcome: TrainOutcome,
  ): Promise<{ record: RunRecord; curves: RunCurvesRecord; storeError: string | null }> {
    await this.writes;
    const now = Date.now();
    if (outcome.kind === 'failed') {
      const curves = this.curvesRecord();
      const record = { ...this.record, status: 'failed' as const, message: outcome.message, updatedAt: now };
      await this.runs.saveFinal({ record, curves, dynamics: null });
      this.onSaved(record);
      return { record, curves, storeError: this.failure };
    }
    const finished = finishedRun(this.record, outcome.result, now);
    await this.runs.saveFinal(finished);
    this.onSaved(finished.record);
    return { record: finished.record, curves: finished.curves, storeError: this.failure };
  }

  private curvesRecord(): RunCurvesRecord {
    return { id: this.record.id, ...this.curves.snapshot() };
  }

  private save(): void {
    this.lastSaved = performance.now();
    const record = this.record;
    const curves = this.curvesRecord();
    this.writes = this.writes.then(async () => {
      try {
        await this.runs.saveProgress(record, curves);
        this.onSaved(record);
      } catch (error) {
        this.failure ??= `Could not store the run in this browser: ${errorText(error)}`;
      }
    });
  }
}

/** Trains a stored dataset's run with `start` (the service's own) and stores it as it goes: `TrainApi.trainStored`. */
export async function trainStoredRun(
  start: TrainApi['start'],
  job: StoredRunJob,
  onMessage: (message: StoredRunMessage) => void,
): Promise<StoredRunOutcome> {
  const first = job.record;
  const stores = await storesFor(job.dbName);
  const writer = new RunWriter(stores.runs, first, (record) =>
    onMessage({ kind: 'saved', runId: record.id, record }),
  );
  let outcome: TrainOutcome;
  try {
    await writer.begin();
    const { data, classNames } = await trainingDataOf(stores, first);
    outcome = await start(
      {
        runId: first.id,
        data,
        settings: first.settings,
        thresholds: first.thresholds,
        classNames,
        backend: job.backend,
        ...(first.excludedRows?.length ? { excludeRows: first.excludedRows } : {}),
      },
      (message) => {
        // The writer copies what it keeps first: the page's copy of the points may be transferred away.
        writer.message(message);
        onMessage(message);
      },
    );
  } catch (error) {
    outcome = { kind: 'failed', message: errorText(error) };
  }
  const tensors = outcome.kind === 'finished' ? outcome.result.tensors : null;
  try {
    return { ...(await writer.end(outcome)), tensors };
  } catch (error) {
    // The final write failed: the page is told how the run ended all the same, and that it is not stored.
    const message = `Could not store the run in this browser: ${errorText(error)}`;
    const record = { ...first, status: 'failed' as const, message, updatedAt: Date.now() };
    const curves: RunCurvesRecord = {
      id: first.id,
      steps: 0,
      loss: new Float32Array(0),
      gradNorm: new Float32Array(0),
      epochs: [],
      anomalies: [],
    };
    return { record, curves, tensors, storeError: message };
  }
}

/** Validation accuracy at a stored run's last epoch, read from its dynamics in the worker; null without them. */
export async function storedValAccuracy(dbName: string, runId: RunId): Promise<ValAccuracy | null> {
  const stored = await (await storesFor(dbName)).runs.getDynamics(runId);
  return stored?.dynamics ? valAccuracy(stored.dynamics) : null;
}
