/**
 * The open dataset's scorings, for the runs list: which runs are scored and how often, read from IndexedDB by the
 * review worker. An answer superseded by a later request is dropped.
 */
import type { ReviewApi, ScoreIndexEntry } from '../../../workers/review.api';
import type { RunId } from '../../db/run-schema';
import type { DatasetId } from '../../db/schema';
import type { ScoreJobId } from '../../db/scores';
import type { AppStore } from '../../state/store';

export type { ScoreIndexEntry };

export class ScoreIndex {
  private ticket = 0;

  constructor(
    private readonly api: () => ReviewApi,
    private readonly store: AppStore,
    private readonly dbName: string,
  ) {}

  /** Reads the dataset's scorings into the store (`scoreIndex`); a failure is shown as the app's error. */
  async refresh(datasetId: string): Promise<void> {
    const ticket = ++this.ticket;
    try {
      const entries = await this.api().scoreIndex(this.dbName, datasetId);
      if (ticket === this.ticket) this.store.getState().setScoreIndex({ datasetId, entries });
    } catch (error) {
      if (ticket === this.ticket)
        this.store
          .getState()
          .setError(
            `The runs' scorings could not be read: ${error instanceof Error ? error.message : String(error)}`,
          );
    }
  }

  /** Opens the review of a scoring from the index (as the scores panel's "Review suspects" does). */
  review(datasetId: string, entry: ScoreIndexEntry): void {
    this.store.getState().requestReview({
      datasetId: datasetId as DatasetId,
      runId: entry.runId as RunId,
      scoreId: entry.scoreId as ScoreJobId,
    });
  }
}

/** Finished scorings per run, newest first, from a dataset's score index. */
export function scoringsByRun(entries: readonly ScoreIndexEntry[]): Map<string, ScoreIndexEntry[]> {
  const out = new Map<string, ScoreIndexEntry[]>();
  for (const e of [...entries].sort((a, b) => b.createdAt - a.createdAt)) {
    if (e.status !== 'done') continue;
    const list = out.get(e.runId);
    if (list) list.push(e);
    else out.set(e.runId, [e]);
  }
  return out;
}
