/**
 * The stored shape of score sets: one record per scoring of a run, with the parameters that produced it. Typed
 * arrays are stored as typed arrays (structured clone), never as JSON numbers.
 */
import type { CalibrationReport } from '../../workers/core/calibration/types';
import type { ScoreParams, ScoreSet } from '../../workers/core/scores/types';
import type { BackendChoice, BackendName } from '../../workers/core/train/backend-choice';
import type { CrossValSettings, ScoreJobId, ScoreSummary } from '../../workers/score.api';
import type { DatasetId } from './ids';
import type { RunId } from './run-schema';

export type { ScoreJobId };

/**
 * Where a scoring stands. `interrupted`: it was running when its tab closed or reloaded (found at start-up); no
 * scores were kept.
 */
export type ScoreStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** One scoring of a run. */
export interface ScoreRecord {
  id: ScoreJobId;
  runId: RunId;
  datasetId: DatasetId;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  status: ScoreStatus;
  /** Why it failed or stopped, for people; null otherwise. */
  message: string | null;
  /** Every parameter: the resolved score parameters (the current suspicion rule included) and the cross-validation. */
  params: ScoreParams;
  crossVal: CrossValSettings;
  /** The backend it scored on and why; null until the worker has chosen. */
  backend: BackendChoice | null;
  /** Null unless status is 'done'. */
  scoreSet: ScoreSet | null;
  /** Dataset row of each scored sample (score arrays are in this order); null unless done. */
  sampleRows: Int32Array | null;
  /** Assigned label code of each scored sample; null unless done. */
  labels: Int32Array | null;
  /** Flag counts, label issues and top suspects under the current suspicion rule; null unless done. */
  summary: ScoreSummary | null;
  /** ms: cross-validation, scoring, the whole job; null until done. */
  timings: { crossValMs: number; scoreMs: number; totalMs: number } | null;
  /**
   * Set when the scoring failed because its worker died under it (crash, out of memory, lost WebGPU device): the
   * backend it asked for (null: not known), so the UI can offer a retry on another.
   */
  crash?: { backend: BackendName | null };
  /** Whether the scoring was asked to calibrate on canaries (absent in records stored before issue 10: no). */
  calibrate?: boolean;
  /**
   * The calibration's report when the suspicion was calibrated (issue 10): per canary kind what finds it, the
   * sentence, and `estimate.rows`, the estimated number of poisoned rows (the review's default "select top N").
   * Absent or null: the suspicion is the uncalibrated rule's (not asked, too few rows, or not yet done).
   */
  calibration?: CalibrationReport | null;
}
