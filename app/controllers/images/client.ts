/** Starts an ingest worker for image imports and hands back its image API (the same worker entry as for CSV). */
import * as Comlink from 'comlink';
import type {
  ImageIngestApi,
  ImageIngestOutcome,
  ImagePreviewOutcome,
} from '../../../workers/image-ingest.api';
import type { IngestJobId } from '../../../workers/ingest.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The image side of the ingest worker, and cancel. */
export type ImageIngestClient = ImageIngestApi & { cancel(jobId: IngestJobId): Promise<void> };

export type ImageIngestWorker = WorkerClient<ImageIngestClient>;

/** Starts a fresh ingest worker for an image preview and import. */
export function startImageIngestWorker(): ImageIngestWorker {
  const { remote, life, dispose } = startWatchedWorker<ImageIngestClient>(
    (name) =>
      new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-image-ingest',
    'the import worker',
  );
  const guard = life.guard;
  const api: ImageIngestClient = {
    // Progress callbacks run here, called from the worker through a MessagePort.
    previewImages: (jobId, input, limits, onProgress) =>
      guard<ImagePreviewOutcome>(remote.previewImages(jobId, input, limits, Comlink.proxy(onProgress))),
    ingestImages: (jobId, input, plan, limits, target, onProgress) =>
      guard<ImageIngestOutcome>(
        remote.ingestImages(jobId, input, plan, limits, target, Comlink.proxy(onProgress)),
      ),
    cancel: (jobId) => guard(remote.cancel(jobId)),
  };
  return { api, life, dispose };
}
