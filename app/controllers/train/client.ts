/** Starts train workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { TrainApi, TrainOutcome, TrainRequest } from '../../../workers/train.api';
import { dataTransferables, startWatchedWorker, type WorkerClient } from '../worker-client';

/** The API backed by a dedicated module worker, its watch, and how to stop it. */
export type TrainWorker = WorkerClient<TrainApi>;

/**
 * Starts a fresh train worker. `start` transfers the buffers behind the request's arrays (the caller loses them)
 * instead of copying them.
 */
export function startTrainWorker(): TrainWorker {
  const { remote, life, dispose } = startWatchedWorker<TrainApi>(
    (name) =>
      new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-train',
    'the training worker',
  );
  const guard = life.guard;
  const api: TrainApi = {
    probeBackends: () => guard(remote.probeBackends()),
    start: (request: TrainRequest, onMessage) =>
      guard<TrainOutcome>(
        remote.start(Comlink.transfer(request, dataTransferables(request.data)), Comlink.proxy(onMessage)),
      ),
    pause: (runId) => guard(remote.pause(runId)),
    resume: (runId) => guard(remote.resume(runId)),
    cancel: (runId) => guard(remote.cancel(runId)),
    memory: () => guard(remote.memory()),
    compareBackends: (names) => guard(remote.compareBackends(names)),
    benchmark: (request) => guard(remote.benchmark(request)),
  };
  return { api, life, dispose };
}
