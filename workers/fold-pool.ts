/**
 * The score worker's pool of fold workers (issue 15): cross-validation folds run several at once, one fold worker
 * per core (`navigator.hardwareConcurrency`) as a quarter of the device memory allows, on the score job's backend.
 * One worker (one core, or a GPU backend, whose one device the folds would share) means the serial path in the
 * score worker itself. Each fold worker is told the pool's size before its first fold, so that its WASM threads
 * times the pool's workers stay within the cores. Each fold trains from its own task and seed, so the result is the serial one.
 */
import * as Comlink from 'comlink';
import type { BackendName } from './core/train/backend-choice';
import type { FoldPool } from './core/train/crossval';
import { type FoldOutcome, foldConcurrency, perFoldBytes } from './core/train/fold-pool';
import type { TrainingData } from './core/train/types';
import type { FoldApi } from './fold.service';
import { watchNestedWorker } from './life';

/** A pool for one score job; `dispose()` ends its workers. */
export interface FoldWorkerPool extends FoldPool {
  dispose(): void;
}

/** Without navigator.deviceMemory: assume 4 GB of device memory (its budget a quarter of that). */
const ASSUMED_DEVICE_GB = 4;

/**
 * Rejects, with why, when the worker stops while it lives for the pool (`watchNestedWorker`), so that a fold it was given
 * fails the job instead of waiting forever. Marked handled: it may reject while the worker is idle, awaited by none.
 */
function failure(died: Promise<string>): Promise<never> {
  const failed = died.then((why): never => {
    throw new Error(`A cross-validation worker stopped unexpectedly: ${why}.`);
  });
  failed.catch(() => undefined);
  return failed;
}

/** The pool for a job's folds, or null for the serial path. */
export function browserFoldPool(
  backend: BackendName,
  data: TrainingData,
  folds: number,
): FoldWorkerPool | null {
  if (backend !== 'wasm' && backend !== 'cpu') return null;
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const size = foldConcurrency({
    cores: nav?.hardwareConcurrency ?? 1,
    folds,
    memoryBudgetBytes: ((nav?.deviceMemory ?? ASSUMED_DEVICE_GB) * 1e9) / 4,
    perFoldBytes: perFoldBytes(data.labels.length, data.featureCount),
  });
  if (size <= 1) return null;
  /** A fold worker, its API, and its failure (its watch, ended by `closed` when the pool ends it on purpose). */
  type FoldWorker = {
    worker: Worker;
    api: Comlink.Remote<FoldApi>;
    failed: Promise<never>;
    closed: AbortController;
  };
  const idle: FoldWorker[] = [];
  const all: FoldWorker[] = [];
  const end = (w: FoldWorker) => {
    w.closed.abort();
    w.worker.terminate();
  };
  const waiting: Array<() => void> = [];
  const sent = new WeakMap<Worker, TrainingData>();
  let disposed = false;

  async function take(): Promise<FoldWorker> {
    for (;;) {
      const free = idle.pop();
      if (free) return free;
      if (all.length < size) {
        // Each fold worker's life lock is its own (workers/life.ts).
        const name = `fold-${crypto.randomUUID()}`;
        const worker = new Worker(new URL('./fold.worker.ts', import.meta.url), { type: 'module', name });
        const closed = new AbortController();
        const failed = failure(watchNestedWorker(worker, name, closed.signal));
        const w = { worker, api: Comlink.wrap<FoldApi>(worker), failed, closed };
        all.push(w);
        // Threads per fold worker × fold workers stay within the cores (core/train/wasm-threads.ts).
        await Promise.race([w.api.shareCores(size), failed]);
        return w;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }

  return {
    size,
    async runFold(foldData, settings, task, onEpoch, cancelled): Promise<FoldOutcome> {
      const w = await take();
      let poll: ReturnType<typeof setInterval> | undefined;
      let reusable = false;
      const drop = () => {
        end(w);
        const at = all.indexOf(w);
        if (at >= 0) all.splice(at, 1);
      };
      try {
        if (sent.get(w.worker) !== foldData) {
          await Promise.race([w.api.setData(foldData), w.failed]);
          sent.set(w.worker, foldData);
        }
        // A cancel ends the fold's worker (a fold has no pause point the page could reach sooner); a new one starts
        // for the next fold if there is one.
        const stopped = new Promise<FoldOutcome>((resolve) => {
          poll = setInterval(() => {
            if (!cancelled() && !disposed) return;
            drop();
            resolve({ status: 'cancelled', probabilities: null });
          }, 100);
        });
        const out = await Promise.race([
          w.api.runFold(backend, settings, task, Comlink.proxy(onEpoch)),
          stopped,
          w.failed,
        ]);
        reusable = all.includes(w);
        return out;
      } finally {
        clearInterval(poll);
        // A worker whose fold failed is not trusted with another.
        if (reusable) idle.push(w);
        else drop();
        waiting.shift()?.();
      }
    },
    dispose() {
      disposed = true;
      for (const w of all) end(w);
      all.length = 0;
      idle.length = 0;
    },
  };
}
