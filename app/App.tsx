import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { Session } from './session';
import { jobInFlight } from './state/jobs';
import { isBusy } from './state/ui-slice';
import { AppError } from './views/AppError';
import { ImportForm } from './views/ImportForm';
import { ImportProgress } from './views/ImportProgress';
import { Overview } from './views/Overview';
import { ReviewView } from './views/review/ReviewView';
import { StartScreen } from './views/StartScreen';
import { SessionContext, useApp, useVerifier } from './views/session-context';
import { TrainView } from './views/train/TrainView';
import { VerifyView } from './views/verify/VerifyView';

/** The root view: the session (built outside React, app/session.ts) for every view below, and the current screen. */
export function App({ session }: { session: Session }) {
  // The root tells e2e tests (and assistive tech) when the app is idle: STYLE.md §13.
  const busy = useStore(session.store, isBusy);
  return (
    <div className="app" data-testid="app-root" data-state={busy ? 'busy' : 'idle'} aria-busy={busy}>
      <Header />
      <SessionContext.Provider value={session}>
        <Shell />
      </SessionContext.Provider>
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

/** While a job runs, a reload or close asks first (the browser shows its own words). */
function useLeaveGuard() {
  const job = useApp(jobInFlight);
  useEffect(() => {
    if (!job) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [job]);
}

function Shell() {
  const screen = useApp((s) => s.screen.kind);
  const verifier = useVerifier();
  useLeaveGuard();
  return (
    <main
      className={screen === 'review' ? 'content content-wide' : 'content'}
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        // A drop outside every drop zone: a manifest opens verification wherever it lands.
        if (event.defaultPrevented) return;
        event.preventDefault();
        void verifier.route([...event.dataTransfer.files]);
      }}
    >
      <AppError />
      {screen === 'start' && <StartScreen />}
      {screen === 'import' && <ImportForm />}
      {screen === 'progress' && <ImportProgress />}
      {screen === 'overview' && <Overview />}
      {screen === 'train' && <TrainView />}
      {screen === 'review' && <ReviewView />}
      {screen === 'verify' && <VerifyView />}
    </main>
  );
}
