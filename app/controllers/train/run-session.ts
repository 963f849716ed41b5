/**
 * The run this tab trains, as records: its summary and curve buffers while it runs (appended from the worker's
 * messages), its first record, and the records a finished run is stored as. No worker, no database.
 */
import type { AnomalyThresholds } from '../../../workers/core/anomaly/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { TrainSettings } from '../../../workers/core/train/types';
import type { RunId, TrainMessage, TrainResult } from '../../../workers/train.api';
import type { RunCurvesRecord, RunDynamicsRecord, RunRecord, RunStatus } from '../../db/run-schema';
import type { RunStore } from '../../db/runs';
import type { DatasetMeta } from '../../db/schema';
import type { CurveData } from '../../state/run-slice';
import { type ValAccuracy, valAccuracy } from './compare';

/** The stored status of a finished worker run. */
function statusOf(result: TrainResult): RunStatus {
  switch (result.status) {
    case 'completed':
      return 'done';
    case 'cancelled':
      return 'cancelled';
    case 'non-finite':
      return 'failed';
    default:
      return result.status satisfies never;
  }
}

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

/** The mutable side of the run this tab trains: its record and curve buffers. */
export class RunSession {
  loss = new Float32Array(0);
  gradNorm = new Float32Array(0);
  steps = 0;
  curves: CurveData;
  lastSaved = 0;
  lastPublished = Number.NEGATIVE_INFINITY;
  readonly done: Promise<void>;
  finish: () => void = () => undefined;

