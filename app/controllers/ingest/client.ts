/** Starts the ingest worker and hands back its API; the rest of the app never sees the `Worker`. */
import * as Comlink from 'comlink';
import type { IngestApi } from '../../../workers/ingest.api';

/** The ingest API backed by a dedicated module worker, and how to stop it. */
export interface IngestWorker {
  api: IngestApi;
  dispose: () => void;
}

/** Starts a fresh ingest worker. */
export function startIngestWorker(): IngestWorker {
  const worker = new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sift-ingest',
  });
  const remote = Comlink.wrap<IngestApi>(worker);
  const api: IngestApi = {
    preview: (file, limits) => remote.preview(file, limits),
    // The callback runs here, called from the worker through a MessagePort.
    ingest: (jobId, file, plan, limits, onProgress) =>
      remote.ingest(jobId, file, plan, limits, Comlink.proxy(onProgress)),
    cancel: (jobId) => remote.cancel(jobId),
  };
  return {
    api,
    dispose: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
