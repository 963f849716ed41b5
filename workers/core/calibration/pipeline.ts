/**
 * The scoring pipeline as one call: train with the run's settings (recording dynamics), K-fold cross-validated
 * probabilities, every score. The headless scan runs it on the analyst's rows and, for calibration, on the rows with
 * canaries; the score worker runs the second half (cross-validation and scores) on a run the train worker made.
 */
import type { StepHooks } from '../scores/hooks';
import { type ScoreParamsInput, scoreAll } from '../scores/score-all';
import type { ScoreProgress, ScoreSet } from '../scores/types';
import { type CrossValCallbacks, crossValidatedProbabilities, type FoldPool } from '../train/crossval';
import { toSampleOrder } from '../train/rows';
import { type EpochReport, type TrainCallbacks, type TrainResult, trainModel } from '../train/trainer';
import type { TrainingData, TrainingDynamics, TrainSettings } from '../train/types';

/** Cross-validation of the label family: K folds of `epochs` epochs each. */
export interface CrossValPlan {
  folds: number;
  epochs: number;
}

/** Progress and cancellation hooks of a pipeline; every one optional. */
export interface PipelineHooks extends StepHooks {
  onEpoch?(report: EpochReport): void;
  /** How many cross-validation folds have finished: 0 first, then at each completion. */
  onFoldsDone?(done: number, folds: number): void;
  /** Epochs of the cross-validation folds, as they finish. */
  onFoldEpoch?(report: EpochReport): void;
  onScoreProgress?(p: ScoreProgress): void;
  /** Where the cross-validation folds run (worker threads, a pool of workers); none: one after another here. */
  foldPool?: FoldPool | null;
}

/** How a pipeline ended: its scores, or why it stopped. */
export type PipelineOutcome =
  | {
      kind: 'done';
      dynamics: TrainingDynamics;
      /** N × C out-of-fold probabilities in sample order. */
      oofProbs: Float32Array;
      scoreSet: ScoreSet;
      /** ms: train, crossVal, score. */
      timings: Record<string, number>;
    }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

function stopper(hooks: PipelineHooks): TrainCallbacks['shouldStop'] {
  return () => (hooks.cancelled?.() ? 'cancel' : 'continue');
}

/**
 * Cross-validation and every score of a recorded run (`data` holds exactly the run's rows, in the order
 * `local` maps samples to). The second half of the pipeline, shared with the score worker.
 */
export async function crossValAndScore(
  data: TrainingData,
  dynamics: TrainingDynamics,
  local: Int32Array,
  settings: TrainSettings,
  crossVal: CrossValPlan,
  params: ScoreParamsInput,
  hooks: PipelineHooks = {},
): Promise<PipelineOutcome> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const callbacks: CrossValCallbacks = {
    shouldStop: stopper(hooks),
    ...(hooks.onFoldsDone ? { onFoldsDone: hooks.onFoldsDone } : {}),
    ...(hooks.onFoldEpoch ? { onEpoch: hooks.onFoldEpoch } : {}),
    ...(hooks.foldPool ? { pool: hooks.foldPool } : {}),
  };
  const cv = await crossValidatedProbabilities(
    data,
    { ...settings, epochs: crossVal.epochs },
    crossVal.folds,
    callbacks,
  );
  timings.crossVal = performance.now() - t0;
  if (cv.status === 'cancelled' || hooks.cancelled?.()) return { kind: 'cancelled' };
  if (cv.status !== 'completed') {
    return {
      kind: 'failed',
      message: cv.nonFinite?.message ?? 'Cross-validation stopped before every fold finished.',
    };
  }
  const oofProbs = toSampleOrder(cv.probabilities, local, data.classCount);
  const t1 = performance.now();
  const scoreSet = await scoreAll(dynamics, {
    oofProbs,
    params,
    features: { values: data.features, count: data.featureCount, rows: local },
    ...(hooks.cancelled ? { cancelled: hooks.cancelled } : {}),
    ...(hooks.between ? { between: hooks.between } : {}),
    ...(hooks.onScoreProgress ? { onProgress: hooks.onScoreProgress } : {}),
  });
  timings.score = performance.now() - t1;
  return { kind: 'done', dynamics, oofProbs, scoreSet, timings };
}

/** Trains (recording dynamics), cross-validates and scores `data`. Throws ScoringCancelledError only from scoring. */
export async function runPipeline(
  data: TrainingData,
  settings: TrainSettings,
  crossVal: CrossValPlan,
  params: ScoreParamsInput,
  hooks: PipelineHooks = {},
): Promise<PipelineOutcome & { run?: TrainResult }> {
  const t0 = performance.now();
  const run = await trainModel(data, settings, {
    shouldStop: stopper(hooks),
    ...(hooks.onEpoch ? { onEpoch: hooks.onEpoch } : {}),
  });
  const trainMs = performance.now() - t0;
  if (run.status === 'cancelled' || hooks.cancelled?.()) return { kind: 'cancelled', run };
  if (run.status !== 'completed' || !run.dynamics) {
    return { kind: 'failed', message: run.nonFinite?.message ?? `Training stopped (${run.status}).`, run };
  }
  const rest = await crossValAndScore(
    data,
    run.dynamics,
    run.dynamics.sampleRows,
    settings,
    crossVal,
    params,
    hooks,
  );
  if (rest.kind === 'done') rest.timings.train = trainMs;
  return { ...rest, run };
}
