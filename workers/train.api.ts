/**
 * The typed contract of the train worker. The app depends on `TrainApi` only: it never sees the `Worker`, and the
 * Vitest contract test drives the same service in-process (workers/train.service.test.ts).
 * One worker trains one run at a time; every call names its run, and calls about another run are ignored.
 */
import type { DatasetId } from '../app/db/ids';
import type {
  BatchIndex,
  LiveRunRecord,
  RunAnomaly,
  RunCurvesRecord,
  RunId,
  RunRecord,
} from '../app/db/run-schema';
import type { AnomalyThresholds } from './core/anomaly/types';
import type { ValAccuracy } from './core/train/accuracy';
import type { BackendChoice, BackendName, BackendProbe } from './core/train/backend-choice';
import type { EpochReport } from './core/train/trainer';
import type {
  ModelSpec,
  Standardization,
  TrainingData,
  TrainingDynamics,
  TrainSettings,
} from './core/train/types';

export type { BatchIndex, RunAnomaly, RunId };

/** How the worker picks its backend: the cached probe results and the user's forced backend, if any. */
export interface BackendRequest {
  probes: BackendProbe[];
  override: BackendName | null;
  /** WASM's thread count instead of the rule's (benchmarks, tests), if WASM has not started in the worker yet. */
  wasmThreads?: number;
}

/** What to train. `data`'s arrays are transferred to the worker (the caller loses them). */
export interface TrainRequest {
  runId: RunId;
  data: TrainingData;
  settings: TrainSettings;
  /** Overrides of DEFAULT_ANOMALY_THRESHOLDS. */
  thresholds: Partial<AnomalyThresholds>;
  /** Class names for anomaly messages, by class code. */
  classNames: string[];
  backend: BackendRequest;
  /**
   * Dataset rows left out entirely (retrain on clean): neither trained, validated nor recorded. Every row number
   * in the result (batches, dynamics, anomalies, splits) stays a dataset row number.
   */
  excludeRows?: Int32Array;
}

/** Batch curve points, one entry per optimisation step. */
export interface BatchPoints {
  /** Global step (0-based). */
  steps: Int32Array;
  loss: Float32Array;
  gradNorm: Float32Array;
}

/** Where a run is. Counts are of finished work. */
export interface RunProgress {
  /** 0-based epoch being trained. */
  epoch: number;
  /** Batches finished in that epoch. */
  batch: number;
  /** Batches finished in the whole run. */
  stepsDone: number;
  totalSteps: number;
  stepsPerEpoch: number;
  /** Training throughput of the current epoch, rows per second. */
  samplesPerSecond: number;
  /** Training time so far, pauses excluded, in ms. */
  elapsedMs: number;
  /** Estimated time left at the pace so far (eval passes included), in ms; NaN before the first batch. */
  etaMs: number;
  paused: boolean;
}

/** Messages of a running run, sent at most about ten times a second (epoch ends and state changes included). */
export type TrainMessage =
  | {
      kind: 'started';
      runId: RunId;
      backend: BackendChoice;
      trainRows: number;
      valRows: number;
      totalSteps: number;
      stepsPerEpoch: number;
    }
  | {
      kind: 'progress';
      runId: RunId;
      /** The batch points since the previous message (transferred). */
      batches: BatchPoints;
      /** Epochs finished since the previous message. */
      epochs: EpochReport[];
      /** Anomalies raised since the previous message. */
      anomalies: RunAnomaly[];
      progress: RunProgress;
    };

export type TrainMessageCallback = (message: TrainMessage) => void;

/** Everything a finished, cancelled or stopped run produced; typed arrays are transferred. */
export interface TrainResult {
  runId: RunId;
  /** 'non-finite': stopped on a NaN or infinite loss, gradient or weight; `message` says where. */
  status: 'completed' | 'cancelled' | 'non-finite';
  message: string | null;
  backend: BackendChoice;
  settings: TrainSettings;
  /** The completed epochs' dynamics; null when no epoch finished. */
  dynamics: TrainingDynamics | null;
  epochs: EpochReport[];
  anomalies: RunAnomaly[];
  /** Every batch point of the run. */
  batches: BatchPoints;
  batchIndex: BatchIndex;
  trainRows: Int32Array;
  valRows: Int32Array;
  /** The dataset rows the run left out (sorted, distinct); empty when it trained on every row. */
  excludedRows: Int32Array;
  modelSpec: ModelSpec;
  standardization: Standardization;
  /** Training time, pauses excluded, in ms. */
  elapsedMs: number;
  /** Live tensors in the worker before the run started and after it ended (equal unless something leaked). */
  tensors: { before: number; after: number };
}

/** How a start ends. Errors cross as data: comlink serialises thrown errors poorly. */
export type TrainOutcome = { kind: 'finished'; result: TrainResult } | { kind: 'failed'; message: string };

/** Which database a stored job reads and writes (the app's `sift`; tests pass their own). */
export interface StoredDataset {
  dbName: string;
  datasetId: DatasetId;
}

/**
 * A run of a stored dataset, stored by the worker: it reads the dataset's arrays from IndexedDB by id and writes the
 * run's record, curves, dynamics, embeddings and checkpoints there itself; nothing per-sample crosses to the page.
 */
