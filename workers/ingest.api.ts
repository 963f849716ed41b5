/**
 * The typed contract of the ingest worker. The app depends on `IngestApi` only (like perfetto's `Engine`):
 * it never sees the `Worker`, and a test can drive the same interface in-process.
 */
import type {
  ColumnPlan,
  CsvPreview,
  IngestedDataset,
  IngestLimits,
  IngestProgress,
  Problem,
} from './core/ingest/types';

/** A validated dataset as it crosses from the worker: everything of `IngestedDataset`, ids packed. */
export type TransferredDataset = Omit<IngestedDataset, 'ids'> & {
  /** `packIds(ids)`. */
  idText: string;
};

/** Identifies one import; `cancel(jobId)` stops it and late results of a superseded job are dropped. */
export type IngestJobId = string;

/** How long the worker spent on an import, in milliseconds. */
export interface WorkerIngestTimings {
  /** Waiting for the file's bytes (Blob slices read from disk). */
  readMs: number;
  /** Parse, validate and hash, summed over every pushed chunk and `finish()`. */
  parseMs: number;
  /** Wall clock from the start of the job to the result being posted. */
  totalMs: number;
  /** `performance.timeOrigin + performance.now()` when the result was posted: the app measures transfer from it. */
  postedAt: number;
}

/** What an import ends with. Errors cross as data: comlink serialises thrown `Error`s poorly. */
export type IngestOutcome =
  | {
      kind: 'done';
      dataset: TransferredDataset;
      /** Rows per class code, `classCounts[k]` for `dataset.classes[k]`. */
      classCounts: number[];
      timings: WorkerIngestTimings;
    }
  | { kind: 'failed'; problems: Problem[] }
  | { kind: 'cancelled' };

/** Receives progress at most about ten times a second. */
export type IngestProgressCallback = (progress: IngestProgress) => void;

/** The worker's API. Every method is async across the worker boundary. */
export interface IngestApi {
  /**
   * Reads the head of the file and proposes column roles; never rejects for a bad file (problems are in the result).
   * With `plan` (the roles chosen in the import form), the head's rows are checked under it rather than the proposal.
   */
  preview(file: File, limits?: IngestLimits, plan?: ColumnPlan): Promise<CsvPreview>;
  /** Streams the whole file through the validator; the dataset's typed arrays are transferred, not copied. */
  ingest(
    jobId: IngestJobId,
    file: File,
    plan: ColumnPlan,
    limits: IngestLimits,
    onProgress: IngestProgressCallback,
  ): Promise<IngestOutcome>;
  /** Asks a running import to stop at its next chunk; it then resolves with `{ kind: 'cancelled' }`. */
  cancel(jobId: IngestJobId): Promise<void>;
}
