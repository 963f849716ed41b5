/** Starts score workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ScoreApi, ScoreOutcome, ScoreRequest } from '../../../workers/score.api';
import { dataTransferables, startWatchedWorker } from '../worker-client';
import type { WorkerLife } from '../worker-life';

/** The score API backed by a dedicated module worker, and how to stop it. */
export interface ScoreWorker {
  api: ScoreApi;
  dispose: () => void;
  /** Its watch: every `api` call rejects with a `WorkerDiedError` once the worker has died. */
  life: WorkerLife;
}

/** Starts a fresh score worker. `score` transfers the request's feature and label buffers (the caller loses them). */
export function startScoreWorker(): ScoreWorker {
  const { remote, life, dispose } = startWatchedWorker<ScoreApi>(
    (name) =>
      new Worker(new URL('../../../workers/score.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-score',
    'the scoring worker',
  );
  const guard = life.guard;
  const api: ScoreApi = {
    score: (request: ScoreRequest, onProgress) =>
      guard<ScoreOutcome>(
        remote.score(Comlink.transfer(request, dataTransferables(request.data)), Comlink.proxy(onProgress)),
      ),
    cancel: (jobId) => guard(remote.cancel(jobId)),
    recombine: (request) => guard(remote.recombine(request)),
    prepareInfluence: (context) => guard(remote.prepareInfluence(context)),
    influenceOn: (key, target, top) => guard(remote.influenceOn(key, target, top)),
    memory: () => guard(remote.memory()),
  };
  return { api, life, dispose };
}
