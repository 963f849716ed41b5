/** The stored shape of "retrain on clean" comparisons: one record per retrained run, kept with the run it compares to. */
import type { RetrainComparison } from '../../workers/core/review/compare';
import type { DatasetId } from './ids';
import type { RunId } from './run-schema';

/** A comparison of a run with its retraining without the quarantined rows. */
export interface ComparisonRecord {
  /** The retrained run's id: one comparison per retraining. */
  id: RunId;
  datasetId: DatasetId;
  /** The run that was scored and reviewed (before). */
  beforeRunId: RunId;
  /** The run trained without the quarantined rows (after). */
  afterRunId: RunId;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The dataset rows the retraining left out, sorted. */
  excludedRows: Int32Array;
  comparison: RetrainComparison;
}
