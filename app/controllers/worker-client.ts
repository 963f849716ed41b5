/**
 * A job worker with its death watched (worker-life.ts): the train and score clients start theirs through this and
 * route every call through `life.guard`, so a call to a dead worker rejects instead of hanging.
 */
import * as Comlink from 'comlink';
import { uniqueWorkerName, type WorkerLife, watchWorker } from './worker-life';

/** A started worker's comlink proxy, its watch, and how to end it on purpose. */
export interface WatchedWorker<T> {
  remote: Comlink.Remote<T>;
  life: WorkerLife;
  dispose: () => void;
}

/**
 * Starts a worker under a fresh name (`create` must call `new Worker(new URL(…, import.meta.url), { name })` itself,
 * so Vite bundles it) and watches it; `label` names it in the reasons ("the training worker").
 */
export function startWatchedWorker<T>(
  create: (name: string) => Worker,
  prefix: string,
  label: string,
): WatchedWorker<T> {
  const name = uniqueWorkerName(prefix);
  const worker = create(name);
  const remote = Comlink.wrap<T>(worker);
  const life = watchWorker(
    worker,
    name,
    label,
    typeof navigator.locks === 'undefined' ? null : navigator.locks,
  );
  return {
    remote,
    life,
    dispose: () => {
      life.end();
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** The buffers behind a job's feature and label arrays (they may share one), to transfer rather than copy. */
export function dataTransferables(data: {
  features: ArrayBufferView;
  labels: ArrayBufferView;
}): ArrayBuffer[] {
  return [...new Set([data.features.buffer, data.labels.buffer] as ArrayBuffer[])];
}
