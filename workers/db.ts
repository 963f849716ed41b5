/**
 * A worker's own connection to Sift's IndexedDB (one per worker, reused), over the app's schema and stores
 * (app/db/: the schema's single owner). Workers that own per-sample data read and write it here.
 */
import { openSiftDb, type SiftDb } from '../app/db/open';
import { type Stores, storesOf } from '../app/db/stores';

let connection: { name: string; db: Promise<SiftDb> } | null = null;

/** The stores of the database `name` over this worker's connection (opened on first use). */
export function storesFor(name: string): Promise<Stores> {
  if (connection?.name !== name) {
    void connection?.db.then((db) => db.close()).catch(() => undefined);
    connection = { name, db: openSiftDb(name) };
  }
  return connection.db.then(storesOf);
}
