import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { createBrowserModelScan } from './controllers/model-scan/browser';
import { DatasetStore } from './db/datasets';
import { RunStore } from './db/runs';
import { ScoreStore } from './db/scores';
import { startIngestWorker } from './ingest/client';
import { startScoreWorker } from './scores/client';
import { ScoreController } from './scores/controller';
import { AppContext, type AppContextValue, useApp } from './state/context';
import { createAppStore } from './state/store';
import { isBusy } from './state/uiSlice';
import { startTrainWorker } from './train/client';
import { browserEnvironment, TrainController } from './train/controller';
import { AppError } from './views/AppError';
import { ImportForm } from './views/ImportForm';
import { ImportProgress } from './views/ImportProgress';
import { ModelScanContext } from './views/model-scan/context';
import { Overview } from './views/Overview';
import { startReviewWorker } from './views/review/client';
import { ReviewController } from './views/review/controller';
import { ReviewView } from './views/review/ReviewView';
import { ReviewContext } from './views/review/reviewContext';
import { StartScreen } from './views/StartScreen';
import { ScoreContext } from './views/scores/scoreContext';
import { TrainView } from './views/train/TrainView';
import { TrainContext } from './views/train/trainContext';
import { Workbench } from './workbench';

/** The root: one store, one workbench (with its worker and database connection) per mounted app. */
export function App() {
  const [store] = useState(createAppStore);
  const [context, setContext] = useState<AppContextValue | null>(null);
  const [trainer, setTrainer] = useState<TrainController | null>(null);
  const [reviewer, setReviewer] = useState<ReviewController | null>(null);
  const [scorer, setScorer] = useState<ScoreController | null>(null);
  const [modelScan] = useState(createBrowserModelScan);
  useEffect(() => () => modelScan.dispose(), [modelScan]);
  useEffect(() => {
    const workbench = new Workbench(store, DatasetStore.open(), startIngestWorker);
    const env = browserEnvironment();
    const training = new TrainController(store, RunStore.open(), startTrainWorker, env);
    const scoring = new ScoreController(
      store,
      ScoreStore.open(),
      RunStore.open(),
      startScoreWorker,
      env.locks,
    );
    setContext({ store, workbench });
    setTrainer(training);
    const review = new ReviewController(store, startReviewWorker);
    setReviewer(review);
    setScorer(scoring);
    void workbench.refresh();
    void training.init();
    void scoring.init();
    return () => {
      workbench.dispose();
      training.dispose();
      review.dispose();
      scoring.dispose();
    };
  }, [store]);
  // The root tells e2e tests (and assistive tech) when the app is idle: STYLE.md §13.
  const busy = useStore(store, isBusy) || context === null;
  return (
    <div className="app" data-testid="app-root" data-state={busy ? 'busy' : 'idle'} aria-busy={busy}>
      <Header />
      {context && trainer && scorer && reviewer ? (
        <AppContext.Provider value={context}>
          <TrainContext.Provider value={trainer}>
            <ScoreContext.Provider value={scorer}>
              <ReviewContext.Provider value={reviewer}>
                <ModelScanContext.Provider value={modelScan}>
                  <Shell />
                </ModelScanContext.Provider>
              </ReviewContext.Provider>
            </ScoreContext.Provider>
          </TrainContext.Provider>
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
      {screen === 'train' && <TrainView />}
      {screen === 'review' && <ReviewView />}
    </main>
  );
}
