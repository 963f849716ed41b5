/**
 * K-fold cross-validated (out-of-sample) softmax for every row: the input of the label-issue scores (confident
 * learning, DESIGN §3). Each fold trains a fresh model on the other K-1 folds, standardised with their statistics,
 * and predicts the held-out fold.
 */
import { deriveSeed } from '../random';
import { stratifiedFolds } from './split';
import {
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
 * non-finite fold, keeping the folds done.
 */
export async function crossValidatedProbabilities(
  data: TrainingData,
  settings: TrainSettings,
  k = 5,
  callbacks: CrossValCallbacks = {},
  options: TrainOptions = {},
): Promise<CrossValResult> {
  const rows = data.labels.length;
  const c = data.classCount;
  const folds = stratifiedFolds(data.labels, c, k, deriveSeed(settings.seed, 3));
  const probabilities = new Float32Array(rows * c).fill(Number.NaN);
  let foldsDone = 0;
  for (let fold = 0; fold < k; fold++) {
    callbacks.onFold?.(fold, k);
    const held: number[] = [];
    const train: number[] = [];
    for (let r = 0; r < rows; r++) (folds[r] === fold ? held : train).push(r);
    const heldRows = Int32Array.from(held);
    const out = await trainAndPredict(
      data,
      Int32Array.from(train),
      heldRows,
      { ...settings, seed: deriveSeed(settings.seed, 100 + fold) },
      callbacks,
      options,
    );
    if (out.status !== 'completed' || !out.probabilities) {
      return {
        status: out.status === 'completed' ? 'cancelled' : out.status,
        ...(out.nonFinite ? { nonFinite: out.nonFinite } : {}),
        probabilities,
        folds,
        foldsDone,
      };
    }
    for (let j = 0; j < heldRows.length; j++) {
      probabilities.set(out.probabilities.subarray(j * c, (j + 1) * c), heldRows[j] * c);
    }
    foldsDone++;
  }
  return { status: 'completed', probabilities, folds, foldsDone };
}
