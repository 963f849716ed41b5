/** Starts train workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { TrainApi, TrainOutcome, TrainRequest } from '../../workers/train.api';
import { uniqueWorkerName, type WorkerLife, watchWorker } from '../workerLife';

/** The train API backed by a dedicated module worker, and how to stop it. */
export interface TrainWorker {
  api: TrainApi;
  dispose: () => void;
  /** Its watch: every `api` call rejects with a `WorkerDiedError` once the worker has died. */
  life: WorkerLife;
}

/**
 * Starts a fresh train worker. `start` transfers `transfer` (the buffers behind the request's arrays: the caller
 * loses them) instead of copying them.
 */
export function startTrainWorker(): TrainWorker {
  const name = uniqueWorkerName('sift-train');
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name,
  });
  const remote = Comlink.wrap<TrainApi>(worker);
  const life = watchWorker(
    worker,
    name,
    'the training worker',
    typeof navigator.locks === 'undefined' ? null : navigator.locks,
  );
  const guard = life.guard;
  const api: TrainApi = {
    probeBackends: () => guard(remote.probeBackends()),
    start: (request: TrainRequest, onMessage) =>
      guard<TrainOutcome>(
        remote.start(Comlink.transfer(request, transferablesOf(request)), Comlink.proxy(onMessage)),
      ),
    pause: (runId) => guard(remote.pause(runId)),
    resume: (runId) => guard(remote.resume(runId)),
    cancel: (runId) => guard(remote.cancel(runId)),
    memory: () => guard(remote.memory()),
    compareBackends: (names) => guard(remote.compareBackends(names)),
    benchmark: (request) => guard(remote.benchmark(request)),
  };
  return {
    api,
    life,
    dispose: () => {
      life.end();
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
