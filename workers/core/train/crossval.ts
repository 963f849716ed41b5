/**
 * K-fold cross-validated (out-of-sample) softmax for every row: the input of the label-issue scores (confident
 * learning, DESIGN §3). Each fold trains a fresh model on the other K-1 folds, standardised with their statistics,
 * and predicts the held-out fold. The folds are independent tasks (`fold-pool.ts`): here, one after another, or
 * through a `FoldPool` that runs several at once elsewhere (worker threads, a pool of workers) with the same result.
 */
import type { BackendName } from './backend-choice';
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
  /**
   * How many of the `folds` folds have finished: 0 before the first starts, then once as each fold completes (with
   * several folds at once they finish in any order and often together, so this counts completions, never starts).
   */
  onFoldsDone?(done: number, folds: number): void;
  /** Where the folds run, several at once; absent, null or of size 1: one after another here. */
  pool?: FoldPool | null;
}

/** Runs folds somewhere else, `size` at a time; each fold must train as `trainAndPredict` would here. */
export interface FoldPool {
  readonly size: number;
  /**
   * Trains `task` (its seed replaces settings.seed) and predicts its held-out rows; epochs reported to onEpoch. A
   * pool may poll `cancelled` and give up the fold with a 'cancelled' outcome.
   */
  runFold(
    data: TrainingData,
    settings: TrainSettings,
    task: FoldTask,
    onEpoch: (e: EpochReport) => void,
    cancelled: () => boolean,
  ): Promise<FoldOutcome>;
}

/** A job's pool for `folds` folds of `data` on `backend` (e.g. workers/fold-pool.ts), or null to run them in-process. */
export type FoldPoolFactory = (
  backend: BackendName,
  data: TrainingData,
  folds: number,
) => (FoldPool & { dispose(): void }) | null;

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
 * non-finite fold, keeping the folds before it. With `callbacks.pool` of size > 1 the folds run there, several at once
 * (onEpoch then passes on the furthest epoch of the folds under way; shouldStop is checked before each fold starts and
 * polled by the pool). `onFoldsDone` counts finished folds either way.
 */
export async function crossValidatedProbabilities(
  data: TrainingData,
  settings: TrainSettings,
  k = 5,
  callbacks: CrossValCallbacks = {},
  options: TrainOptions = {},
): Promise<CrossValResult> {
  const pool = callbacks.pool ?? null;
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
  // Progress counts finished folds. With several folds at once an epoch is passed on only when it is further than the
  // last one passed since the last fold finished, whichever running fold reached it; so the numbers never go back.
  let finished = 0;
  let furthest = -1;
  callbacks.onFoldsDone?.(0, k);
  const done = (out: FoldOutcome) => {
    if (out.status !== 'completed') return out;
    finished++;
    furthest = -1;
    callbacks.onFoldsDone?.(finished, k);
    return out;
  };
  const outcomes = await runFolds(
    tasks,
    async (task) => {
      if (callbacks.shouldStop?.() === 'cancel') return { status: 'cancelled', probabilities: null };
      if (!pool || pool.size <= 1) return done(await inProcess(task));
      const out = await pool.runFold(
        data,
        settings,
        task,
        (e) => {
          if (e.epoch <= furthest) return;
          furthest = e.epoch;
          callbacks.onEpoch?.(e);
        },
        () => callbacks.shouldStop?.() === 'cancel',
      );
      return done(out);
    },
    pool ? pool.size : 1,
  );
  return { ...mergeFolds(rows, data.classCount, tasks, outcomes), folds };
}
