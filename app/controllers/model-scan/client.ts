/** Starts the model-scan worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ModelScanApi, ModelScanOutcome } from '../../../workers/modelscan.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The model-scan API backed by a dedicated module worker, its watch, and how to stop it. */
export type ModelScanWorker = WorkerClient<ModelScanApi>;

/** A fresh model-scan worker whose death rejects every pending call (app/controllers/worker-life.ts). */
export function startModelScanWorker(): ModelScanWorker {
  const { remote, life, dispose } = startWatchedWorker<ModelScanApi>(
    (name) =>
      new Worker(new URL('../../../workers/modelscan.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-modelscan',
    'the model-scan worker',
  );
  const guard = life.guard;
  const api: ModelScanApi = {
    scan: (request, onProgress) => guard<ModelScanOutcome>(remote.scan(request, Comlink.proxy(onProgress))),
    cancel: (jobId) => guard(remote.cancel(jobId)),
    verify: (reportText, models) => guard(remote.verify(reportText, models)),
  };
  return { api, life, dispose };
}
