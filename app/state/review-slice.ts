/**
 * The review screen's state: the opened review's summary, the table's query and length, the decisions' counts (only
 * after IndexedDB has committed them), the selection every view shares, and the export and verify outcomes. The
 * per-sample data stays in the review worker; `version` changes whenever the rows it would answer change, so the
 * views ask again for what they show.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_QUERY, type ReviewQuery } from '../../workers/core/review/table';
import type { DecisionSummary, ReviewSummary, VerifyOutcome } from '../../workers/review.api';

export type ReviewStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'empty'; message: string }
  | { kind: 'failed'; message: string };

export interface ExportedFile {
  name: string;
  url: string;
  bytes: number;
}

export interface ReviewState {
  status: ReviewStatus;
  summary: ReviewSummary | null;
  query: ReviewQuery;
  /** Rows matching the query. */
  count: number;
  /** Bumped when the table's rows or their decisions change. */
  version: number;
  decisions: DecisionSummary;
  /** Rows selected by any view. */
  selection: readonly number[];
  /** The row the detail panel shows and j/k move, and its table position (null when unknown). */
  focus: number | null;
  focusAt: number | null;
  /** The reason text for the next quarantine or restore. */
  reason: string;
  exported: ExportedFile[];
  verify: VerifyOutcome | null;
  /** The run whose UMAP layout the review worker holds (the map can draw it), or null. */
  umapRunId: string | null;
}

export interface ReviewSlice {
  review: ReviewState;
  patchReview: (patch: Partial<ReviewState>) => void;
}

export const NO_DECISIONS: DecisionSummary = { quarantined: 0, kept: 0, canUndo: false, canRedo: false };

export const EMPTY_REVIEW: ReviewState = {
  status: { kind: 'idle' },
  summary: null,
  query: DEFAULT_QUERY,
  count: 0,
  version: 0,
  decisions: NO_DECISIONS,
  selection: [],
  focus: null,
  focusAt: null,
  reason: '',
  exported: [],
  verify: null,
  umapRunId: null,
};

/** The review slice of the app store. */
export const createReviewSlice: StateCreator<ReviewSlice, [], [], ReviewSlice> = (set) => ({
  review: EMPTY_REVIEW,
  patchReview: (patch) => set((state) => ({ review: { ...state.review, ...patch } })),
});
