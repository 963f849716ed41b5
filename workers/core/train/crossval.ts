/**
 * K-fold cross-validated (out-of-sample) softmax for every row: the input of the label-issue scores (confident
 * learning, DESIGN §3). Each fold trains a fresh model on the other K-1 folds, standardised with their statistics,
 * and predicts the held-out fold. The folds are independent tasks (`fold-pool.ts`): here, one after another, or
 * through a `FoldPool` that runs several at once elsewhere (worker threads, a pool of workers) with the same result.
 */
import { type FoldOutcome, type FoldTask, foldPlan, mergeFolds, runFolds } from './fold-pool';
import {
  type EpochReport,
  type NonFiniteReport,
  type TrainCallbacks,
  type TrainOptions,
  type TrainStatus,
  trainAndPredict,
} from './trainer';
import type { TrainingData, TrainSettings } from './types';

/** Progress hooks of cross-validation; the training hooks apply to each fold's run in turn. */
export interface CrossValCallbacks extends TrainCallbacks {
  /** Called before fold `fold` (0-based) of `folds` starts. */
  onFold?(fold: number, folds: number): void;
}

/** Runs folds somewhere else, `size` at a time; each fold must train as `trainAndPredict` would here. */
export interface FoldPool {
  readonly size: number;
  /** Trains `task` (its seed replaces settings.seed) and predicts its held-out rows; epochs reported to onEpoch. */
  runFold(
    data: TrainingData,
    settings: TrainSettings,
    task: FoldTask,
    onEpoch: (e: EpochReport) => void,
  ): Promise<FoldOutcome>;
}

export interface CrossValResult {
  status: TrainStatus;
  nonFinite?: NonFiniteReport;
  /** rows × C, dataset row order; rows of folds that did not finish are NaN. */
  probabilities: Float32Array;
  /** Fold of every row. */
  folds: Int32Array;
  foldsDone: number;
}

/**
 * Out-of-fold softmax for every row with K folds (default 5), stratified and seeded from settings.seed; each fold
 * trains with settings (its validationFraction is ignored: all K-1 folds train). Stops at the first cancelled or
 * non-finite fold, keeping the folds before it. With a pool of size > 1 the folds run there, several at once (the
 * callbacks' onEpoch then hears every fold's epochs as they come; shouldStop is checked before each fold starts).
 */
export async function crossValidatedProbabilities(
  data: TrainingData,
  settings: TrainSettings,
  k = 5,
  callbacks: CrossValCallbacks = {},
  options: TrainOptions = {},
  pool: FoldPool | null = null,
): Promise<CrossValResult> {
  const rows = data.labels.length;
  const { folds, tasks } = foldPlan(data.labels, data.classCount, k, settings.seed);
  const inProcess = (task: FoldTask) =>
    trainAndPredict(
      data,
      task.trainRows,
      task.heldRows,
      { ...settings, seed: task.seed },
      callbacks,
      options,
    );
  const outcomes = await runFolds(
    tasks,
    async (task) => {
      if (callbacks.shouldStop?.() === 'cancel') return { status: 'cancelled', probabilities: null };
      callbacks.onFold?.(task.fold, k);
      if (!pool || pool.size <= 1) return inProcess(task);
      return pool.runFold(data, settings, task, (e) => callbacks.onEpoch?.(e));
    },
    pool ? pool.size : 1,
  );
  return { ...mergeFolds(rows, data.classCount, tasks, outcomes), folds };
}
