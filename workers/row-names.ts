/**
 * Dataset rows named for people, in a worker: the dataset's ids are read from IndexedDB and split there (never on
 * the page), once per dataset. The train worker names an anomalous batch's samples, the score worker the top suspects.
 */
import { storesFor } from './db';
import type { NamedSample, StoredDataset } from './train.api';

/** Names dataset rows for people; a dataset's ids are read and split once, in the worker, and kept for the next ask. */
export class RowNames {
  private cached: { key: string; ids: string[]; labels: Int32Array } | null = null;

  /** The id and class code of each of `rows` (rows outside the dataset are named `row-<n>`, class -1). */
  async name(dataset: StoredDataset, rows: Int32Array): Promise<NamedSample[]> {
    const key = `${dataset.dbName}\u0000${dataset.datasetId}`;
    if (this.cached?.key !== key) {
      const stores = await storesFor(dataset.dbName);
      const loaded = await stores.runs.loadIds(dataset.datasetId);
      if (!loaded) throw new Error('The dataset is no longer stored in this browser.');
      this.cached = { key, ...loaded };
    }
    const { ids, labels } = this.cached;
    return Array.from(rows, (row) => ({ row, id: ids[row] ?? `row-${row}`, label: labels[row] ?? -1 }));
  }
}
