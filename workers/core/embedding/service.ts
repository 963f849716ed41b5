/**
 * The UMAP layout service behind workers/umap.worker.ts, plain enough to run in-process in tests: one job at a
 * time per service, cancellable by id, results spread from sample order onto dataset rows.
 */
import { pointsInPolygon } from '../review/geometry';
import { type UmapOptions, type UmapProgress, umap2d } from './umap';

/** Identifies one layout job; a cancel naming another job is ignored. */
export type UmapJobId = string & { readonly __brand: 'UmapJobId' };

/** What to lay out: a run's final-epoch embeddings (sample order) and where each sample sits in the dataset. */
export interface UmapRequest {
  jobId: UmapJobId;
  /** N × dim, row-major, in sample order. */
  embeddings: Float32Array;
  dim: number;
  /** Dataset row of each sample. */
  sampleRows: Int32Array;
  /** Dataset rows: the layout has 2 × rows values, NaN for rows without a sample. */
  rows: number;
  options: UmapOptions;
}

/** The end of a job, as the app sees it. */
export type UmapJobOutcome =
  | {
      kind: 'finished';
      jobId: UmapJobId;
      /** rows × 2 row-major coordinates per dataset row (NaN: no sample). */
      xy: Float32Array;
      fitted: number;
      samples: number;
      epochs: number;
      timings: { graphMs: number; epochsMs: number; placeMs: number; totalMs: number };
    }
  | { kind: 'cancelled'; jobId: UmapJobId; epoch: number };

/** The UMAP layout service. */
export interface UmapService {
  layout(request: UmapRequest, onProgress: (progress: UmapProgress) => void): Promise<UmapJobOutcome>;
  cancel(jobId: UmapJobId): void;
  /** Rows of the rows × 2 layout `xy` inside `polygon` (data coordinates), so a lasso never loops on the page. */
  lasso(xy: Float32Array, polygon: Float32Array): Promise<Int32Array>;
}

/** A UMAP service; jobs run one after another, a new job does not cancel a running one. */
export function createUmapService(): UmapService {
  const running = new Map<UmapJobId, AbortController>();
  return {
    async layout(request, onProgress) {
      const { jobId, embeddings, dim, sampleRows, rows } = request;
      const n = sampleRows.length;
      const abort = new AbortController();
      running.set(jobId, abort);
      const started = performance.now();
      try {
        const out = await umap2d(embeddings, n, dim, request.options, { signal: abort.signal, onProgress });
        if (out.kind === 'cancelled') return { kind: 'cancelled', jobId, epoch: out.epoch };
        const xy = new Float32Array(rows * 2).fill(Number.NaN);
        for (let j = 0; j < n; j++) {
          const r = sampleRows[j] as number;
          if (r < 0 || r >= rows) continue;
          xy[2 * r] = out.xy[2 * j] as number;
          xy[2 * r + 1] = out.xy[2 * j + 1] as number;
        }
        return {
          kind: 'finished',
          jobId,
          xy,
          fitted: out.fitted,
          samples: n,
          epochs: out.epochs,
          timings: { ...out.timings, totalMs: performance.now() - started },
        };
      } finally {
        running.delete(jobId);
      }
    },
    cancel(jobId) {
      running.get(jobId)?.abort();
    },
    async lasso(xy, polygon) {
      return pointsInPolygon(xy, polygon);
    },
  };
}
