/**
 * Retrain comparisons: the review worker compares the open review's run with its retraining on the validation rows
 * both held out, predicts the quarantined rows with the retrained model, and stores the comparison with the run;
 * the stored ones are listed. Asked through the review controller's worker.
 */
import type { ComparisonEntry, ReviewApi } from '../../../workers/review.api';

export type { ComparisonEntry };

export class RetrainComparisons {
  constructor(private readonly api: () => ReviewApi) {}

  /** Compares the open review's run with `afterRunId` and stores the comparison. */
  compare(afterRunId: string): Promise<ComparisonEntry> {
    return this.api().compareRetrain(afterRunId);
  }

  /** The stored comparisons of the open review's run, newest first. */
  list(): Promise<ComparisonEntry[]> {
    return this.api().comparisons();
  }
}
