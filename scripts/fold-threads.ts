/**
 * The scan's cross-validation folds on worker threads (issue 15): a `FoldPool` of Node worker threads, each with its
 * own tfjs on the scan's backend, sized by `foldConcurrency` from the cores and free memory. Each fold trains from
 * its own task and seed, so the merged softmax equals the serial run's (scripts/fold-threads.test.ts checks it).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type CrossValResult,
  crossValidatedProbabilities,
  type FoldPool,
} from '../workers/core/train/crossval';
import {
  type FoldOutcome,
  type FoldTask,
  foldConcurrency,
  perFoldBytes,
} from '../workers/core/train/fold-pool';
import type { EpochReport } from '../workers/core/train/train-report';
import type { TrainingData, TrainSettings } from '../workers/core/train/types';

/** Messages to a fold thread. */
export type FoldThreadRequest =
  | { kind: 'data'; data: TrainingData }
  | { kind: 'fold'; backend: string; settings: TrainSettings; task: FoldTask };

/** Messages from a fold thread. */
export type FoldThreadReply =
  | { kind: 'epoch'; fold: number; epoch: EpochReport }
  | { kind: 'done'; fold: number; outcome: FoldOutcome }
  | { kind: 'error'; fold: number; message: string };

/** A pool of fold threads; `close()` ends them. */
export interface FoldThreads extends FoldPool {
  close(): Promise<void>;
}

/** Threads for `folds` folds of `data` on `backend` (wasm or cpu): one per core, as free memory allows; `size` overrides. */
export function createFoldThreads(
  data: TrainingData,
  folds: number,
  backend: string,
  size?: number,
): FoldThreads {
  const n =
    size ??
    foldConcurrency({
      cores: os.availableParallelism(),
      folds,
      memoryBudgetBytes: os.freemem() / 2,
      perFoldBytes: perFoldBytes(data.labels.length, data.featureCount),
    });
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const sent = new WeakMap<Worker, TrainingData>();

  function take(): Promise<Worker> {
    const free = idle.pop();
    if (free) return Promise.resolve(free);
    if (all.length < n) {
      const w = new Worker(new URL('./fold-thread-entry.mjs', import.meta.url));
      all.push(w);
      return Promise.resolve(w);
    }
    return new Promise((resolve) => waiting.push(resolve));
  }
  function give(w: Worker): void {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  }

  return {
    size: n,
    async runFold(
      foldData: TrainingData,
      settings: TrainSettings,
      task: FoldTask,
      onEpoch: (e: EpochReport) => void,
    ): Promise<FoldOutcome> {
      const w = await take();
      try {
        if (sent.get(w) !== foldData) {
          // A copy per thread (structured clone): each trains on its own.
          w.postMessage({ kind: 'data', data: foldData } satisfies FoldThreadRequest);
          sent.set(w, foldData);
        }
        return await new Promise<FoldOutcome>((resolve, reject) => {
          const onMessage = (m: FoldThreadReply) => {
            if (m.fold !== task.fold) return;
            if (m.kind === 'epoch') return onEpoch(m.epoch);
            w.off('message', onMessage);
            w.off('error', onError);
            if (m.kind === 'done') resolve(m.outcome);
            else reject(new Error(`Cross-validation fold ${task.fold + 1}: ${m.message}`));
          };
          const onError = (error: Error) => {
            w.off('message', onMessage);
            reject(error);
          };
          w.on('message', onMessage);
          w.once('error', onError);
          w.postMessage({ kind: 'fold', backend, settings, task } satisfies FoldThreadRequest);
        });
      } finally {
        give(w);
      }
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

/**
 * The scan's cross-validation: the folds on threads, one per core as memory allows (WebGPU keeps them on this thread,
 * on its one device); `onFoldsDone` hears how many folds have finished (0 first, then at each completion) and how many
 * run at a time. The threads end with it.
 */
export async function crossValidateOnThreads(
  data: TrainingData,
  settings: TrainSettings,
  folds: number,
  backend: string,
  onFoldsDone: (done: number, folds: number, atATime: number) => void,
): Promise<CrossValResult> {
  const threads = backend === 'webgpu' ? null : createFoldThreads(data, folds, backend);
  const size = threads?.size ?? 1;
  try {
    return await crossValidatedProbabilities(data, settings, folds, {
      onFoldsDone: (done, k) => onFoldsDone(done, k, size),
      pool: threads,
    });
  } finally {
    await threads?.close();
  }
}
