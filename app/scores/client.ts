/** Starts score workers and hands back their API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ScoreApi, ScoreOutcome, ScoreRequest } from '../../workers/score.api';
import { uniqueWorkerName, type WorkerLife, watchWorker } from '../workerLife';

/** The score API backed by a dedicated module worker, and how to stop it. */
export interface ScoreWorker {
  api: ScoreApi;
  dispose: () => void;
  /** Its watch: every `api` call rejects with a `WorkerDiedError` once the worker has died. */
  life: WorkerLife;
}

/** Starts a fresh score worker. `score` transfers the request's feature and label buffers (the caller loses them). */
export function startScoreWorker(): ScoreWorker {
  const name = uniqueWorkerName('sift-score');
  const worker = new Worker(new URL('../../workers/score.worker.ts', import.meta.url), {
    type: 'module',
    name,
  });
  const remote = Comlink.wrap<ScoreApi>(worker);
  const life = watchWorker(
    worker,
    name,
    'the scoring worker',
    typeof navigator.locks === 'undefined' ? null : navigator.locks,
  );
  const guard = life.guard;
  const api: ScoreApi = {
    score: (request: ScoreRequest, onProgress) =>
      guard<ScoreOutcome>(
        remote.score(Comlink.transfer(request, transferablesOf(request)), Comlink.proxy(onProgress)),
      ),
    cancel: (jobId) => guard(remote.cancel(jobId)),
    recombine: (request) => guard(remote.recombine(request)),
    prepareInfluence: (context) => guard(remote.prepareInfluence(context)),
    influenceOn: (key, target, top) => guard(remote.influenceOn(key, target, top)),
    memory: () => guard(remote.memory()),
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

/** The buffers behind a request's feature and label arrays (they may share one). */
function transferablesOf(request: ScoreRequest): ArrayBuffer[] {
  const { features, labels } = request.data;
  return [...new Set([features.buffer, labels.buffer] as ArrayBuffer[])];
}
