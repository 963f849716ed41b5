/** The schema's upgrade from version 4 (before image datasets) keeps every stored record. */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { openSiftDb } from './open';
import { SCHEMA_VERSION, type SiftSchema, upgradeSchema } from './schema';

describe('schema upgrade', () => {
  it('from version 4 adds datasetImages and keeps the datasets, arrays, files and decisions stored before', async () => {
    const name = 'upgrade-from-4';
    const old = await openDB<SiftSchema>(name, 4, {
      upgrade: (db, oldVersion, _newVersion, tx) => upgradeSchema(db, oldVersion, tx, 4),
    });
    expect([...old.objectStoreNames]).not.toContain('datasetImages');
    const meta = { id: 'ds-old', name: 'old', createdAt: 1, sha256: 'ab' } as never;
    await old.put('datasets', meta);
    await old.put('datasetFiles', { id: 'ds-old' as never, blob: new Blob(['a,b\n1,2\n']) });
    await old.put('decisions', {
      datasetId: 'ds-old',
      row: 3,
      decision: 'quarantine',
      reasons: ['x'],
      note: '',
      at: 2,
    } as never);
    old.close();

    const db = await openSiftDb(name);
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames]).toContain('datasetImages');
    expect(await db.get('datasets', 'ds-old' as never)).toMatchObject({ name: 'old', sha256: 'ab' });
    const file = await db.get('datasetFiles', 'ds-old' as never);
    expect(await file?.blob.text()).toBe('a,b\n1,2\n');
    expect(await db.count('decisions')).toBe(1);
    expect(await db.getAllFromIndex('datasets', 'by-sha256', 'ab')).toHaveLength(1);
    db.close();
  });
});
