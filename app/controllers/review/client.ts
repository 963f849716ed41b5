/** Starts the review worker and hands back its API; the rest of the app never sees a `Worker`. */
import * as Comlink from 'comlink';
import type { ReviewApi, ReviewLoad } from '../../../workers/review.api';
import type { ReviewWorker } from './controller';

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
  const worker = new Worker(new URL('../../../workers/review.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sift-review',
  });
  const remote = Comlink.wrap<ReviewApi>(worker);
  const api: ReviewApi = {
    load: (data) => remote.load(Comlink.transfer(data, loadTransferables(data))),
    query: (query, decisions) =>
      remote.query(query, Comlink.transfer(decisions, [decisions.buffer as ArrayBuffer])),
    lasso: (space, polygon) => remote.lasso(space, polygon),
    percentiles: (row) => remote.percentiles(row),
    neighbours: (row, k) => remote.neighbours(row, k),
    exportFiles: (request) => remote.exportFiles(request),
    verify: (text, csv) => remote.verify(text, csv),
  };
  return {
    api,
    dispose: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
