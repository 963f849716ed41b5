/** Which screen is shown, whether the app is busy (for people and for e2e waits), and app-level errors. */
import type { StateCreator } from 'zustand';
import type { DatasetSlice } from './dataset-slice';
import type { ImportSlice } from './import-slice';

export type Screen =
  | { kind: 'start' }
  | { kind: 'import' }
  | { kind: 'progress' }
  | { kind: 'overview' }
  | { kind: 'train' }
  | { kind: 'review' }
  | { kind: 'verify' };

export interface UiSlice {
  screen: Screen;
  /** Async operations in flight (preview, store reads and writes); the root shows `data-state="busy"` while > 0. */
  pending: number;
  /** An error that is not an import's (e.g. IndexedDB refused a write), shown in an alert. */
  error: string | null;
  go: (screen: Screen) => void;
  beginWork: () => void;
  endWork: () => void;
  setError: (error: string | null) => void;
}

/** The UI slice of the app store. */
export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  screen: { kind: 'start' },
  pending: 0,
  error: null,
  go: (screen) => set({ screen }),
  beginWork: () => set((state) => ({ pending: state.pending + 1 })),
  endWork: () => set((state) => ({ pending: Math.max(0, state.pending - 1) })),
  setError: (error) => set({ error }),
});

/** Whether the app is doing anything a test or a person should wait for. */
export function isBusy(state: UiSlice & Pick<ImportSlice, 'job'> & Pick<DatasetSlice, 'datasets'>): boolean {
  return state.pending > 0 || state.job.kind === 'running' || state.datasets === null;
}
