/**
 * The image entry points of the ingest worker (issue 11), a contract apart from the CSV one (ingest.api.ts): a zip
 * (a File) or a dropped folder (Files with their paths inside it) is previewed, then imported to pixels. Progress
 * and cancel as for CSV; errors cross as data; the dataset's typed arrays are transferred.
 */
import type {
  ImageDataset,
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

/** A dataset as it crosses from the worker: ids packed like the CSV ingest's (`packIds`). */
export type TransferredImageDataset = Omit<ImageDataset, 'ids'> & { idText: string };

/** Where the time of an image import went, in ms. */
export interface ImageIngestTimings {
  /** The catalog pass and the decode pass, in the worker. */
  totalMs: number;
  /** `performance.timeOrigin + performance.now()` when the result was posted. */
  postedAt: number;
}

export type ImageIngestOutcome =
  | { kind: 'done'; dataset: TransferredImageDataset; classCounts: number[]; timings: ImageIngestTimings }
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
  /** Imports every image to the plan's shape. */
  ingestImages(
    jobId: IngestJobId,
    input: ImageInput,
    plan: ImagePlan,
    limits: ImageLimits,
    onProgress: (p: ImageIngestProgress) => void,
  ): Promise<ImageIngestOutcome>;
}
