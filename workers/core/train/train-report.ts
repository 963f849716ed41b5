/** What a training run reports as it goes (batches, epochs) and when it ends, and the hooks a caller gives it. */
import type { ModelSpec, Standardization, TrainingDynamics, TrainSettings } from './types';

/** One optimisation step. Epoch and batch are 0-based; `step` counts batches over the whole run. */
export interface BatchReport {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Global batch index, 0-based. */
  step: number;
  /** Batches in the whole run (epochs × batches per epoch), for progress and ETA. */
  totalSteps: number;
  /** Mean softmax cross-entropy of the batch, before the update. */
  loss: number;
  /** Global L2 norm of the gradient over all weights, before the update. */
  gradNorm: number;
  /** Dataset rows in this batch (a copy the receiver may keep); ≤ batchSize rows, and an epoch's batches differ in size by at most one. */
  sampleRows: Int32Array;
  /** Training throughput of the current epoch so far (rows per second of wall time). */
  samplesPerSecond: number;
}

/** The end of an epoch, from full eval-mode passes (not the noisy in-batch values). Epoch is 0-based. */
export interface EpochReport {
  epoch: number;
  /** A cross-validation fold's: the mean loss of the epoch's batches (it makes no evaluation pass). */
  trainLoss: number;
  /** NaN for a cross-validation fold. */
  trainAccuracy: number;
  /** NaN when there is no validation split. */
  valLoss: number;
  /** NaN when there is no validation split. */
  valAccuracy: number;
  /** C values: mean training loss per class (by assigned label); NaN for a class without training rows, or a fold. */
  classLoss: Float32Array;
  /**
   * C values: median training loss per class. The few mislabelled rows of every class dominate its mean alike;
   * the median follows the class's typical row, so it is what the class-stall detector watches.
   */
  classMedianLoss: Float32Array;
  learningRate: number;
  /** Wall time since the run started, in ms. */
  elapsedMs: number;
}

/** Hooks into a run. All optional; they are called between batches, never during a backend computation. */
export interface TrainCallbacks {
  onBatch?(report: BatchReport): void;
  onEpoch?(report: EpochReport): void;
  /** Polled before every batch and every eval chunk; 'cancel' stops the run and frees everything. */
  shouldStop?(): 'continue' | 'cancel';
  /** Awaited before every batch: resolve at once when not paused, later to pause. */
  waitWhilePaused?(): Promise<void>;
}

/** Loop mechanics that are not part of the model or the recorded results. */
export interface TrainOptions {
  /** Yield to the event loop (one macrotask) before a batch when this long has passed since the last yield; default 10 ms. */
  yieldIntervalMs?: number;
  /** Rows per chunk of the eval passes; default `evalChunkRows` of the model (1024 to 16384). */
  evalBatchSize?: number;
  /** Epochs in a row a fold's held-out softmax is averaged over (held-out.ts); default heldOutEpochs(epochs). */
  heldOutEpochs?: number;
}

/** Why a run stopped on a non-finite value. The weights at the last completed epoch are still finite. */
export interface NonFiniteReport {
  epoch: number;
  /** Global batch index at which it was seen (for 'weights' and 'evaluation': the epoch's last step). */
  step: number;
  what: 'loss' | 'gradient' | 'weights' | 'evaluation';
  message: string;
}

export type TrainStatus = 'completed' | 'cancelled' | 'non-finite';

/** Everything a run produced. */
export interface TrainResult {
  status: TrainStatus;
  /** status === 'cancelled'. */
  cancelled: boolean;
  /** Present when status === 'non-finite'. */
  nonFinite?: NonFiniteReport;
  /** The completed epochs only (a cancelled or stopped run keeps what it finished); null when none finished. */
  dynamics: TrainingDynamics | null;
  epochs: EpochReport[];
  trainRows: Int32Array;
  valRows: Int32Array;
  modelSpec: ModelSpec;
  standardization: Standardization;
  settings: TrainSettings;
  elapsedMs: number;
}
