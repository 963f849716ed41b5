/**
 * The image entry points of the ingest worker (issue 11), a contract apart from the CSV one (ingest.api.ts): a zip
 * (a File) or a dropped folder (Files with their paths inside it) is previewed, then imported to pixels and stored
 * in IndexedDB by the worker itself, in one transaction (nothing is stored on an error or a cancel). Progress and
 * cancel as for CSV; errors cross as data; only the stored dataset's metadata comes back.
 */
import type { DatasetMeta } from '../app/db/schema';
import type { ImportStage } from './core/ingest/images/stages';
import type {
  ImageIngestProgress,
  ImageLimits,
  ImagePlan,
  ImagePreview,
  ImageProblem,
} from './core/ingest/images/types';
import type { IngestJobId } from './ingest.api';

/** What the page hands over: a zip, or a folder's files with their paths inside the folder (`/`-separated). */
export type ImageInput =
  | { kind: 'zip'; file: File }
  | { kind: 'folder'; name: string; files: File[]; paths: string[] };

/** Where the import is stored: the database, the new dataset's key and its creation time. */
export interface ImageStoreTarget {
  dbName: string;
  datasetId: string;
  createdAt: number;
}

/** Where the time of an image import went, in ms, measured in the worker. */
export interface ImageIngestTimings {
  /** The catalog pass (0 when the preview's catalog was reused). */
  scanMs: number;
  /** Reading, hashing, decoding and resizing every image. */
  decodeMs: number;
  /** Building the records (class means, thumbnails) and the one IndexedDB transaction. */
  storeMs: number;
  totalMs: number;
  /** The same time by stage, summed over every image (core/ingest/images/stages.ts). */
  stages: Partial<Record<ImportStage, number>>;
}

export type ImageIngestOutcome =
  | { kind: 'done'; meta: DatasetMeta; timings: ImageIngestTimings }
  | { kind: 'failed'; problems: ImageProblem[] }
  | { kind: 'cancelled' };

export type ImagePreviewOutcome = { kind: 'done'; preview: ImagePreview } | { kind: 'cancelled' };

export interface ImageIngestApi {
  /** Checks every entry and reads every header; never rejects for a bad source (problems are in the preview). */
  previewImages(
    jobId: IngestJobId,
    input: ImageInput,
    limits: ImageLimits,
    onProgress: (p: ImageIngestProgress) => void,
  ): Promise<ImagePreviewOutcome>;
  /** Imports every image to the plan's shape and stores the dataset at `target`. */
  ingestImages(
    jobId: IngestJobId,
    input: ImageInput,
    plan: ImagePlan,
    limits: ImageLimits,
    target: ImageStoreTarget,
    onProgress: (p: ImageIngestProgress) => void,
  ): Promise<ImageIngestOutcome>;
}
