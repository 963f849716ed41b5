/**
 * Retrain comparisons in the review worker: the open review's run against a retraining of it without the
 * quarantined rows, on the validation rows both held out, with the retrained model's predictions for the rows it
 * left out; stored with the run (IndexedDB `comparisons`) and listed.
 */
import type { ComparisonRecord } from '../app/db/comparison-schema';
import { compareRetrain } from './core/review/compare';
import type { ComparisonEntry } from './review.api';
import type { OpenReview } from './review-rows';

function entryOf(record: ComparisonRecord): ComparisonEntry {
  return {
    beforeRunId: record.beforeRunId,
    afterRunId: record.afterRunId,
    createdAt: record.createdAt,
    excluded: record.excludedRows.length,
    comparison: record.comparison,
  };
}

/** Compares the open review's run with `afterRunId` and stores the comparison (one per retrained run). */
export async function compareWithRetrain(o: OpenReview, afterRunId: string): Promise<ComparisonEntry> {
  const { stores, runId, dynamics: before, meta, arrays } = o.data;
  if (!runId || !before)
    throw new Error('The reviewed run recorded no dynamics: there is nothing to compare.');
  const [run, stored] = await Promise.all([
    stores.runs.getRun(afterRunId as never),
    stores.runs.getDynamics(afterRunId as never),
  ]);
  const after = stored?.dynamics;
  if (!run || !stored || !after) throw new Error('The retrained run is not stored with its dynamics.');
  const excluded = run.excludedRows ?? new Int32Array(0);
  const last = after.checkpoints[after.checkpoints.length - 1];
  let probs: Float32Array = new Float32Array(0);
  if (excluded.length > 0) {
    if (!last) throw new Error('The retrained run kept no checkpoint to predict the quarantined rows with.');
    const { predictRows } = await import('./review-predict');
    probs = await predictRows(
      after.modelSpec ?? stored.modelSpec,
      after.standardization ?? stored.standardization,
      last,
      arrays.features,
      excluded,
    );
  }
  const record: ComparisonRecord = {
    id: run.id,
    datasetId: meta.id,
    beforeRunId: runId as never,
    afterRunId: run.id,
    createdAt: Date.now(),
    excludedRows: excluded,
    comparison: compareRetrain(before, after, excluded, probs, arrays.labels),
  };
  await stores.comparisons.put(record);
  return entryOf(record);
}

/** The stored comparisons of the open review's run, newest first. */
export async function comparisonsOf(o: OpenReview): Promise<ComparisonEntry[]> {
  if (!o.data.runId) return [];
  return (await o.data.stores.comparisons.forRun(o.data.runId as never)).map(entryOf);
}
