/** Starts the ingest worker and hands back its API; the rest of the app never sees the `Worker`. */
import * as Comlink from 'comlink';
import type { IngestApi, IngestOutcome } from '../../../workers/ingest.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The ingest API backed by a dedicated module worker, its watch, and how to stop it. */
export type IngestWorker = WorkerClient<IngestApi>;

/** Starts a fresh ingest worker. */
export function startIngestWorker(): IngestWorker {
  const { remote, life, dispose } = startWatchedWorker<IngestApi>(
    (name) =>
      new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-ingest',
    'the import worker',
  );
  const guard = life.guard;
  const api: IngestApi = {
    preview: (file, limits, plan) => guard(remote.preview(file, limits, plan)),
    // The callback runs here, called from the worker through a MessagePort.
    ingest: (jobId, file, plan, limits, onProgress) =>
      guard<IngestOutcome>(remote.ingest(jobId, file, plan, limits, Comlink.proxy(onProgress))),
    cancel: (jobId) => guard(remote.cancel(jobId)),
  };
  return { api, life, dispose };
}
