/** Ingest worker: builds the ingest service and exposes it; a finished dataset's typed arrays move by transfer. */
import * as Comlink from 'comlink';
import type { IngestApi } from './ingest.api';
import { createIngestService, outcomeTransferables } from './ingest.service';
import { holdLifeLock } from './life';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createIngestService();

const api = {
  preview: (file, limits) => service.preview(file, limits),
  ingest: async (jobId, file, plan, limits, onProgress) => {
    const outcome = await service.ingest(jobId, file, plan, limits, onProgress);
    return Comlink.transfer(outcome, outcomeTransferables(outcome));
  },
  cancel: (jobId) => service.cancel(jobId),
} satisfies IngestApi;

Comlink.expose(api);