export interface StoredRunJob {
  dbName: string;
  /**
   * The run's first record, as the page shows it: its dataset, settings, thresholds, and for a retrain the rows it
   * leaves out and the run it repeats. The worker stores it, then every later state of the run.
   */
  record: LiveRunRecord;
  backend: BackendRequest;
}

/** A stored run's messages: the run's own, and each record the worker has just stored (what lists show). */
export type StoredRunMessage = TrainMessage | { kind: 'saved'; runId: RunId; record: RunRecord };

/**
 * How a stored run ended, as stored: its final record (done, cancelled or failed, with the reason) and its curves
 * (every point, even those of a progress message still on its way). `storeError`: a write during the run failed.
 */
export interface StoredRunOutcome {
  record: RunRecord;
  curves: RunCurvesRecord;
  /** Live tensors before and after the run; null when it failed before training. */
  tensors: { before: number; after: number } | null;
  storeError: string | null;
}

/** A dataset row named for people: its id and class code. */
export interface NamedSample {
  row: number;
  id: string;
  /** Class code (an index into the dataset's classes); -1 when the row is not in the dataset. */
  label: number;
}

/** The worker's live tensors, from the engine's own count (reading it never initialises a backend). */
export interface WorkerMemory {
  numTensors: number;
  numBytes: number;
  /** The active backend, or null before the first run. */
  backend: string | null;
}

/** One backend's numbers in `compareBackends`. */
export interface BackendCheck {
  backend: BackendName;
  /** False when `setBackend` did not take (the reason is in `error`). */
  ok: boolean;
  error: string | null;
  /** Training loss at the end of each epoch (full eval pass). */
  epochLosses: number[];
  /** Softmax of the training rows after the last epoch, N × C. */
  finalProbs: Float32Array;
  /** Largest relative difference from the reference backend over epoch losses and probabilities. */
  maxRelativeDifference: number;
  ms: number;
}

/** Result of training a tiny seeded model on several backends. */
export interface BackendComparison {
  reference: BackendName;
  /** Rows × features × classes of the generated data, and the settings used. */
  rows: number;
  features: number;
  classes: number;
  settings: TrainSettings;
  checks: BackendCheck[];
}

/** A timed training epoch on one backend (bench/train.ts). */
export interface BenchmarkRequest {
  data: TrainingData;
  settings: TrainSettings;
  backend: BackendName;
  /** Stop after this much time (the figures then cover a part of the epoch). */
  maxMs: number;
}

export interface BenchmarkResult {
  backend: BackendName;
  /** False when the backend could not be set (see `error`). */
  ok: boolean;
  error: string | null;
  /** The adapter of a WebGPU backend, when there is one. */
  adapter: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean } | null;
  /** True when the whole epoch (batches and the recording pass) finished within maxMs. */
  completed: boolean;
  batches: number;
  rowsTrained: number;
  /** From the first batch's start to the last batch's end, in ms. */
  batchMs: number;
  /** Rows per second over all batches. */
  samplesPerSecond: number;
  /** Rows per second without the first two batches (shader compilation, WASM warm-up). */
  steadySamplesPerSecond: number;
  /** Whole epoch including the end-of-epoch recording pass; NaN when not completed. */
  epochMs: number;
}

/** The train worker. Every method is async across the worker boundary. */
export interface TrainApi {
  /** Finds out which backends work here, reads the WebGPU adapter and times a small workload on each; slow (seconds). */
  probeBackends(): Promise<BackendProbe[]>;
  /** Trains a run on the arrays given; messages go to `onMessage`; resolves when it completes, is cancelled or stops. */
  start(request: TrainRequest, onMessage: TrainMessageCallback): Promise<TrainOutcome>;
  /**
   * Trains a run of a stored dataset and stores it as it goes (the app's way): messages go to `onMessage`, with a
   * 'saved' one for each record stored; resolves with the final record once it is stored, whatever the ending.
   */
  trainStored(job: StoredRunJob, onMessage: (message: StoredRunMessage) => void): Promise<StoredRunOutcome>;
  /** Pauses the run between batches; resolves at once. */
  pause(runId: RunId): Promise<void>;
  resume(runId: RunId): Promise<void>;
  /** Stops the run at its next batch; `start` then resolves with status 'cancelled' and every tensor freed. */
  cancel(runId: RunId): Promise<void>;
  memory(): Promise<WorkerMemory>;
  /** Names dataset rows (the samples of an anomalous batch): ids read from IndexedDB in the worker, once per dataset. */
  samplesOf(dataset: StoredDataset, rows: Int32Array): Promise<NamedSample[]>;
  /** Validation accuracy overall and per class at a stored run's last epoch, from its dynamics; null without them. */
  validationAccuracy(dbName: string, runId: RunId): Promise<ValAccuracy | null>;
  /** Trains one tiny seeded model on each backend and compares with the first (the reference). */
  compareBackends(backends: BackendName[]): Promise<BackendComparison>;
  /** Times training batches of one epoch on one backend. */
  benchmark(request: BenchmarkRequest): Promise<BenchmarkResult>;
}
