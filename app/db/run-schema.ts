/**
 * The stored shape of training runs. A run spans three stores so the runs list never reads curves and opening a
 * run's curves never reads its dynamics: `runs` (a small summary), `runCurves` (batch and epoch curves, anomalies),
 * `runDynamics` (the recorded per-sample dynamics and the batch index, written once at the end). Typed arrays are
 * stored as typed arrays (structured clone), never as JSON numbers. The train worker writes all three while it
 * trains (workers/train-store.ts); the page writes a run only to mark it interrupted or failed under a dead worker.
 */
import type { Anomaly, AnomalyThresholds } from '../../workers/core/anomaly/types';
import type { BackendChoice, BackendName } from '../../workers/core/train/backend-choice';
import type { EpochReport } from '../../workers/core/train/trainer';
import type {
  ModelSpec,
  Standardization,
  TrainingDynamics,
  TrainSettings,
} from '../../workers/core/train/types';
import type { DatasetId, RunId } from './ids';

export type { RunId };

/** An anomaly as the run raised it, stamped with the run's training time then (pauses excluded), in ms. */
export type RunAnomaly = Anomaly & { elapsedMs: number };

/**
 * Where the batches of a run came from: per epoch the shuffled order of the training rows, of which each batch is
 * a contiguous slice (see `batchSampleRows` in workers/batch-index.ts). Answers "which samples were in batch b".
 */
export interface BatchIndex {
  /** N: training rows per epoch. */
  samples: number;
  /** Epochs whose order is recorded (completed or started). */
  epochs: number;
  stepsPerEpoch: number;
  /** Steps whose rows are recorded: 0..steps-1 (a stopped run's last epoch is partly recorded). */
  steps: number;
  /** epochs × N dataset rows, epoch-major: row of the i-th position of epoch e at [e * N + i]. */
  order: Int32Array;
}

/** The end-of-epoch figures of a run's last finished epoch. */
export interface RunFinal {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
}

/** What every run record holds, whatever its status. */
interface RunFields {
  id: RunId;
  datasetId: DatasetId;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  settings: TrainSettings;
  thresholds: AnomalyThresholds;
  /** The backend it trained on and why; null until the worker has chosen. */
  backend: BackendChoice | null;
  trainRows: number;
  valRows: number;
  totalSteps: number;
  stepsPerEpoch: number;
  stepsDone: number;
  epochsDone: number;
  /** Training time, pauses excluded, in ms. */
  elapsedMs: number;
  final: RunFinal | null;
  anomalyCount: number;
  /** Dataset rows the run left out entirely (retrain on clean), sorted; absent or empty when it used every row. */
  excludedRows?: Int32Array;
  /** The run whose settings it retrained without `excludedRows`. */
  retrainOf?: RunId;
}

/** A run some tab is training (or was, when it closed: found at start-up and marked interrupted). */
export interface LiveRunRecord extends RunFields {
  status: 'running' | 'paused';
  message: null;
  hasDynamics: false;
}

/** A run that trained every epoch: its backend, last epoch and dynamics (in `runDynamics`) are always there. */
export interface DoneRunRecord extends RunFields {
  status: 'done';
  message: null;
  backend: BackendChoice;
  final: RunFinal;
  /** `runDynamics` holds this run's recorded dynamics. */
  hasDynamics: true;
}

/** A run stopped before its end: cancelled, or failed (a non-finite value, an error, or its worker died). */
export interface StoppedRunRecord extends RunFields {
  status: 'cancelled' | 'failed';
  /** Why, for people. */
  message: string;
  /** Whether `runDynamics` holds the epochs it finished (none when it stopped inside the first). */
  hasDynamics: boolean;
  /**
   * Set when the run failed because its worker died under it (crash, out of memory, lost WebGPU device): the backend
   * it was on (null: not chosen yet), so the UI can offer a retry on another.
   */
  crash?: { backend: BackendName | null };
}

/** A run that was training when its tab closed or reloaded; its curves up to the last write are kept, no dynamics. */
export interface InterruptedRunRecord extends RunFields {
  status: 'interrupted';
  message: string;
  hasDynamics: false;
}

/** A run's summary, what lists show: a union on `status`, so a done run always has its backend, last epoch and dynamics. */
export type RunRecord = LiveRunRecord | DoneRunRecord | StoppedRunRecord | InterruptedRunRecord;

/** Where a run stands. */
export type RunStatus = RunRecord['status'];

/** What a run is started with: the first record's own fields (the rest start at zero). */
export interface RunStart {
  id: RunId;
  datasetId: DatasetId;
  settings: TrainSettings;
  thresholds: AnomalyThresholds;
  /** Dataset rows a retrain leaves out (non-empty), and the run it repeats. */
  excludedRows?: Int32Array;
  retrainOf?: RunId;
}

/** A run's first record, before its worker has chosen a backend or split the rows. */
export function firstRunRecord(start: RunStart, now: number): LiveRunRecord {
  const { excludedRows, retrainOf, ...fields } = start;
  return {
    ...fields,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    message: null,
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
    ...(excludedRows?.length ? { excludedRows } : {}),
    ...(retrainOf ? { retrainOf } : {}),
  };
}

/** `record` as failed with `message` (`crash`: its worker died, on this backend); it keeps its counts and dynamics. */
export function failedRun(
  record: RunRecord,
  message: string,
  now: number,
  crash?: StoppedRunRecord['crash'],
): StoppedRunRecord {
  return { ...record, status: 'failed', message, updatedAt: now, ...(crash ? { crash } : {}) };
}

/** A run's curves. Batch arrays hold `steps` points each (step i at index i). */
export interface RunCurvesRecord {
  id: RunId;
  steps: number;
  loss: Float32Array;
  gradNorm: Float32Array;
  epochs: EpochReport[];
  anomalies: RunAnomaly[];
}

/** What a finished (or cancelled, or stopped) run recorded for scoring. */
export interface RunDynamicsRecord {
  id: RunId;
  /** Null when no epoch finished (records written before a run without epochs stored none). */
  dynamics: TrainingDynamics | null;
  batchIndex: BatchIndex;
  trainRows: Int32Array;
  valRows: Int32Array;
  modelSpec: ModelSpec;
  standardization: Standardization;
}

/** A dynamics record with dynamics: what a done run is stored with. */
export type RecordedDynamics = RunDynamicsRecord & { dynamics: TrainingDynamics };

/** What an ended run is stored as: a done run always with its dynamics, a stopped one with those it recorded, if any. */
export type EndedRun =
  | { record: DoneRunRecord; curves: RunCurvesRecord; dynamics: RecordedDynamics }
  | { record: StoppedRunRecord; curves: RunCurvesRecord; dynamics: RecordedDynamics | null };

/** The run stores a dataset owns: deleting the dataset deletes its runs from all of them. */
export const RUN_STORES = ['runs', 'runCurves', 'runDynamics'] as const;
