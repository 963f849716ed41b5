/** Starts train workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { TrainApi, TrainRequest } from '../../workers/train.api';

/** The train API backed by a dedicated module worker, and how to stop it. */
export interface TrainWorker {
  api: TrainApi;
  dispose: () => void;
}

/**
 * Starts a fresh train worker. `start` transfers `transfer` (the buffers behind the request's arrays: the caller
 * loses them) instead of copying them.
 */
export function startTrainWorker(): TrainWorker {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sift-train',
  });
  const remote = Comlink.wrap<TrainApi>(worker);
  const api: TrainApi = {
    probeBackends: () => remote.probeBackends(),
    start: (request: TrainRequest, onMessage) =>
      remote.start(Comlink.transfer(request, transferablesOf(request)), Comlink.proxy(onMessage)),
    pause: (runId) => remote.pause(runId),
    resume: (runId) => remote.resume(runId),
    cancel: (runId) => remote.cancel(runId),
    memory: () => remote.memory(),
    compareBackends: (names) => remote.compareBackends(names),
    benchmark: (request) => remote.benchmark(request),
  };
  return {
    api,
    dispose: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** The buffers behind a request's typed arrays (features and labels may share one). */
function transferablesOf(request: TrainRequest): ArrayBuffer[] {
  const { features, labels } = request.data;
  return [...new Set([features.buffer, labels.buffer] as ArrayBuffer[])];
}
