/**
 * The one way into Sift's IndexedDB: the page opens one connection for its whole session (app/session.ts) and hands
 * it to every store; each worker that reads or writes per-sample data (score, review, train, UMAP) opens its own
 * connection here too, so every connection runs the same upgrade (schema.ts is the schema's single owner).
 */
import { type IDBPDatabase, openDB } from 'idb';
import { SCHEMA_VERSION, type SiftSchema, upgradeSchema } from './schema';

/** An open connection to Sift's database. */
export type SiftDb = IDBPDatabase<SiftSchema>;

/** The database's name in the app; tests pass their own. */
export const SIFT_DB_NAME = 'sift';

/** Opens (creating or upgrading) the database `name`. Another tab asking for a newer schema closes this connection. */
export async function openSiftDb(name = SIFT_DB_NAME): Promise<SiftDb> {
  const db: SiftDb = await openDB<SiftSchema>(name, SCHEMA_VERSION, {
    upgrade: (database, oldVersion, _newVersion, tx) => upgradeSchema(database, oldVersion, tx),
    // Another tab wants a newer schema: let it, rather than block it forever.
    blocking: () => db.close(),
  });
  return db;
}
