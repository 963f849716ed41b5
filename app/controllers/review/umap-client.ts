/** Starts the UMAP worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { UmapApi } from '../../../workers/umap.api';

/** The UMAP API and how to stop it (the real worker in the app, the in-process service in tests). */
export interface UmapWorker {
  api: UmapApi;
  dispose: () => void;
}

/** A fresh UMAP worker; `layout` transfers the request's embeddings and sample rows (pass copies). */
export function startUmapWorker(): UmapWorker {
  const worker = new Worker(new URL('../../../workers/umap.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sift-umap',
  });
  const remote = Comlink.wrap<UmapApi>(worker);
  const api: UmapApi = {
    layout: (request, onProgress) =>
      remote.layout(
        Comlink.transfer(request, [
          request.embeddings.buffer as ArrayBuffer,
          request.sampleRows.buffer as ArrayBuffer,
        ]),
        Comlink.proxy(onProgress),
      ),
    cancel: (jobId) => remote.cancel(jobId),
    // The layout is copied, not transferred: the map keeps drawing it.
    lasso: (xy, polygon) => remote.lasso(xy, polygon),
  };
  return {
    api,
    dispose: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
