/** Model-scan worker: exposes the model-scan service. */
import * as Comlink from 'comlink';
import { holdLifeLock } from './life';
import type { ModelScanApi } from './modelscan.api';
import { createModelScanService } from './modelscan.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createModelScanService();

const api = {
  scan: (request, onProgress) =>
    service.scan(request, (progress) => {
      void Promise.resolve(onProgress(progress)).catch(
        // The page went away mid-scan: nothing is listening, the scan finishes on its own.
        (error: unknown) => console.warn('Model-scan progress was not delivered:', error),
      );
    }),
  cancel: (jobId) => service.cancel(jobId),
  verify: (reportText, models) => service.verify(reportText, models),
} satisfies ModelScanApi;

Comlink.expose(api);
