/** Starts the UMAP worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { UmapApi, UmapJobOutcome } from '../../../workers/umap.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The UMAP API, its watch and how to stop it (the real worker in the app, the in-process service in tests). */
export type UmapWorker = WorkerClient<UmapApi>;

/** A fresh UMAP worker; `layout` transfers the request's embeddings and sample rows (pass copies). */
export function startUmapWorker(): UmapWorker {
  const { remote, life, dispose } = startWatchedWorker<UmapApi>(
    (name) =>
      new Worker(new URL('../../../workers/umap.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-umap',
    'the UMAP worker',
  );
  const guard = life.guard;
  const api: UmapApi = {
    layout: (request, onProgress) =>
      guard<UmapJobOutcome>(
        remote.layout(
          Comlink.transfer(request, [
            request.embeddings.buffer as ArrayBuffer,
            request.sampleRows.buffer as ArrayBuffer,
          ]),
          Comlink.proxy(onProgress),
        ),
      ),
    cancel: (jobId) => guard(remote.cancel(jobId)),
    // The layout is copied, not transferred: the map keeps drawing it.
    lasso: (xy, polygon) => guard(remote.lasso(xy, polygon)),
  };
  return { api, life, dispose };
}
