/**
 * Cross-validation as independent fold tasks (issue 15): the plan (each fold's training rows, held-out rows and seed,
 * all fixed before any fold runs), a runner that keeps up to `concurrency` folds in flight, and the merge of their
 * held-out softmax in fold order. A fold's result depends only on its task, so running folds in parallel (worker
 * threads in the scan, a pool of workers in the browser) gives the same arrays as running them one after another.
 */
import { deriveSeed } from '../random';
import { stratifiedFolds } from './split';
import type { NonFiniteReport, TrainStatus } from './train-report';

/** One fold's work: train on `trainRows` with `seed`, predict `heldRows`. */
export interface FoldTask {
  fold: number;
  trainRows: Int32Array;
  heldRows: Int32Array;
  /** The seed the fold trains with (derived from the run's seed and the fold number). */
  seed: number;
}

/** What one fold gave back: its held-out softmax (heldRows × C) when it completed. */
export interface FoldOutcome {
  status: TrainStatus;
  nonFinite?: NonFiniteReport;
  probabilities: Float32Array | null;
}

/** Every fold's task: stratified, seeded folds of `labels` (the same split for any concurrency). */
export function foldPlan(
  labels: Int32Array,
  classCount: number,
  k: number,
  seed: number,
): { folds: Int32Array; tasks: FoldTask[] } {
  const folds = stratifiedFolds(labels, classCount, k, deriveSeed(seed, 3));
  const tasks: FoldTask[] = [];
  for (let fold = 0; fold < k; fold++) {
    const held: number[] = [];
    const train: number[] = [];
    for (let r = 0; r < labels.length; r++) (folds[r] === fold ? held : train).push(r);
    tasks.push({
      fold,
      trainRows: Int32Array.from(train),
      heldRows: Int32Array.from(held),
      seed: deriveSeed(seed, 100 + fold),
    });
  }
  return { folds, tasks };
}

/**
 * Runs `run` on every task with at most `concurrency` (≥ 1) in flight, starting them in fold order; resolves with the
 * outcomes in fold order. After a fold ends other than completed, no further fold starts (those in flight finish).
 * A fold that was never started has a 'cancelled' outcome.
 */
export async function runFolds(
  tasks: readonly FoldTask[],
  run: (task: FoldTask) => Promise<FoldOutcome>,
  concurrency: number,
): Promise<FoldOutcome[]> {
  const outcomes: FoldOutcome[] = tasks.map(() => ({ status: 'cancelled', probabilities: null }));
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < tasks.length) {
      const at = next++;
      const task = tasks[at] as FoldTask;
      const out = await run(task);
      outcomes[at] = out;
      if (out.status !== 'completed' || !out.probabilities) stopped = true;
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, tasks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return outcomes;
}

/** The merged result of the folds, as cross-validation reports it. */
export interface MergedFolds {
  status: TrainStatus;
  nonFinite?: NonFiniteReport;
  /** rows × C, dataset row order; rows of folds that did not finish are NaN. */
  probabilities: Float32Array;
  foldsDone: number;
}

/**
 * Writes each completed fold's softmax into its held-out rows, in fold order, up to the first fold that did not
 * complete (that fold's status is the result's, as when the folds ran one after another and stopped there).
 */
export function mergeFolds(
  rows: number,
  classCount: number,
  tasks: readonly FoldTask[],
  outcomes: readonly FoldOutcome[],
): MergedFolds {
  const c = classCount;
  const probabilities = new Float32Array(rows * c).fill(Number.NaN);
  let foldsDone = 0;
  for (let f = 0; f < tasks.length; f++) {
    const task = tasks[f] as FoldTask;
    const out = outcomes[f];
    if (out?.status !== 'completed' || !out.probabilities) {
      return {
        status: !out || out.status === 'completed' ? 'cancelled' : out.status,
        ...(out?.nonFinite ? { nonFinite: out.nonFinite } : {}),
        probabilities,
        foldsDone,
      };
    }
    const held = task.heldRows;
    for (let j = 0; j < held.length; j++) {
      probabilities.set(out.probabilities.subarray(j * c, (j + 1) * c), (held[j] as number) * c);
    }
    foldsDone++;
  }
  return { status: 'completed', probabilities, foldsDone };
}

/**
 * How many folds to run at once: one per core the runtime reports (`cores`, e.g. navigator.hardwareConcurrency or
 * os.availableParallelism()), no more than the folds, and no more than the memory budget holds at `perFoldBytes`
 * each (a fold's copy of the data and its model); at least 1, which is the serial path.
 */
export function foldConcurrency(opts: {
  cores: number;
  folds: number;
  memoryBudgetBytes: number;
  perFoldBytes: number;
}): number {
  const byMemory =
    opts.perFoldBytes > 0 ? Math.floor(opts.memoryBudgetBytes / opts.perFoldBytes) : Number.POSITIVE_INFINITY;
  const n = Math.min(Math.floor(opts.cores) || 1, Math.floor(opts.folds) || 1, byMemory);
  return Math.max(1, n);
}

/**
 * A fold worker's memory, roughly: its copy of the features (float32), the standardised copy and a gathered batch
 * copy's worth more, the labels, and an allowance of 64 MiB for tfjs, its backend and the small model (an allowance,
 * not a measurement).
 */
export function perFoldBytes(rows: number, featureCount: number): number {
  return rows * featureCount * 4 * 3 + rows * 4 + 64 * 2 ** 20;
}
