/** Starts the review worker and hands back its API; the rest of the app never sees the `Worker`. */
import * as Comlink from 'comlink';
import type { ReviewApi, ReviewOpened } from '../../../workers/review.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The review API, its watch and how to stop it (the real worker in the app, the in-process service in tests). */
export type ReviewWorker = WorkerClient<ReviewApi>;

/** A fresh review worker. Every call is guarded: a dead worker's call rejects with the reason. */
export function startReviewWorker(): ReviewWorker {
  const { remote, life, dispose } = startWatchedWorker<ReviewApi>(
    (name) =>
      new Worker(new URL('../../../workers/review.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-review',
    'the review worker',
  );
  const g = life.guard;
  const api: ReviewApi = {
    open: (request) => g<ReviewOpened>(remote.open(request)),
    query: (query, selection) => g(remote.query(query, selection)),
    page: (from, to) => g(remote.page(from, to)),
    position: (row) => g(remote.position(row)),
    step: (row, step) => g(remote.step(row, step)),
    top: (n) => g(remote.top(n)),
    group: (row) => g(remote.group(row)),
    reasonFor: (rows) => g(remote.reasonFor(rows)),
    detail: (row) => g(remote.detail(row)),
    describe: (rows) => g(remote.describe(rows)),
    mapLayer: (request) => g(remote.mapLayer(request)),
    nearest: (space, px, py) => g(remote.nearest(space, px, py)),
    lasso: (space, polygon) => g(remote.lasso(space, polygon)),
    points: (space, rows, colourBy, size) => g(remote.points(space, rows, colourBy, size)),
    umapInput: () => g(remote.umapInput()),
    // The layout is transferred: the UMAP status keeps its own copy for nothing but the record.
    setUmap: (runId, xy) => g(remote.setUmap(runId, Comlink.transfer(xy, [xy.buffer as ArrayBuffer]))),
    decide: (request) => g(remote.decide(request)),
    undo: () => g(remote.undo()),
    redo: () => g(remote.redo()),
    quarantined: () => g(remote.quarantined()),
    exportFiles: (request) => g(remote.exportFiles(request)),
    verify: (text, clean) => g(remote.verify(text, clean)),
    pixels: (rows) => g(remote.pixels(rows)),
    classMean: (label) => g(remote.classMean(label)),
    scoreIndex: (dbName, datasetId) => g(remote.scoreIndex(dbName, datasetId)),
    compareRetrain: (afterRunId) => g(remote.compareRetrain(afterRunId)),
    comparisons: () => g(remote.comparisons()),
  };
  return { api, life, dispose };
}
