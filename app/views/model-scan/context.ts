/** The model scan's controller for the views, and narrow selectors on its store. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ModelScanController, ModelScanState } from '../../controllers/model-scan/controller';

export const ModelScanContext = createContext<ModelScanController | null>(null);

export function useModelScanController(): ModelScanController {
  const controller = useContext(ModelScanContext);
  if (!controller) throw new Error('The model scan is used outside its provider.');
  return controller;
}

export function useModelScan<T>(select: (state: ModelScanState) => T): T {
  return useStore(useModelScanController().store, select);
}
