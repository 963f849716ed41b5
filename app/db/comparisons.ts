/** Retrain comparisons in IndexedDB: written by the review worker, listed per reviewed run. */
import type { ComparisonRecord } from './comparison-schema';
import type { SiftDb } from './open';
import type { RunId } from './run-schema';

/** The comparisons half of Sift's database, over one connection. */
export class ComparisonStore {
  /** A store over a connection (app/db/open.ts); closing is the connection owner's. */
  constructor(private readonly db: SiftDb) {}

  /** Stores (or replaces) a comparison; resolves once committed. */
  async put(record: ComparisonRecord): Promise<void> {
    await this.db.put('comparisons', record);
  }

  /** The comparisons of a run with its retrainings, newest first. */
  async forRun(beforeRunId: RunId): Promise<ComparisonRecord[]> {
    const all = await this.db.getAllFromIndex('comparisons', 'by-before', beforeRunId);
    return all.sort((a, b) => b.createdAt - a.createdAt);
  }
}
