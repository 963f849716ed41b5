/** The import flow: the form's draft (preview, plan, limits) and the status of the running or last job. */
import type { StateCreator } from 'zustand';
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
      progress: IngestProgress | null;
      /** True once the worker is done and the app is writing to IndexedDB. */
      storing: boolean;
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
      problems: Problem[];
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

export interface ImportSlice {
  draft: ImportDraft | null;
  job: ImportJob;
  setDraft: (draft: ImportDraft | null) => void;
  setPlan: (plan: ColumnPlan) => void;
  setLimits: (limits: IngestLimits) => void;
  setJob: (job: ImportJob) => void;
  /** Records progress, but only for the job that is still running. */
  setProgress: (jobId: IngestJobId, progress: IngestProgress) => void;
  /** Marks the running job as storing, if it is still the running one. */
  setStoring: (jobId: IngestJobId) => void;
}

/** The import slice of the app store. */
export const createImportSlice: StateCreator<ImportSlice, [], [], ImportSlice> = (set) => ({
  draft: null,
  job: { kind: 'idle' },
  setDraft: (draft) => set({ draft }),
  setPlan: (plan) => set((state) => (state.draft ? { draft: { ...state.draft, plan } } : {})),
  setLimits: (limits) =>
    set((state) => (state.draft ? { draft: { ...state.draft, limits, rechecking: true } } : {})),
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
