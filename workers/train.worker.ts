/** Train worker: registers the browser's tfjs backends, builds the train service and exposes it; typed arrays move by transfer. */
import * as Comlink from 'comlink';
import { browserBackends } from './backend';
import { holdLifeLock } from './life';
import type { StoredRunMessage, TrainApi } from './train.api';
import { createTrainService, messageTransferables, resultTransferables } from './train.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createTrainService(browserBackends());

/** Hands a run's messages to the page, their batch points by transfer (fresh arrays, never reused here). */
function deliver<M extends StoredRunMessage>(onMessage: (message: M) => void): (message: M) => void {
  return (message) => {
    const moved = message.kind === 'saved' ? [] : messageTransferables(message);
    void Promise.resolve(onMessage(Comlink.transfer(message, moved))).catch(
      // The page went away mid-run: the run goes on until cancelled or done; nothing is listening.
      (error: unknown) => console.warn('Train progress was not delivered:', error),
    );
  };
}

const api = {
  probeBackends: () => service.probeBackends(),
  start: async (request, onMessage) => {
    const outcome = await service.start(request, deliver(onMessage));
    return outcome.kind === 'finished'
      ? Comlink.transfer(outcome, resultTransferables(outcome.result))
      : outcome;
  },
  trainStored: async (job, onMessage) => {
    const outcome = await service.trainStored(job, deliver(onMessage));
    // Stored already: the curves' points may move to the page.
    const { loss, gradNorm } = outcome.curves;
    return Comlink.transfer(outcome, [...new Set([loss.buffer, gradNorm.buffer] as ArrayBuffer[])]);
  },
  pause: (runId) => service.pause(runId),
  resume: (runId) => service.resume(runId),
  cancel: (runId) => service.cancel(runId),
  memory: () => service.memory(),
  samplesOf: (dataset, rows) => service.samplesOf(dataset, rows),
  validationAccuracy: (dbName, runId) => service.validationAccuracy(dbName, runId),
  compareBackends: (names) => service.compareBackends(names),
  benchmark: (request) => service.benchmark(request),
} satisfies TrainApi;

Comlink.expose(api);
