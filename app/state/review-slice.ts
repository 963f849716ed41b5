/**
 * The review screen's state: the opened review's summary, the table's query and length, the decisions' counts (only
 * after IndexedDB has committed them), the selection every view shares, and the export and verify outcomes. The
 * per-sample data stays in the review worker; `version` changes whenever the rows it would answer change, so the
 * views ask again for what they show.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_QUERY, type ReviewQuery } from '../../workers/core/review/table';
import type { DecisionSummary, ReviewOpened, ReviewSummary, ScoreIndexEntry } from '../../workers/review.api';

export type ReviewStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | Extract<ReviewOpened, { kind: 'empty' }>
  | { kind: 'failed'; message: string };

export interface ExportedFile {
  name: string;
  url: string;
  bytes: number;
}

export interface ReviewState {
  status: ReviewStatus;
  /** What was asked to open: the dataset, and the score set (null: its newest). The URL names these. */
  opened: { datasetId: string; scoreId: string | null } | null;
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
  /** The reason the analyst typed: kept as it is while they move, until they change it. */
  reason: string;
  /** The families that flagged the selection: the reason used when none is typed. */
  suggestion: string;
  exported: ExportedFile[];
  /** The run whose UMAP layout the review worker holds (the map can draw it), or null. */
  umapRunId: string | null;
}

export interface ReviewSlice {
  review: ReviewState;
  /** The open dataset's score sets (the runs list marks which runs are scored); null until read. */
  scoreIndex: { datasetId: string; entries: ScoreIndexEntry[] } | null;
  patchReview: (patch: Partial<ReviewState>) => void;
  setScoreIndex: (index: ReviewSlice['scoreIndex']) => void;
}

export const NO_DECISIONS: DecisionSummary = { quarantined: 0, kept: 0, canUndo: false, canRedo: false };

export const EMPTY_REVIEW: ReviewState = {
  status: { kind: 'idle' },
  opened: null,
  summary: null,
  query: DEFAULT_QUERY,
  count: 0,
  version: 0,
  decisions: NO_DECISIONS,
  selection: [],
  focus: null,
  focusAt: null,
  reason: '',
  suggestion: '',
  exported: [],
  umapRunId: null,
};

/** The review slice of the app store. */
export const createReviewSlice: StateCreator<ReviewSlice, [], [], ReviewSlice> = (set) => ({
  review: EMPTY_REVIEW,
  scoreIndex: null,
  patchReview: (patch) => set((state) => ({ review: { ...state.review, ...patch } })),
  setScoreIndex: (scoreIndex) => set({ scoreIndex }),
});
