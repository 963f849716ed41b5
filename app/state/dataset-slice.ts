/** Stored datasets as the UI sees them: the list's summaries and the open dataset's metadata. */
import type { StateCreator } from 'zustand';
import type { DatasetSummary } from '../db/datasets';
import type { DatasetId, DatasetMeta } from '../db/schema';

export interface DatasetSlice {
  /** Newest first; null until the store has been read once. */
  datasets: DatasetSummary[] | null;
  /** The open dataset (metadata only: per-row arrays stay in IndexedDB). */
  current: DatasetMeta | null;
  setDatasets: (datasets: DatasetSummary[]) => void;
  setCurrent: (meta: DatasetMeta | null) => void;
  /** Applies a rename to the list and, if it is open, to the current dataset. */
  applyRename: (meta: DatasetMeta) => void;
  /** Drops a deleted dataset from the list and closes it if it was open. */
  applyRemove: (id: DatasetId) => void;
}

/** The dataset slice of the app store. */
export const createDatasetSlice: StateCreator<DatasetSlice, [], [], DatasetSlice> = (set) => ({
  datasets: null,
  current: null,
  setDatasets: (datasets) => set({ datasets }),
  setCurrent: (current) => set({ current }),
  applyRename: (meta) =>
    set((state) => ({
      datasets: state.datasets?.map((d) => (d.id === meta.id ? { ...d, name: meta.name } : d)) ?? null,
      current: state.current?.id === meta.id ? meta : state.current,
    })),
  applyRemove: (id) =>
    set((state) => ({
      datasets: state.datasets?.filter((d) => d.id !== id) ?? null,
      current: state.current?.id === id ? null : state.current,
    })),
});
