/**
 * Test helper for the workers' stored jobs: a synthetic dataset written as a CSV, ingested by the core and stored
 * through the app's own stores in a fake-indexeddb database (import 'fake-indexeddb/auto' first), as an import
 * would store it. Not part of any worker.
 */
import { toRecords } from '../app/db/dataset-records';
import type { DatasetId } from '../app/db/ids';
import { openSiftDb } from '../app/db/open';
import type { DatasetMeta } from '../app/db/schema';
import { type Stores, storesOf } from '../app/db/stores';
import { packIds } from './core/ingest/ids';
import { ingestCsv } from './core/ingest/ingest';
import type { TrainingData } from './core/train/types';
import { syntheticData } from './train-backends';

/** A stored synthetic dataset: its stores, its metadata, and its rows as training data (labels `a`, `b`, `c`, …). */
export interface StoredSynthetic {
  stores: Stores;
  meta: DatasetMeta;
  data: TrainingData;
  /** Row ids, `s-<row>`. */
  ids: string[];
}

/** Stores `syntheticData(rows, features, classes, seed)` as dataset `ds-1` of database `dbName`. */
export async function storeSynthetic(
  dbName: string,
  shape: { rows: number; features: number; classes: number; seed: number },
): Promise<StoredSynthetic> {
  const synthetic = syntheticData(shape.rows, shape.features, shape.classes, shape.seed);
  const names = Array.from({ length: shape.features }, (_, f) => `f${f}`);
  const ids = Array.from({ length: shape.rows }, (_, r) => `s-${r}`);
  const lines = ids.map((id, r) => {
    const x = Array.from(synthetic.features.subarray(r * shape.features, (r + 1) * shape.features), String);
    return [id, ...x, String.fromCharCode(97 + (synthetic.labels[r] ?? 0))].join(',');
  });
  const csv = new TextEncoder().encode(`id,${names.join(',')},label\n${lines.join('\n')}\n`);
  const ingested = ingestCsv(csv, 'synthetic.csv', { labelColumn: 'label', idColumn: 'id' });
  const { meta, arrays } = toRecords(
    { ...ingested, idText: packIds(ingested.ids) },
    {
      id: 'ds-1' as DatasetId,
      classCounts: ingested.classes.map((_, k) => ingested.labels.filter((y) => y === k).length),
      plan: { labelColumn: 'label', idColumn: 'id', excluded: [], oneHot: [], missing: 'impute-median' },
      limits: { maxRows: 1e6, maxColumns: 1e4, maxBytes: 1e9, maxClasses: 1e4 },
      timings: { readMs: 0, parseMs: 0, workerMs: 0, transferMs: 0, storeMs: 0, totalMs: 0 },
      createdAt: 1,
    },
  );
  const stores = storesOf(await openSiftDb(dbName));
  await stores.datasets.save(meta, arrays, new Blob([csv]));
  const data: TrainingData = {
    features: arrays.features.slice(),
    featureCount: shape.features,
    labels: arrays.labels.slice(),
    classCount: meta.classes.length,
  };
  return { stores, meta, data, ids };
}
