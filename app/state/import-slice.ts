/** The import flow: the form's draft (preview, plan, limits) and the status of the running or last job. */
import type { StateCreator } from 'zustand';
import type {
  ImageIngestProgress,
  ImageLimits,
  ImagePlan,
  ImagePreview,
  ImageProblem,
} from '../../workers/core/ingest/images/types';
import type {
  ColumnPlan,
  CsvPreview,
  IngestLimits,
  IngestProgress,
  Problem,
} from '../../workers/core/ingest/types';
import type { IngestJobId } from '../../workers/ingest.api';
import type { DatasetId, ImportTimings } from '../db/schema';

/** The status of an import job; `jobId` lets late messages of a superseded job be dropped. */
export type ImportJob =
  | { kind: 'idle' }
  | {
      kind: 'running';
      jobId: IngestJobId;
      fileName: string;
      totalBytes: number;
      /** A CSV's bytes and rows, or an image import's phase and images. */
      progress: IngestProgress | ImageIngestProgress | null;
      /** True once the worker is done and the app (an image import: the worker) is writing to IndexedDB. */
      storing: boolean;
      /** An image zip or folder (its progress counts entries and images, not bytes and rows). */
      images?: boolean;
    }
  | {
      kind: 'done';
      jobId: IngestJobId;
      fileName: string;
      datasetId: DatasetId;
      rows: number;
      timings: ImportTimings;
    }
  | {
      kind: 'failed';
      jobId: IngestJobId;
      fileName: string;
      /** What the validator found; each names the file, and the line and column where known. */
      problems: Array<Problem | ImageProblem>;
      /** A failure that is not the file's fault (the worker crashed, storage refused the write). */
      detail: string | null;
    }
  | { kind: 'cancelled'; jobId: IngestJobId; fileName: string };

/** A stored dataset whose file has the same SHA-256 as the one being imported. */
export interface StoredTwin {
  id: DatasetId;
  name: string;
  createdAt: number;
}

/** The import form's state once a file has been previewed. */
export interface ImportDraft {
  preview: CsvPreview;
  /** The stored dataset imported from the very same bytes, when there is one (the form offers to open it). */
  duplicate?: StoredTwin | null;
  plan: ColumnPlan;
  limits: IngestLimits;
  /** True while the preview is re-run with changed limits: its problems may be stale, so Import waits. */
  rechecking?: boolean;
}

/** What an image import form is about: a zip, or a folder of files. */
export interface ImageSourceSummary {
  kind: 'zip' | 'folder';
  name: string;
  files: number;
  bytes: number;
}

/** The image import form's state once a zip or folder has been previewed (issue 11). */
export interface ImageImportDraft {
  source: ImageSourceSummary;
  preview: ImagePreview;
  plan: ImagePlan;
  limits: ImageLimits;
  /** True while the preview is re-run with changed limits. */
  rechecking?: boolean;
}

export interface ImportSlice {
  draft: ImportDraft | null;
  /** The image import form's draft; at most one of `draft` and `imageDraft` is set. */
  imageDraft: ImageImportDraft | null;
  job: ImportJob;
  setDraft: (draft: ImportDraft | null) => void;
  setImageDraft: (draft: ImageImportDraft | null) => void;
  setImagePlan: (plan: ImagePlan) => void;
  setPlan: (plan: ColumnPlan) => void;
  setJob: (job: ImportJob) => void;
  /** Records progress, but only for the job that is still running. */
  setProgress: (jobId: IngestJobId, progress: IngestProgress | ImageIngestProgress) => void;
  /** Marks the running job as storing, if it is still the running one. */
  setStoring: (jobId: IngestJobId) => void;
}

/** The import slice of the app store. */
export const createImportSlice: StateCreator<ImportSlice, [], [], ImportSlice> = (set) => ({
  draft: null,
  imageDraft: null,
  job: { kind: 'idle' },
  setDraft: (draft) => set(draft ? { draft, imageDraft: null } : { draft }),
  setImageDraft: (imageDraft) => set(imageDraft ? { imageDraft, draft: null } : { imageDraft }),
  setImagePlan: (plan) =>
    set((state) => (state.imageDraft ? { imageDraft: { ...state.imageDraft, plan } } : {})),
  setPlan: (plan) => set((state) => (state.draft ? { draft: { ...state.draft, plan } } : {})),
  setJob: (job) => set({ job }),
  setProgress: (jobId, progress) =>
    set((state) =>
      state.job.kind === 'running' && state.job.jobId === jobId ? { job: { ...state.job, progress } } : {},
    ),
  setStoring: (jobId) =>
    set((state) =>
      state.job.kind === 'running' && state.job.jobId === jobId
        ? { job: { ...state.job, storing: true } }
        : {},
    ),
});
