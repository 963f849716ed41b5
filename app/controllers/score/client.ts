/** Starts score workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ScoreApi, ScoreOutcome, ScoreRequest } from '../../../workers/score.api';
import { dataTransferables, startWatchedWorker, type WorkerClient } from '../worker-client';

/** The API backed by a dedicated module worker, its watch, and how to stop it. */
export type ScoreWorker = WorkerClient<ScoreApi>;

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
    influenceFor: (query, row, top) => guard(remote.influenceFor(query, row, top)),
    memory: () => guard(remote.memory()),
  };
  return { api, life, dispose };
}
