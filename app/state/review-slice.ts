/**
 * The review screen's state: what is loaded, the table's query and order, the decisions as shown (only after
 * IndexedDB has committed them), the selection every view shares, and the export and verify outcomes. Typed arrays
 * are plain data (structured-cloneable); no worker handles.
 */
import type { StateCreator } from 'zustand';
import type { RowDecision } from '../../workers/core/manifest/build';
import type { Histogram } from '../../workers/core/review/geometry';
import { DEFAULT_QUERY, type ReviewQuery } from '../../workers/core/review/table';
import type { VerifyOutcome } from '../../workers/review.api';
import type { DatasetId } from '../db/schema';
import type { AppState } from './store';

export type ReviewStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'empty'; message: string }
  | { kind: 'failed'; message: string };

export interface ReviewData {
  datasetId: DatasetId;
  runId: string | null;
  rows: number;
  ids: string[];
  labels: Int32Array;
  classes: string[];
  suggested: Int32Array;
  suspicion: Float32Array;
  /** Bit f: family f flagged the row. */
  flagBits: Uint8Array;
  families: string[];
  scoreNames: string[];
  pca: Float32Array;
  cartography: Float32Array;
  histograms: Record<string, Histogram & { threshold: number }>;
}

export interface ExportedFile {
  name: string;
  url: string;
  bytes: number;
}

export interface ReviewState {
  status: ReviewStatus;
  data: ReviewData | null;
  query: ReviewQuery;
  /** Dataset rows in table order. */
  order: Int32Array;
  /** 0 none / 1 keep / 2 quarantine per row; a new array on every change. */
  codes: Uint8Array;
  decisions: ReadonlyMap<number, RowDecision>;
  canUndo: boolean;
  canRedo: boolean;
  /** Rows selected by any view. */
  selection: readonly number[];
  /** The row the detail panel shows and j/k move. */
  focus: number | null;
  /** The reason text for the next quarantine or restore. */
  reason: string;
  exported: ExportedFile[];
  verify: VerifyOutcome | null;
}

export interface ReviewSlice {
  review: ReviewState;
  patchReview: (patch: Partial<ReviewState>) => void;
}

export const EMPTY_REVIEW: ReviewState = {
  status: { kind: 'idle' },
  data: null,
  query: DEFAULT_QUERY,
  order: new Int32Array(0),
  codes: new Uint8Array(0),
  decisions: new Map(),
  canUndo: false,
  canRedo: false,
  selection: [],
  focus: null,
  reason: '',
  exported: [],
  verify: null,
};

/** The review slice of the app store. */
export const createReviewSlice: StateCreator<AppState, [], [], ReviewSlice> = (set) => ({
  review: EMPTY_REVIEW,
  patchReview: (patch) => set((state) => ({ review: { ...state.review, ...patch } })),
});
