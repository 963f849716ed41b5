/**
 * Review decisions in IndexedDB. Each log entry is written in one transaction with the rows it changes, and the
 * promise resolves only once that transaction has committed: the UI shows a decision as done after that, so
 * closing the tab mid-review loses nothing that was shown.
 */
import { type DecisionState, type LogEntry, replayLog } from '../../workers/core/review/decision-log';
import type { DecisionLogRecord, DecisionRecord } from './decision-schema';
import type { SiftDb } from './open';
import type { DatasetId } from './schema';

/** The decisions half of Sift's database. One per session, over its connection. */
export class DecisionStore {
  /** A store over the session's connection (app/db/open.ts); closing is the connection owner's. */
  constructor(private readonly db: SiftDb) {}

  /** The decision state of a dataset, rebuilt from its stored log. */
  async load(datasetId: DatasetId): Promise<DecisionState> {
    const entries = await this.db.getAllFromIndex('decisionLog', 'by-dataset', datasetId);
    return replayLog(entries);
  }

  /** The current decision records of a dataset (what exports read). */
  current(datasetId: DatasetId): Promise<DecisionRecord[]> {
    return this.db.getAllFromIndex('decisions', 'by-dataset', datasetId);
  }

  /** Appends a log entry and applies its changes in one transaction; resolves once it is committed. */
  async append(datasetId: DatasetId, entry: LogEntry): Promise<void> {
    const tx = this.db.transaction(['decisionLog', 'decisions'], 'readwrite');
    const log = tx.objectStore('decisionLog');
    const rows = tx.objectStore('decisions');
    const record: DecisionLogRecord = { ...entry, datasetId };
    const writes: Promise<unknown>[] = [log.add(record)];
    for (const change of entry.changes) {
      if (change.after === null) writes.push(rows.delete([datasetId, change.row]));
      else writes.push(rows.put({ datasetId, row: change.row, ...change.after, at: entry.at }));
    }
    await Promise.all([...writes, tx.done]);
  }

  /** Deletes every decision and log entry of a dataset. */
  async clear(datasetId: DatasetId): Promise<void> {
    const tx = this.db.transaction(['decisionLog', 'decisions'], 'readwrite');
    const range = IDBKeyRange.bound([datasetId, -Infinity], [datasetId, Infinity]);
    await Promise.all([
      tx.objectStore('decisionLog').delete(range),
      tx.objectStore('decisions').delete(range),
      tx.done,
    ]);
  }
}
