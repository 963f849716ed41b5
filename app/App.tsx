import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { DatasetStore } from './db/datasets';
import { startIngestWorker } from './ingest/client';
import { AppContext, type AppContextValue, useApp } from './state/context';
import { createAppStore } from './state/store';
import { isBusy } from './state/uiSlice';
import { AppError } from './views/AppError';
import { ImportForm } from './views/ImportForm';
import { ImportProgress } from './views/ImportProgress';
import { Overview } from './views/Overview';
import { StartScreen } from './views/StartScreen';
import { Workbench } from './workbench';

/** The root: one store, one workbench (with its worker and database connection) per mounted app. */
export function App() {
  const [store] = useState(createAppStore);
  const [context, setContext] = useState<AppContextValue | null>(null);
  useEffect(() => {
    const workbench = new Workbench(store, DatasetStore.open(), startIngestWorker);
    setContext({ store, workbench });
    void workbench.refresh();
    return () => workbench.dispose();
  }, [store]);
  // The root tells e2e tests (and assistive tech) when the app is idle: STYLE.md §13.
  const busy = useStore(store, isBusy) || context === null;
  return (
    <div className="app" data-testid="app-root" data-state={busy ? 'busy' : 'idle'} aria-busy={busy}>
      <Header />
      {context ? (
        <AppContext.Provider value={context}>
          <Shell />
        </AppContext.Provider>
      ) : (
        <main className="content" />
      )}
    </div>
  );
}

function Header() {
  return (
    <header className="topbar">
      <h1>Sift</h1>
      <p className="muted">Runs locally: your data never leaves this browser.</p>
    </header>
  );
}

function Shell() {
  const screen = useApp((s) => s.screen.kind);
  return (
    <main className="content">
      <AppError />
      {screen === 'start' && <StartScreen />}
      {screen === 'import' && <ImportForm />}
      {screen === 'progress' && <ImportProgress />}
      {screen === 'overview' && <Overview />}
    </main>
  );
}
