/**
 * Review decisions in IndexedDB. Each log entry is written in one transaction with the rows it changes, and the
 * promise resolves only once that transaction has committed: the UI shows a decision as done after that, so
 * closing the tab mid-review loses nothing that was shown.
 */
import { type IDBPDatabase, openDB } from 'idb';
import { type DecisionState, type LogEntry, replayLog } from '../../workers/core/review/decision-log';
import type { DecisionLogRecord, DecisionRecord } from './decision-schema';
import { type DatasetId, SCHEMA_VERSION, type SiftSchema, upgradeSchema } from './schema';

/** The decisions half of Sift's database. One instance per open app; `close()` when the app goes away. */
export class DecisionStore {
  private constructor(private readonly db: IDBPDatabase<SiftSchema>) {}

  /** Opens (and creates or upgrades) the database `name` (default `sift`). */
  static async open(name = 'sift'): Promise<DecisionStore> {
    const db = await openDB<SiftSchema>(name, SCHEMA_VERSION, {
      upgrade: (database, oldVersion, _newVersion, tx) => upgradeSchema(database, oldVersion, tx),
      blocking: () => db.close(),
    });
    return new DecisionStore(db);
  }

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

  /** Closes the connection. */
  close(): void {
    this.db.close();
  }
}
