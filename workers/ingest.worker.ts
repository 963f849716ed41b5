/**
 * Ingest worker: builds the CSV and image ingest services and exposes them. A finished CSV dataset's typed arrays
 * move to the page by transfer; an image dataset is stored here, in IndexedDB, and only its metadata goes back.
 */
import * as Comlink from 'comlink';
import { browserImageDecoder } from './image-decoder';
import type { ImageIngestApi } from './image-ingest.api';
import { createImageIngestService } from './image-ingest.service';
import type { IngestApi } from './ingest.api';
import { createIngestService, outcomeTransferables } from './ingest.service';
import { holdLifeLock } from './life';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createIngestService();
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
