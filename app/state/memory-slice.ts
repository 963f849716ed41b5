/** The memory budget override (bytes; null: the browser's own budget), shared by the training and scoring forms. */
import type { StateCreator } from 'zustand';
import { browserStorage, readBudgetOverride } from '../memory/budget';

export interface MemorySlice {
  memoryBudgetOverride: number | null;
  setMemoryBudgetOverride: (bytes: number | null) => void;
}

/** The memory slice of the app store; it starts from the override kept in this browser. */
export const createMemorySlice: StateCreator<MemorySlice, [], [], MemorySlice> = (set) => ({
  memoryBudgetOverride: readBudgetOverride(browserStorage()),
  setMemoryBudgetOverride: (bytes) => set({ memoryBudgetOverride: bytes }),
});
