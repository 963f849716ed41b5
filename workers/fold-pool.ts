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

/** A pool for one score job; `dispose()` ends its workers. */
export interface FoldWorkerPool extends FoldPool {
  dispose(): void;
}

/** Without navigator.deviceMemory: assume 4 GB of device memory (its budget a quarter of that). */
const ASSUMED_DEVICE_GB = 4;

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
  const idle: Array<{ worker: Worker; api: Comlink.Remote<FoldApi> }> = [];
  const all: Worker[] = [];
  const waiting: Array<() => void> = [];
  const sent = new WeakMap<Worker, TrainingData>();
  let disposed = false;

  async function take() {
    for (;;) {
      const free = idle.pop();
      if (free) return free;
      if (all.length < size) {
        const worker = new Worker(new URL('./fold.worker.ts', import.meta.url), {
          type: 'module',
          name: `fold-${all.length}`,
        });
        all.push(worker);
        const api = Comlink.wrap<FoldApi>(worker);
        // Threads per fold worker × fold workers stay within the cores (core/train/wasm-threads.ts).
        await api.shareCores(size);
        return { worker, api };
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
        w.worker.terminate();
        const at = all.indexOf(w.worker);
        if (at >= 0) all.splice(at, 1);
      };
      try {
        if (sent.get(w.worker) !== foldData) {
          await w.api.setData(foldData);
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
        ]);
        reusable = all.includes(w.worker);
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
      for (const worker of all) worker.terminate();
      all.length = 0;
      idle.length = 0;
    },
  };
}
