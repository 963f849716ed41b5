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
import { holdLifeLock } from './life';
import type { RowHashApi } from './row-hash.worker';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();

/** A row-hash worker for one import; a failure to start or a crash there fails the import's next call. */
function workerHasher(): ImportHasher {
  const worker = new Worker(new URL('./row-hash.worker.ts', import.meta.url), {
    type: 'module',
    name: 'row-hash',
  });
  const api = Comlink.wrap<RowHashApi>(worker);
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) =>
      reject(new Error(`the row-hash worker failed: ${event.message}`)),
    );
  });
  died.catch(() => undefined);
  return {
    add: (bytes, starts, ends) =>
      Promise.race([
        died,
        api.add(Comlink.transfer(bytes, [bytes.buffer, starts.buffer, ends.buffer]), starts, ends),
      ]),
    finish: () => Promise.race([died, api.finish()]),
    close: () => worker.terminate(),
  };
}

// Nested workers are in every browser Sift supports; without them the import hashes inline, as in Node.
const service = createIngestService(typeof Worker === 'function' ? workerHasher : undefined);
const images = createImageIngestService(browserImageDecoder());

const api = {
  preview: (file, limits) => service.preview(file, limits),
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
