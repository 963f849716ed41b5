/**
 * UMAP layouts of the runs under review: computed on demand in the UMAP worker, kept in memory per run (the last
 * few runs), with progress and cancel. Views read a run's status through `subscribe`/`statusOf`
 * (useSyncExternalStore); the map draws a finished layout exactly as it draws the PCA one.
 */

import { errorText } from '../../../workers/core/error-text';
import type { UmapJobId, UmapProgress } from '../../../workers/umap.api';
import type { UmapWorker } from './umap-client';

/** Where a run's UMAP layout is. */
export type UmapStatus =
  | { kind: 'idle' }
  | { kind: 'running'; progress: UmapProgress | null }
  | {
      kind: 'done';
      /** rows × 2 per dataset row, NaN where no sample is. */
      xy: Float32Array;
      fitted: number;
      samples: number;
      ms: number;
    }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

/** A run's embeddings (sample order, a copy the job takes) and where each sample sits in the dataset. */
export interface UmapSource {
  runId: string;
  rows: number;
  embeddings: Float32Array;
  dim: number;
  sampleRows: Int32Array;
  seed: number;
}

const IDLE: UmapStatus = { kind: 'idle' };
/** Runs whose layouts stay in memory (a layout is rows × 2 floats: 1.6 MB at 200,000 rows). */
const KEEP_RUNS = 4;

/** The UMAP layouts of one review session; `dispose` stops the worker. */
export class UmapLayouts {
  private worker: UmapWorker | null = null;
  private readonly statuses = new Map<string, UmapStatus>();
  private readonly jobs = new Map<string, UmapJobId>();
  private readonly listeners = new Set<() => void>();
  private nextJob = 0;

  constructor(private readonly startWorker: () => UmapWorker) {}

  /** Calls `listener` whenever a status changes; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The status of `runId`'s layout (the same object until it changes). */
  statusOf(runId: string): UmapStatus {
    return this.statuses.get(runId) ?? IDLE;
  }

  private set(runId: string, status: UmapStatus): void {
    this.statuses.delete(runId); // re-inserted last: the Map's order is the eviction order
    this.statuses.set(runId, status);
    for (const id of this.statuses.keys()) {
      if (this.statuses.size <= KEEP_RUNS) break;
      if (this.statuses.get(id)?.kind !== 'running') this.statuses.delete(id);
    }
    for (const listener of this.listeners) listener();
  }

  /** Lays out `source` unless its run is done or running; resolves when the job ends (or is dropped). */
  async compute(source: UmapSource): Promise<void> {
    const { runId } = source;
    const now = this.statusOf(runId).kind;
    if (now === 'running' || now === 'done') return;
    const jobId = `umap-${++this.nextJob}` as UmapJobId;
    this.jobs.set(runId, jobId);
    this.set(runId, { kind: 'running', progress: null });
    this.worker ??= this.startWorker();
    const started = performance.now();
    try {
      const out = await this.worker.api.layout(
        {
          jobId,
          // Transferred: the source is the review worker's copy, handed over for this job.
          embeddings: source.embeddings,
          sampleRows: source.sampleRows,
          dim: source.dim,
          rows: source.rows,
          options: { seed: source.seed },
        },
        (progress) => {
          if (this.jobs.get(runId) === jobId) this.set(runId, { kind: 'running', progress });
        },
      );
      if (this.jobs.get(runId) !== jobId) return; // cancelled or superseded: drop it
      this.jobs.delete(runId);
      this.set(
        runId,
        out.kind === 'finished'
          ? {
              kind: 'done',
              xy: out.xy,
              fitted: out.fitted,
              samples: out.samples,
              ms: performance.now() - started,
            }
          : { kind: 'cancelled' },
      );
    } catch (error) {
      if (this.jobs.get(runId) !== jobId) return;
      this.jobs.delete(runId);
      this.set(runId, { kind: 'failed', message: errorText(error) });
    }
  }

  /**
   * Cancels `runId`'s job: the worker stops at its next epoch. While it is still building the neighbour graph (one
   * call umap-js cannot interrupt) the worker is stopped outright instead, and the next job starts a fresh one.
   */
  cancel(runId: string): void {
    const jobId = this.jobs.get(runId);
    const status = this.statusOf(runId);
    if (!jobId || status.kind !== 'running') return;
    this.jobs.delete(runId);
    this.set(runId, { kind: 'cancelled' });
    if (!status.progress || status.progress.phase === 'neighbours') {
      this.worker?.dispose();
      this.worker = null;
      // Any other run's job went with that worker.
      for (const other of [...this.jobs.keys()]) this.set(other, { kind: 'cancelled' });
      this.jobs.clear();
    } else {
      void this.worker?.api.cancel(jobId);
    }
  }

  /** Dataset rows of a finished layout inside `polygon` (data coordinates), found in the worker. */
  lasso(xy: Float32Array, polygon: Float32Array): Promise<Int32Array> {
    this.worker ??= this.startWorker();
    return this.worker.api.lasso(xy, polygon);
  }

  /** Stops the worker; a later call starts a fresh one. */
  dispose(): void {
    this.worker?.dispose();
    this.worker = null;
    this.jobs.clear();
  }
}
