/** Review worker: exposes the review service; result arrays move by transfer. */
import * as Comlink from 'comlink';
import { holdLifeLock } from './life';
import type { ReviewApi } from './review.api';
import { createReviewService } from './review.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createReviewService();

const api = {
  load: async (data) => {
    const out = await service.load(data);
    return Comlink.transfer(
      out,
      [out.pca, out.cartography, out.flagBits, out.suggested, out.suspicion].map(
        (a) => a.buffer as ArrayBuffer,
      ),
    );
  },
  query: async (query, decisions) => {
    const rows = await service.query(query, decisions);
    return Comlink.transfer(rows, [rows.buffer as ArrayBuffer]);
  },
  lasso: async (space, polygon) => {
    const rows = await service.lasso(space, polygon);
    return Comlink.transfer(rows, [rows.buffer as ArrayBuffer]);
  },
  percentiles: (row) => service.percentiles(row),
  neighbours: (row, k) => service.neighbours(row, k),
  exportFiles: async (request) => {
    const out = await service.exportFiles(request);
    return Comlink.transfer(out, [out.clean.buffer as ArrayBuffer, out.quarantine.buffer as ArrayBuffer]);
  },
  verify: (manifestText, cleanCsv) => service.verify(manifestText, cleanCsv),
} satisfies ReviewApi;

Comlink.expose(api);
