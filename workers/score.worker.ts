/** Score worker: registers the browser's tfjs backends, builds the score service and exposes it; typed arrays move by transfer. */
import * as Comlink from 'comlink';
import { browserBackends } from './backend';
import { browserFoldPool } from './fold-pool';
import { holdLifeLock } from './life';
import type { ScoreApi } from './score.api';
import { createScoreService, recombinedTransferables, scoreResultTransferables } from './score.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createScoreService(browserBackends(), browserFoldPool);

const api = {
  score: async (request, onProgress) => {
    const outcome = await service.score(request, (message) => {
      void Promise.resolve(onProgress(message)).catch(
        // The page went away mid-job: the job goes on until cancelled or done; nothing is listening.
        (error: unknown) => console.warn('Score progress was not delivered:', error),
      );
    });
    return outcome.kind === 'finished'
      ? Comlink.transfer(outcome, scoreResultTransferables(outcome.result))
      : outcome;
  },
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
