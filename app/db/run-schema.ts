/**
 * The stored shape of training runs. A run spans three stores so the runs list never reads curves and opening a
 * run's curves never reads its dynamics: `runs` (a small summary), `runCurves` (batch and epoch curves, anomalies),
 * `runDynamics` (the recorded per-sample dynamics and the batch index, written once at the end). Typed arrays are
 * stored as typed arrays (structured clone), never as JSON numbers.
 */
import type { AnomalyThresholds } from '../../workers/core/anomaly/types';
import type { BackendChoice, BackendName } from '../../workers/core/train/backend-choice';
import type { EpochReport } from '../../workers/core/train/trainer';
import type {
  ModelSpec,
  Standardization,
  TrainingDynamics,
  TrainSettings,
} from '../../workers/core/train/types';
import type { BatchIndex, RunAnomaly, RunId } from '../../workers/train.api';
import type { DatasetId } from './ids';

export type { RunId };

/**
 * Where a run stands. `interrupted`: it was running or paused when its tab closed or reloaded (found at start-up);
 * its curves up to the last write are kept, its dynamics are not.
 */
export type RunStatus = 'running' | 'paused' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** The end-of-epoch figures of a run's last finished epoch. */
export interface RunFinal {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
}

/** A run's summary: what lists show. */
export interface RunRecord {
  id: RunId;
  datasetId: DatasetId;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  /** Why it failed or stopped, for people; null otherwise. */
  message: string | null;
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
  /** Whether `runDynamics` holds this run's recorded dynamics. */
  hasDynamics: boolean;
  /** Dataset rows the run left out entirely (retrain on clean), sorted; absent or empty when it used every row. */
  excludedRows?: Int32Array;
  /** The run whose settings it retrained without `excludedRows`. */
  retrainOf?: RunId;
  /**
   * Set when the run failed because its worker died under it (crash, out of memory, lost WebGPU device): the backend
   * it was on (null: not chosen yet), so the UI can offer a retry on another.
   */
  crash?: { backend: BackendName | null };
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
  /** Null when no epoch finished. */
  dynamics: TrainingDynamics | null;
  batchIndex: BatchIndex;
  trainRows: Int32Array;
  valRows: Int32Array;
  modelSpec: ModelSpec;
  standardization: Standardization;
}

/** The run stores a dataset owns: deleting the dataset deletes its runs from all of them. */
export const RUN_STORES = ['runs', 'runCurves', 'runDynamics'] as const;
