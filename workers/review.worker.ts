/** Review worker: exposes the review service; result arrays move by transfer. */
import * as Comlink from 'comlink';
import { holdLifeLock } from './life';
import type { ReviewApi } from './review.api';
import { createReviewService } from './review.service';

// First, so the page can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();
const service = createReviewService();
const moved = <T>(value: T, views: ArrayBufferView[]): T =>
  Comlink.transfer(value, [...new Set(views.map((v) => v.buffer as ArrayBuffer))]);

const api = {
  open: (request) => service.open(request),
  query: (query, selection) => service.query(query, selection),
  page: (from, to) => service.page(from, to),
  position: (row) => service.position(row),
  step: (row, step) => service.step(row, step),
  top: async (n) => {
    const out = await service.top(n);
    return moved(out, [out.rows]);
  },
  group: (row) => service.group(row),
  reasonFor: (rows) => service.reasonFor(rows),
  detail: (row) => service.detail(row),
  describe: (rows) => service.describe(rows),
  mapLayer: async (request) => {
    const out = await service.mapLayer(request);
    return out ? moved(out, [out.pixels]) : out;
  },
  nearest: (space, px, py) => service.nearest(space, px, py),
  lasso: async (space, polygon) => {
    const out = await service.lasso(space, polygon);
    return moved(out, [out.rows]);
  },
  points: async (space, rows, colourBy, size) => {
    const out = await service.points(space, rows, colourBy, size);
    return moved(out, [out.xy, out.colour]);
  },
  umapInput: async () => {
    const out = await service.umapInput();
    return out ? moved(out, [out.embeddings, out.sampleRows]) : out;
  },
  setUmap: (runId, xy) => service.setUmap(runId, xy),
  decide: (request) => service.decide(request),
  undo: () => service.undo(),
  redo: () => service.redo(),
  quarantined: async () => {
    const rows = await service.quarantined();
    return moved(rows, [rows]);
  },
  exportFiles: async (request) => {
    const out = await service.exportFiles(request);
    return moved(out, [out.clean, out.quarantine]);
  },
  verify: (manifestText, clean) => service.verify(manifestText, clean),
  pixels: async (rows) => {
    const out = await service.pixels(rows);
    return out ? moved(out, [out]) : out;
  },
  classMean: async (label) => {
    const out = await service.classMean(label);
    return out ? moved(out, [out]) : out;
  },
  scoreIndex: (dbName, datasetId) => service.scoreIndex(dbName, datasetId),
  compareRetrain: (afterRunId) => service.compareRetrain(afterRunId),
  comparisons: () => service.comparisons(),
} satisfies ReviewApi;

Comlink.expose(api);
