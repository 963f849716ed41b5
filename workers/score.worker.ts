/** Score worker: registers the browser's tfjs backends, builds the score service and exposes it; typed arrays move by transfer. */
import * as Comlink from 'comlink';
import { browserBackends } from './backend';
import { browserFoldPool } from './fold-pool';
import { holdLifeLock } from './life';
import type { ScoreApi, ScoreProgressCallback } from './score.api';
import { createScoreService, recombinedTransferables, scoreResultTransferables } from './score.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createScoreService(browserBackends(), browserFoldPool);

/** Hands a job's progress to the page; a page that went away leaves the job going until cancelled or done. */
function deliver(onProgress: ScoreProgressCallback): ScoreProgressCallback {
  return (message) => {
    void Promise.resolve(onProgress(message)).catch((error: unknown) =>
      console.warn('Score progress was not delivered:', error),
    );
  };
}

const api = {
  score: async (request, onProgress) => {
    const outcome = await service.score(request, deliver(onProgress));
    return outcome.kind === 'finished'
      ? Comlink.transfer(outcome, scoreResultTransferables(outcome.result))
      : outcome;
  },
  scoreStored: (job, onProgress) => service.scoreStored(job, deliver(onProgress)),
  scoringsOf: (dbName, runId) => service.scoringsOf(dbName, runId),
  recombineStored: (dbName, id, wanted) => service.recombineStored(dbName, id, wanted),
  cancel: (jobId) => service.cancel(jobId),
  recombine: async (request) => {
    const out = await service.recombine(request);
    return Comlink.transfer(out, recombinedTransferables(out));
  },
  prepareInfluence: (context) => service.prepareInfluence(context),
  influenceOn: async (key, target, top) => {
    const out = await service.influenceOn(key, target, top);
    return Comlink.transfer(out, [out.influence.buffer as ArrayBuffer]);
  },
  influenceFor: (query, row, top) => service.influenceFor(query, row, top),
  memory: () => service.memory(),
} satisfies ScoreApi;

Comlink.expose(api);
