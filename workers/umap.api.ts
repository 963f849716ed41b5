/**
 * The typed contract of the UMAP worker: lays out a run's embeddings in 2-D with umap-js off the main thread,
 * with progress per epoch and cancellation between epochs. The app depends on `UmapApi` only; the Vitest test
 * drives the same service in-process (workers/core/embedding/service.test.ts).
 */
import type { UmapJobId, UmapJobOutcome, UmapRequest } from './core/embedding/service';
import type { UmapOptions, UmapProgress } from './core/embedding/umap';

export type { UmapJobId, UmapJobOutcome, UmapOptions, UmapProgress, UmapRequest };

/** What the app can ask of the UMAP worker. */
export interface UmapApi {
  /** Lays out `request.embeddings`; the request's arrays are transferred (the caller loses them). */
  layout(request: UmapRequest, onProgress: (progress: UmapProgress) => void): Promise<UmapJobOutcome>;
  /** Stops the job at its next epoch or chunk; it then resolves as `cancelled`. Other ids are ignored. */
  cancel(jobId: UmapJobId): Promise<void>;
  /** Rows of the rows × 2 layout `xy` inside `polygon` (data coordinates). */
  lasso(xy: Float32Array, polygon: Float32Array): Promise<Int32Array>;
}
