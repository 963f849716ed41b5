/** The one app store, combined from typed slices. Vanilla (no React) so the workbench and tests drive it directly. */
import { createStore } from 'zustand/vanilla';
import { createDatasetSlice, type DatasetSlice } from './datasetSlice';
import { createImportSlice, type ImportSlice } from './importSlice';
import { createMemorySlice, type MemorySlice } from './memorySlice';
import { createReviewSlice, type ReviewSlice } from './reviewSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { createScoreSlice, type ScoreSlice } from './scoreSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = DatasetSlice &
  ImportSlice &
  UiSlice &
  RunSlice &
  ScoreSlice &
  ReviewSlice &
  MemorySlice;

/** A fresh store; the app makes one per mounted root. */
export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createDatasetSlice(...a),
    ...createImportSlice(...a),
    ...createUiSlice(...a),
    ...createRunSlice(...a),
    ...createScoreSlice(...a),
    ...createReviewSlice(...a),
    ...createMemorySlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
