/** Starts score workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ScoreApi, ScoreRequest } from '../../workers/score.api';

/** The score API backed by a dedicated module worker, and how to stop it. */
export interface ScoreWorker {
  api: ScoreApi;
  dispose: () => void;
}

/** Starts a fresh score worker. `score` transfers the request's feature and label buffers (the caller loses them). */
export function startScoreWorker(): ScoreWorker {
  const worker = new Worker(new URL('../../workers/score.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sift-score',
  });
  const remote = Comlink.wrap<ScoreApi>(worker);
  const api: ScoreApi = {
    score: (request: ScoreRequest, onProgress) =>
      remote.score(Comlink.transfer(request, transferablesOf(request)), Comlink.proxy(onProgress)),
    cancel: (jobId) => remote.cancel(jobId),
    recombine: (request) => remote.recombine(request),
    prepareInfluence: (context) => remote.prepareInfluence(context),
    influenceOn: (key, target, top) => remote.influenceOn(key, target, top),
    memory: () => remote.memory(),
  };
  return {
    api,
    dispose: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** The buffers behind a request's feature and label arrays (they may share one). */
function transferablesOf(request: ScoreRequest): ArrayBuffer[] {
  const { features, labels } = request.data;
  return [...new Set([features.buffer, labels.buffer] as ArrayBuffer[])];
}
