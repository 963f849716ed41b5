/** Starts the review worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ReviewApi, ReviewLoad } from '../../../workers/review.api';
import { startWatchedWorker, type WorkerClient } from '../worker-client';

/** The review API, its watch and how to stop it (the real worker in the app, the in-process service in tests). */
export type ReviewWorker = WorkerClient<ReviewApi>;

function loadTransferables(data: ReviewLoad): ArrayBuffer[] {
  const arrays = [
    data.labels,
    data.sampleRows,
    data.suggested,
    data.suspicion,
    data.labelIssue,
    data.anomalousRows,
    ...data.flags,
    ...Object.values(data.scores),
    data.embeddings,
    data.confidence,
    data.variability,
  ];
  return [...new Set(arrays.flatMap((a) => (a ? [a.buffer as ArrayBuffer] : [])))];
}

/** A fresh review worker; `load` transfers the buffers it is given (the controller passes copies). */
export function startReviewWorker(): ReviewWorker {
  const { remote, life, dispose } = startWatchedWorker<ReviewApi>(
    (name) =>
      new Worker(new URL('../../../workers/review.worker.ts', import.meta.url), { type: 'module', name }),
    'sift-review',
    'the review worker',
  );
  const guard = life.guard;
  const api: ReviewApi = {
    load: (data) => guard(remote.load(Comlink.transfer(data, loadTransferables(data)))),
    query: (query, decisions) =>
      guard(remote.query(query, Comlink.transfer(decisions, [decisions.buffer as ArrayBuffer]))),
    lasso: (space, polygon) => guard(remote.lasso(space, polygon)),
    percentiles: (row) => guard(remote.percentiles(row)),
    neighbours: (row, k) => guard(remote.neighbours(row, k)),
    exportFiles: (request) => guard(remote.exportFiles(request)),
    verify: (text, csv) => guard(remote.verify(text, csv)),
  };
  return { api, life, dispose };
}
