/**
 * The run this tab trains, as the page shows it: its latest stored record (the train worker stores the run and says
 * so) and its curve buffers (appended from the worker's messages), and the run's first record. No worker, no database.
 */
import type { AnomalyThresholds } from '../../../workers/core/anomaly/types';
import type { ValAccuracy } from '../../../workers/core/train/accuracy';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import { CurveBuffer } from '../../../workers/core/train/curve-buffer';
import type { TrainSettings } from '../../../workers/core/train/types';
import type { RunAnomaly, RunId, TrainMessage } from '../../../workers/train.api';
import {
  firstRunRecord,
  type LiveRunRecord,
  type RunCurvesRecord,
  type RunRecord,
} from '../../db/run-schema';
import type { DatasetMeta } from '../../db/schema';
import type { CurveData } from '../../state/run-slice';

/** Curves of a stored run for the charts. */
export function curveDataOf(record: RunRecord, curves: RunCurvesRecord, classNames: string[]): CurveData {
  return {
    runId: record.id,
    steps: curves.steps,
    totalSteps: Math.max(record.totalSteps, curves.steps),
    stepsPerEpoch: record.stepsPerEpoch,
    loss: curves.loss,
    gradNorm: curves.gradNorm,
    epochs: curves.epochs,
    anomalies: curves.anomalies,
    classNames,
  };
}

/** The mutable side of the run this tab trains: its record as last stored, and its curves as they arrive. */
export class RunSession {
  private readonly buffer = new CurveBuffer<RunAnomaly>();
  curves: CurveData;
  lastPublished = Number.NEGATIVE_INFINITY;
  /** Set once its outcome is in: messages still on their way are older and are dropped. */
  ended = false;
  readonly done: Promise<void>;
  finish: () => void = () => undefined;

  constructor(
    public record: RunRecord,
    readonly classNames: string[],
  ) {
    this.curves = curveDataOf(
      record,
      {
        id: record.id,
        steps: 0,
        loss: this.buffer.loss,
        gradNorm: this.buffer.gradNorm,
        epochs: [],
        anomalies: [],
      },
      classNames,
    );
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** The worker chose its backend and split: the buffers take the run's batches. */
  started(message: Extract<TrainMessage, { kind: 'started' }>): void {
    this.buffer.plan(message.totalSteps);
    this.curves = {
      ...this.curves,
      totalSteps: message.totalSteps,
      stepsPerEpoch: message.stepsPerEpoch,
      loss: this.buffer.loss,
      gradNorm: this.buffer.gradNorm,
    };
  }

  /** Appends a progress message's points. */
  append(message: Extract<TrainMessage, { kind: 'progress' }>): void {
    this.buffer.append(message.batches, message.epochs, message.anomalies);
    this.curves = {
      ...this.curves,
      steps: this.buffer.steps,
      epochs: this.buffer.epochs,
      anomalies: this.buffer.anomalies,
    };
  }
}

/** What a run may be asked beyond its settings. */
export interface StartOptions {
  /** Dataset rows to leave out entirely (retrain on clean). */
  excludeRows?: Int32Array;
  /** The run whose settings this one repeats without `excludeRows`. */
  retrainOf?: RunId;
  /** Forces this run's backend (a retry after a worker died), leaving the saved backend setting as it is. */
  backend?: BackendName;
}

/** The first record of a run this tab starts (the train worker stores it, then every later state). */
export function newRunRecord(
  meta: DatasetMeta,
  runId: RunId,
  settings: TrainSettings,
  thresholds: AnomalyThresholds,
  options: StartOptions,
): LiveRunRecord {
  return firstRunRecord(
    {
      id: runId,
      datasetId: meta.id,
      settings,
      thresholds,
      // A copy: the record keeps its own.
      ...(options.excludeRows?.length ? { excludedRows: options.excludeRows.slice() } : {}),
      ...(options.retrainOf ? { retrainOf: options.retrainOf } : {}),
    },
    Date.now(),
  );
}

/** One side of a before/after comparison. */
export interface ComparedRun {
  record: RunRecord;
  curves: CurveData;
  /** Null when the run recorded no dynamics. */
  accuracy: ValAccuracy | null;
}
