/** The one app store, combined from typed slices. Vanilla (no React) so the workbench and tests drive it directly. */
import { createStore } from 'zustand/vanilla';
import { createDatasetSlice, type DatasetSlice } from './dataset-slice';
import { createImportSlice, type ImportSlice } from './import-slice';
import { createMemorySlice, type MemorySlice } from './memory-slice';
import { createReviewSlice, type ReviewSlice } from './review-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { createScoreSlice, type ScoreSlice } from './score-slice';
import { createUiSlice, type UiSlice } from './ui-slice';
import { createVerifySlice, type VerifySlice } from './verify-slice';

export type AppState = DatasetSlice &
  ImportSlice &
  UiSlice &
  RunSlice &
  ScoreSlice &
  ReviewSlice &
  MemorySlice &
  VerifySlice;

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
    ...createVerifySlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
