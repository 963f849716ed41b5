/**
 * The one worker client of the app. Every worker (ingest, train, score, review, UMAP) starts through
 * `startWatchedWorker`: a fresh name, the comlink wrap, its death watched (worker-life.ts: its life lock, its
 * `error` and `messageerror` events), and `dispose`. Each client routes every call through `life.guard`, so a call
 * to a dead worker rejects with the reason instead of hanging. Controllers hold a `WorkerClient<Api>` and never see
 * a `Worker`; tests hand them `inProcessClient(service)`.
 */
import * as Comlink from 'comlink';
import { uniqueWorkerName, type WorkerLife, watchWorker } from './worker-life';

/** A worker's typed API, its watch, and how to end it on purpose. */
export interface WorkerClient<Api> {
  api: Api;
  /** Its watch: every `api` call rejects with a `WorkerDiedError` once the worker has died. */
  life: WorkerLife;
  dispose: () => void;
}

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

/** A watch of something that cannot die: an in-process service (tests, Node). */
export const ALWAYS_ALIVE: WorkerLife = {
  reason: () => null,
  guard: (call) => call,
  end: () => undefined,
};

/** A service run in-process behind the client interface (tests; the same service the worker entry exposes). */
export function inProcessClient<Api>(api: Api, dispose: () => void = () => undefined): WorkerClient<Api> {
  return { api, life: ALWAYS_ALIVE, dispose };
}

/** The buffers behind a job's feature and label arrays (they may share one), to transfer rather than copy. */
export function dataTransferables(data: {
  features: ArrayBufferView;
  labels: ArrayBufferView;
}): ArrayBuffer[] {
  return [...new Set([data.features.buffer, data.labels.buffer] as ArrayBuffer[])];
}
