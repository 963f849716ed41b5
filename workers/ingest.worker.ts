/**
 * Ingest worker: builds the CSV and image ingest services and exposes them. A finished CSV dataset's typed arrays
 * move to the page by transfer; an image dataset is stored here, in IndexedDB, and only its metadata goes back.
 */
import * as Comlink from 'comlink';
import { browserImageDecoder } from './image-decoder';
import type { ImageIngestApi } from './image-ingest.api';
import { createImageIngestService } from './image-ingest.service';
import type { IngestApi } from './ingest.api';
import { createIngestService, type ImportHasher, outcomeTransferables } from './ingest.service';
import { holdLifeLock, watchNestedWorker } from './life';
import type { RowHashApi } from './row-hash.worker';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();

/**
 * A row-hash worker for one import, watched as the page watches its own (workers/life.ts): its `error` and
 * `messageerror` events and its life lock, freed when it dies without an event (killed, out of memory).
 */
function workerHasher(): ImportHasher {
  const name = `row-hash-${crypto.randomUUID()}`; // each import's life lock is its own
  const worker = new Worker(new URL('./row-hash.worker.ts', import.meta.url), { type: 'module', name });
  const api = Comlink.wrap<RowHashApi>(worker);
  const closed = new AbortController();
  const stopped = watchNestedWorker(worker, name, closed.signal);
  /** Buffers the hasher handed back, for the next chunks (ingest.service's `spare`). */
  const spares: ArrayBuffer[] = [];
  return {
    add: async (bytes, starts, ends) => {
      const released = await api.add(
        Comlink.transfer(bytes, [bytes.buffer, starts.buffer, ends.buffer]),
        starts,
        ends,
      );
      spares.push(...released);
    },
    spare: () => spares.pop(),
    finish: () => api.finish(),
    close: () => {
      closed.abort();
      worker.terminate();
    },
    stopped,
  };
}

// Nested workers are in every browser Sift supports; without them the import hashes inline, as in Node.
const service = createIngestService(typeof Worker === 'function' ? workerHasher : undefined);
const images = createImageIngestService(browserImageDecoder());

const api = {
  preview: (file, limits, plan) => service.preview(file, limits, plan),
  ingest: async (jobId, file, plan, limits, onProgress) => {
    const outcome = await service.ingest(jobId, file, plan, limits, onProgress);
    return Comlink.transfer(outcome, outcomeTransferables(outcome));
  },
  previewImages: (jobId, input, limits, onProgress) => images.previewImages(jobId, input, limits, onProgress),
  ingestImages: (jobId, input, plan, limits, target, onProgress) =>
    images.ingestImages(jobId, input, plan, limits, target, onProgress),
  cancel: async (jobId) => {
    await service.cancel(jobId);
    await images.cancel(jobId);
  },
} satisfies IngestApi & ImageIngestApi;

Comlink.expose(api);
