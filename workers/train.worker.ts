/** Train worker: registers the browser's tfjs backends, builds the train service and exposes it; typed arrays move by transfer. */
import * as Comlink from 'comlink';
import { browserBackends } from './backend';
import { holdLifeLock } from './life';
import type { TrainApi } from './train.api';
import { createTrainService, messageTransferables, resultTransferables } from './train.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createTrainService(browserBackends());

const api = {
  probeBackends: () => service.probeBackends(),
  start: async (request, onMessage) => {
    const outcome = await service.start(request, (message) => {
      void Promise.resolve(onMessage(Comlink.transfer(message, messageTransferables(message)))).catch(
        // The page went away mid-run: the run goes on until cancelled or done; nothing is listening.
        (error: unknown) => console.warn('Train progress was not delivered:', error),
      );
    });
    return outcome.kind === 'finished'
      ? Comlink.transfer(outcome, resultTransferables(outcome.result))
      : outcome;
  },
  pause: (runId) => service.pause(runId),
  resume: (runId) => service.resume(runId),
  cancel: (runId) => service.cancel(runId),
  memory: () => service.memory(),
  compareBackends: (names) => service.compareBackends(names),
  benchmark: (request) => service.benchmark(request),
} satisfies TrainApi;

Comlink.expose(api);
