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

/**
 * Ids cross the worker boundary (and are stored) as one string, joined by U+0000: one string clones in a
 * fraction of the time of 200,000 small ones. The ingest core refuses files holding NUL bytes, so no id has one.
 */
export const ID_SEPARATOR = '\u0000';

/** Joins ids for transfer and storage; throws if an id holds the separator (the core's NUL check makes that a bug). */
export function packIds(ids: string[]): string {
  if (ids.some((id) => id.includes(ID_SEPARATOR)))
    throw new Error('An id contains U+0000 and cannot be packed.');
  return ids.join(ID_SEPARATOR);
}

/** The ids packed by `packIds`, in row order ([] for zero rows). */
export function unpackIds(idText: string, rows: number): string[] {
  return rows === 0 ? [] : idText.split(ID_SEPARATOR);
}

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
  /** Reads the head of the file and proposes column roles; never rejects for a bad file (problems are in the result). */
  preview(file: File, limits?: IngestLimits): Promise<CsvPreview>;
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
