/** Fold worker: one cross-validation fold at a time for the score worker's pool (workers/fold-pool.ts). */
import * as Comlink from 'comlink';
import { browserBackends } from './backend';
import { createFoldService, type FoldApi } from './fold.service';
import { holdLifeLock } from './life';

holdLifeLock();
const service = createFoldService(browserBackends());

const api = {
  shareCores: (workers) => service.shareCores(workers),
  setData: (data) => service.setData(data),
  runFold: async (backend, settings, task, onEpoch) => {
    const out = await service.runFold(backend, settings, task, onEpoch);
    return out.probabilities ? Comlink.transfer(out, [out.probabilities.buffer as ArrayBuffer]) : out;
  },
} satisfies FoldApi;

Comlink.expose(api);
