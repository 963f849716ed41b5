/** React access to the app store and the workbench, provided once at the root. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Workbench } from '../controllers/ingest/controller';
import type { AppState, AppStore } from './store';

export interface AppContextValue {
  store: AppStore;
  workbench: Workbench;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('AppContext is missing: render views inside <App>.');
  return value;
}

/** Selects from the app store; select narrowly, the component re-renders when the selection changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/** The workbench whose actions the views call. */
export function useWorkbench(): Workbench {
  return useAppContext().workbench;
}
