/** Starts the model-scan worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ModelScanApi, ModelScanOutcome } from '../../../workers/modelscan.api';
import { startWatchedWorker } from '../../watchedWorker';

/** The model-scan API and how to stop the worker behind it (an in-process service in tests). */
export interface ModelScanWorker {
  api: ModelScanApi;
  dispose: () => void;
}

/** A fresh model-scan worker whose death rejects every pending call (app/workerLife.ts). */
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
  return { api, dispose };
}
