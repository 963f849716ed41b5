/**
 * Scoring as the UI sees it: the job this tab is running (with its progress), the score record on show for the
 * shown run (with the names its samples need), and the request to review its suspects. No worker handles.
 */
import type { StateCreator } from 'zustand';
import type { ScoreJobId, ScoreProgressMessage } from '../../workers/score.api';
import type { RunId } from '../db/run-schema';
import type { DatasetId } from '../db/schema';
import type { ScoreRecord } from '../db/score-schema';

/** The scoring this tab is running. */
export interface LiveScore {
  jobId: ScoreJobId;
  runId: RunId;
  phase: 'starting' | 'running' | 'cancelling';
  progress: ScoreProgressMessage | null;
}

/** The run's score records on show: the newest of any status, and the newest finished one with its row names. */
export interface ShownScores {
  runId: RunId;
  /** Newest scoring of the run (may be running, interrupted, failed, cancelled). */
  latest: ScoreRecord | null;
  /** Newest finished scoring, whose summary the panel shows. */
  done: ScoreRecord | null;
  /** Dataset row ids (for naming suspects). */
  ids: string[] | null;
}

/** What the review screen (issue 5) opens: the dataset, run and score set whose suspects to review. */
export interface ReviewRequest {
  datasetId: DatasetId;
  runId: RunId;
  scoreId: ScoreJobId;
}

export interface ScoreSlice {
  liveScore: LiveScore | null;
  shownScores: ShownScores | null;
  /** A recombination (new weights or q) is on its way back from the worker. */
  recombining: boolean;
  /** Live tensors of the score worker: before the last job, after it, and now (read after it ended). */
  scoreMemory: { before: number; after: number; now: number } | null;
  scoreError: string | null;
  reviewRequest: ReviewRequest | null;
  setLiveScore: (live: LiveScore | null) => void;
  patchLiveScore: (jobId: ScoreJobId, patch: Partial<Omit<LiveScore, 'jobId' | 'runId'>>) => void;
  setShownScores: (shown: ShownScores | null) => void;
  /** Replaces a record on show (latest and/or done) when it is the same scoring. */
  upsertScore: (record: ScoreRecord) => void;
  setRecombining: (busy: boolean) => void;
  setScoreMemory: (memory: ScoreSlice['scoreMemory']) => void;
  setScoreError: (message: string | null) => void;
  requestReview: (request: ReviewRequest | null) => void;
}

/** The scoring slice of the app store. */
export const createScoreSlice: StateCreator<ScoreSlice, [], [], ScoreSlice> = (set) => ({
  liveScore: null,
  shownScores: null,
  recombining: false,
  scoreMemory: null,
  scoreError: null,
  reviewRequest: null,
  setLiveScore: (liveScore) => set({ liveScore }),
  patchLiveScore: (jobId, patch) =>
    set((state) => (state.liveScore?.jobId === jobId ? { liveScore: { ...state.liveScore, ...patch } } : {})),
  setShownScores: (shownScores) => set({ shownScores }),
  upsertScore: (record) =>
    set((state) => {
      const shown = state.shownScores;
      if (!shown || shown.runId !== record.runId) return {};
      const newer =
        !shown.latest || shown.latest.id === record.id || record.createdAt >= shown.latest.createdAt;
      const done = record.status === 'done' && record.scoreSet ? record : shown.done;
      return {
        shownScores: {
          ...shown,
          latest: newer ? record : shown.latest,
          done: done && shown.done && done.createdAt < shown.done.createdAt ? shown.done : done,
        },
      };
    }),
  setRecombining: (recombining) => set({ recombining }),
  setScoreMemory: (scoreMemory) => set({ scoreMemory }),
  setScoreError: (scoreError) => set({ scoreError }),
  requestReview: (reviewRequest) => set({ reviewRequest }),
});
