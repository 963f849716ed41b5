/**
 * The stored shape of score sets: one record per scoring of a run, with the parameters that produced it. Typed
 * arrays are stored as typed arrays (structured clone), never as JSON numbers. The score worker writes them
 * (workers/score-store.ts); the page writes one only to mark it failed when its worker died under it.
 */

import type { CalibrationReport } from '../../workers/core/calibration/types';
import type { ScoreSummary } from '../../workers/core/scores/summary';
import type { FamilyName, ScoreParams, ScoreSet } from '../../workers/core/scores/types';
import type { BackendChoice, BackendName } from '../../workers/core/train/backend-choice';
import type { DatasetId, RunId, ScoreJobId } from './ids';

export type { ScoreJobId };

/** Cross-validation settings of the label-issue family. */
export interface CrossValSettings {
  /** K folds (default 5). */
  folds: number;
  /**
   * Epochs each fold trains; null: `crossValEpochsFor` the run's epochs (half, rounded up). Fewer epochs make the K
   * fold trainings cheaper; the out-of-sample probabilities only need a reasonable model, not the best one.
   */
  epochs: number | null;
}

/** What every scoring record holds, whatever its status. */
interface ScoreFields {
  id: ScoreJobId;
  runId: RunId;
  datasetId: DatasetId;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** Every parameter: the resolved score parameters (the current suspicion rule included) and the cross-validation. */
  params: ScoreParams;
  crossVal: CrossValSettings;
  /** Whether the scoring was asked to calibrate on canaries (absent in records stored before issue 10: no). */
  calibrate?: boolean;
}

/** A scoring some tab is running (or was, when it closed: found at start-up and marked interrupted). */
export interface RunningScoreRecord extends ScoreFields {
  status: 'running';
  message: null;
  /** The backend it scores on and why; null until the worker has chosen. */
  backend: BackendChoice | null;
}

/** A finished scoring: its score set, sample order, labels, summary and timings are always there. */
export interface DoneScoreRecord extends ScoreFields {
  status: 'done';
  message: null;
  backend: BackendChoice;
  scoreSet: ScoreSet;
  /** Dataset row of each scored sample (score arrays are in this order). */
  sampleRows: Int32Array;
  /** Assigned label code of each scored sample. */
  labels: Int32Array;
  /** Flag counts, label issues and top suspects under the current suspicion rule. */
  summary: ScoreSummary;
  /** ms: cross-validation, scoring, the whole job. */
  timings: { crossValMs: number; scoreMs: number; totalMs: number };
  /**
   * The calibration's report when the suspicion was calibrated (issue 10): per canary kind what finds it, the
   * sentence, and `estimate.rows`, the estimated number of poisoned rows (the review's default "select top N").
   * Absent or null: the suspicion is the uncalibrated rule's (not asked, too few rows, or not yet done).
   */
  calibration?: CalibrationReport | null;
}

/** A scoring stopped before its end: cancelled, or failed (an error, or its worker died); no scores are kept. */
export interface StoppedScoreRecord extends ScoreFields {
  status: 'failed' | 'cancelled';
  /** Why, for people. */
  message: string;
  backend: BackendChoice | null;
  /**
   * Set when the scoring failed because its worker died under it (crash, out of memory, lost WebGPU device): the
   * backend it asked for (null: not known), so the UI can offer a retry on another.
   */
  crash?: { backend: BackendName | null };
}

/** A scoring that was running when its tab closed or reloaded; no scores were kept. */
export interface InterruptedScoreRecord extends ScoreFields {
  status: 'interrupted';
  message: string;
  backend: BackendChoice | null;
}

/** One scoring of a run: a union on `status`, so "done without a score set" cannot be written. */
export type ScoreRecord = RunningScoreRecord | DoneScoreRecord | StoppedScoreRecord | InterruptedScoreRecord;

/** Where a scoring stands. */
export type ScoreStatus = ScoreRecord['status'];

/** One of the top suspects of a score set, named for people (the score worker names them). */
export interface Suspect {
  /** Index into the score set. */
  sample: number;
  /** Dataset row. */
  row: number;
  id: string;
  /** Class codes: the assigned label and confident learning's suggestion (-1: none). */
  label: number;
  suggested: number;
  suspicion: number;
  /** The families that flag it. */
  flaggedBy: FamilyName[];
}

/** A finished scoring as the page shows it: its summary and named top suspects, none of its per-sample arrays. */
export interface DoneScoreView extends Omit<DoneScoreRecord, 'scoreSet' | 'sampleRows' | 'labels'> {
  /** Samples scored. */
  samples: number;
  /** True when kNN ran through the IVF approximation. */
  knnApproximate: boolean;
  /** The top suspects of `summary.top`, in its order. */
  suspects: Suspect[];
}

/** A scoring as the page's store holds it: a finished one without its arrays, any other as stored. */
export type ScoreView = Exclude<ScoreRecord, DoneScoreRecord> | DoneScoreView;