  constructor(
    public record: RunRecord,
    readonly classNames: string[],
  ) {
    this.curves = curveDataOf(
      record,
      { id: record.id, steps: 0, loss: this.loss, gradNorm: this.gradNorm, epochs: [], anomalies: [] },
      classNames,
    );
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** The worker chose its backend and split: the record says so and the buffers take the run's batches. */
  started(message: Extract<TrainMessage, { kind: 'started' }>): void {
    this.record = {
      ...this.record,
      backend: message.backend,
      trainRows: message.trainRows,
      valRows: message.valRows,
      totalSteps: message.totalSteps,
      stepsPerEpoch: message.stepsPerEpoch,
      updatedAt: Date.now(),
    };
    this.plan(message.totalSteps, message.stepsPerEpoch);
  }

  /** The run failed (`crash`: its worker died, on this backend). */
  failed(message: string, crash?: RunRecord['crash']): void {
    this.record = {
      ...this.record,
      status: 'failed',
      message,
      updatedAt: Date.now(),
      ...(crash ? { crash } : {}),
    };
  }

  /** Sizes the buffers once the worker has said how many batches the run has. */
  plan(totalSteps: number, stepsPerEpoch: number): void {
    this.loss = new Float32Array(totalSteps);
    this.gradNorm = new Float32Array(totalSteps);
    this.curves = { ...this.curves, totalSteps, stepsPerEpoch, loss: this.loss, gradNorm: this.gradNorm };
  }

  /** Appends a progress message's points; returns whether an epoch finished in it. */
  append(message: Extract<TrainMessage, { kind: 'progress' }>): boolean {
    const { steps, loss, gradNorm } = message.batches;
    for (let k = 0; k < steps.length; k++) {
      // Points arrive in step order; indexing by step keeps a lost message from shifting later ones.
      const s = steps[k] as number;
      if (s < this.loss.length) {
        this.loss[s] = loss[k] as number;
        this.gradNorm[s] = gradNorm[k] as number;
        this.steps = Math.max(this.steps, s + 1);
      }
    }
    this.curves = {
      ...this.curves,
      steps: this.steps,
      epochs: message.epochs.length ? [...this.curves.epochs, ...message.epochs] : this.curves.epochs,
      anomalies: message.anomalies.length
        ? [...this.curves.anomalies, ...message.anomalies]
        : this.curves.anomalies,
    };
    const last = this.curves.epochs[this.curves.epochs.length - 1];
    this.record = {
      ...this.record,
      updatedAt: Date.now(),
      stepsDone: message.progress.stepsDone,
      epochsDone: this.curves.epochs.length,
      elapsedMs: message.progress.elapsedMs,
      anomalyCount: this.curves.anomalies.length,
      final: last
        ? {
            epoch: last.epoch,
            trainLoss: last.trainLoss,
            trainAccuracy: last.trainAccuracy,
            valLoss: last.valLoss,
            valAccuracy: last.valAccuracy,
          }
        : null,
    };
    return message.epochs.length > 0;
  }

  /** The curves as stored: copies trimmed to the points recorded (a view would store the whole buffer). */
  curvesRecord(): RunCurvesRecord {
    return {
      id: this.record.id,
      steps: this.steps,
      loss: this.loss.slice(0, this.steps),
      gradNorm: this.gradNorm.slice(0, this.steps),
      epochs: this.curves.epochs,
      anomalies: this.curves.anomalies,
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

/** The first record of a run this tab starts. */
export function newRunRecord(
  meta: DatasetMeta,
  runId: RunId,
  settings: TrainSettings,
  thresholds: AnomalyThresholds,
  options: StartOptions,
): RunRecord {
  const now = Date.now();
  return {
    id: runId,
    datasetId: meta.id,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    message: null,
    settings,
    thresholds,
    backend: null,
    trainRows: 0,
    valRows: 0,
    totalSteps: 0,
    stepsPerEpoch: 0,
    stepsDone: 0,
    epochsDone: 0,
    elapsedMs: 0,
    final: null,
    anomalyCount: 0,
    hasDynamics: false,
    ...(options.excludeRows?.length ? { excludedRows: options.excludeRows.slice() } : {}),
    ...(options.retrainOf ? { retrainOf: options.retrainOf } : {}),
  };
}

/** The records a finished worker run is stored as: its summary, its curves and its dynamics. */
export function finishedRecords(
  session: RunSession,
  result: TrainResult,
): { record: RunRecord; curves: RunCurvesRecord; dynamics: RunDynamicsRecord } {
  // The final result carries every point, even those of a progress message still in flight: it is the truth.
  const last = result.epochs[result.epochs.length - 1];
  const record: RunRecord = {
    ...session.record,
    status: statusOf(result),
    message: result.message ?? (result.status === 'cancelled' ? 'Cancelled.' : null),
    backend: result.backend,
    updatedAt: Date.now(),
    stepsDone: result.batches.loss.length,
    epochsDone: result.epochs.length,
    elapsedMs: result.elapsedMs,
    anomalyCount: result.anomalies.length,
    hasDynamics: result.dynamics !== null,
    // The worker's list is the truth: sorted, distinct, within the dataset.
    ...(result.excludedRows.length ? { excludedRows: result.excludedRows } : {}),
    final: last
      ? {
          epoch: last.epoch,
          trainLoss: last.trainLoss,
          trainAccuracy: last.trainAccuracy,
          valLoss: last.valLoss,
          valAccuracy: last.valAccuracy,
        }
      : null,
  };
  const curves: RunCurvesRecord = {
    id: result.runId,
    steps: result.batches.loss.length,
    loss: result.batches.loss,
    gradNorm: result.batches.gradNorm,
    epochs: result.epochs,
    anomalies: result.anomalies,
  };
  const dynamics: RunDynamicsRecord = {
    id: result.runId,
    dynamics: result.dynamics,
    batchIndex: result.batchIndex,
    trainRows: result.trainRows,
    valRows: result.valRows,
    modelSpec: result.modelSpec,
    standardization: result.standardization,
  };
  return { record, curves, dynamics };
}

/** One side of a before/after comparison. */
export interface ComparedRun {
  record: RunRecord;
  curves: CurveData;
  /** Null when the run recorded no dynamics. */
  accuracy: ValAccuracy | null;
}

/** A stored run's record, curves and validation accuracy per class, for a before/after comparison. */
export async function comparedRunOf(db: RunStore, id: RunId, classNames: string[]): Promise<ComparedRun> {
  const [record, curves, dynamics] = await Promise.all([db.getRun(id), db.getCurves(id), db.getDynamics(id)]);
  if (!record || !curves) throw new Error('That run is no longer stored in this browser.');
  return {
    record,
    curves: curveDataOf(record, curves, classNames),
    accuracy: dynamics?.dynamics ? valAccuracy(dynamics.dynamics) : null,
  };
}
