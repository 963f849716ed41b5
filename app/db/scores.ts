/** Stored score sets in IndexedDB (via idb): one record per scoring of a run, looked up by run or by dataset. */
import type { Recombined } from '../../workers/score.api';
import type { SiftDb } from './open';
import type { RunId } from './run-schema';
import type { DatasetId } from './schema';
import type { ScoreJobId, ScoreRecord } from './score-schema';

export type { ScoreJobId, ScoreRecord, ScoreStatus } from './score-schema';

/** A fresh scoring key; `getRandomValues` works outside secure contexts, unlike `randomUUID`. */
export function newScoreJobId(): ScoreJobId {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `score-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}` as ScoreJobId;
}

/** Newest first. */
const newestFirst = (a: ScoreRecord, b: ScoreRecord) => b.createdAt - a.createdAt;

/** The scores half of Sift's database. One per session, over its connection. */
export class ScoreStore {
  /** A store over the session's connection (app/db/open.ts); closing is the connection owner's. */
  constructor(private readonly db: SiftDb) {}

  /** Writes a scoring's record (at start as 'running', at the end with its score set). */
  async saveScoreSet(record: ScoreRecord): Promise<void> {
    await this.db.put('scores', record);
  }

  /** One scoring by key. */
  get(id: ScoreJobId): Promise<ScoreRecord | undefined> {
    return this.db.get('scores', id);
  }

  /** The newest finished score set of a run. */
  async latestScoreSetForRun(runId: RunId): Promise<ScoreRecord | undefined> {
    const all = await this.db.getAllFromIndex('scores', 'by-run', runId);
    return all.filter((r) => r.status === 'done' && r.scoreSet).sort(newestFirst)[0];
  }

  /** The newest finished score set of any run of a dataset. */
  async latestScoreSetForDataset(datasetId: DatasetId): Promise<ScoreRecord | undefined> {
    return (await this.listScoreSets(datasetId)).find((r) => r.status === 'done' && r.scoreSet);
  }

  /** Every scoring of a dataset's runs (finished or not), newest first. */
  async listScoreSets(datasetId: DatasetId): Promise<ScoreRecord[]> {
    return (await this.db.getAllFromIndex('scores', 'by-dataset', datasetId)).sort(newestFirst);
  }

  /** Replaces a finished score set's suspicion, family values and flags (new weights or q), keeping the rule with them. */
  async updateSuspicion(id: ScoreJobId, next: Recombined): Promise<ScoreRecord | undefined> {
    const tx = this.db.transaction('scores', 'readwrite');
    const record = await tx.store.get(id);
    if (!record?.scoreSet) {
      await tx.done;
      return undefined;
    }
    const params = { ...record.params, suspicion: next.suspicionParams };
    const updated: ScoreRecord = {
      ...record,
      params,
      updatedAt: Date.now(),
      summary: next.summary,
      scoreSet: {
        ...record.scoreSet,
        families: next.families,
        suspicion: next.suspicion,
        flags: next.flags,
        params,
      },
    };
    await Promise.all([tx.store.put(updated), tx.done]);
    return updated;
  }

  /** Marks every 'running' scoring as 'interrupted', except those `isLive` says a tab is running. */
  async markInterrupted(isLive: (id: ScoreJobId) => boolean): Promise<ScoreJobId[]> {
    const tx = this.db.transaction('scores', 'readwrite');
    const marked: ScoreJobId[] = [];
    for (const record of await tx.store.getAll()) {
      if (record.status !== 'running' || isLive(record.id)) continue;
      marked.push(record.id);
      await tx.store.put({
        ...record,
        status: 'interrupted',
        message: 'The tab scoring it closed or reloaded before it finished; score the run again.',
        updatedAt: Date.now(),
      });
    }
    await tx.done;
    return marked;
  }

  /** Deletes every scoring of a dataset (with the dataset) or of a run. */
  async removeFor(key: { datasetId: DatasetId } | { runId: RunId }): Promise<void> {
    const tx = this.db.transaction('scores', 'readwrite');
    const keys =
      'runId' in key
        ? await tx.store.index('by-run').getAllKeys(key.runId)
        : await tx.store.index('by-dataset').getAllKeys(key.datasetId);
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
  }
}
