/** UMAP worker: exposes the UMAP layout service; the layout and lasso rows move by transfer. */
import * as Comlink from 'comlink';
import { createUmapService } from './core/embedding/service';
import { holdLifeLock } from './life';
import type { UmapApi } from './umap.api';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createUmapService();

const api = {
  layout: async (request, onProgress) => {
    const out = await service.layout(request, (progress) => {
      void Promise.resolve(onProgress(progress)).catch(
        // The page went away mid-job: the job goes on until cancelled or done; nothing is listening.
        (error: unknown) => console.warn('UMAP progress was not delivered:', error),
      );
    });
    return out.kind === 'finished' ? Comlink.transfer(out, [out.xy.buffer as ArrayBuffer]) : out;
  },
  cancel: async (jobId) => service.cancel(jobId),
  lasso: async (xy, polygon) => {
    const rows = await service.lasso(xy, polygon);
    return Comlink.transfer(rows, [rows.buffer as ArrayBuffer]);
  },
} satisfies UmapApi;

Comlink.expose(api);
