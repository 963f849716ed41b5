import { formatDate } from '../../format';
import { ScorePanel } from '../scores/ScorePanel';
import { useApp, useIngest } from '../session-context';
import { AnomalyList } from './AnomalyList';
import { BackendPanel } from './BackendPanel';
import { CurvesPanel } from './CurvesPanel';
import { formatDuration, statusLabel } from './format';
import { RunControls } from './RunControls';
import { RunList } from './RunList';
import { SettingsForm } from './SettingsForm';

/** Training a model on the open dataset: settings, live progress and curves, anomalies, the backend, past runs. */
export function TrainView() {
  const meta = useApp((s) => s.current);
  const workbench = useIngest();
  if (!meta) return null;
  return (
    <div className="train" data-testid="train-view" data-dataset-id={meta.id}>
      <div className="overview-head">
        <button type="button" className="link" onClick={() => void workbench.openDataset(meta.id)}>
          ← Overview
        </button>
        <h2>Train a model on {meta.name}</h2>
      </div>
      <div className="train-top">
        <SettingsForm />
        <div className="train-side">
          <RunControls />
          <BackendPanel />
        </div>
      </div>
      <ShownRun />
      <ScorePanel />
      <CurvesPanel />
      <AnomalyList />
      <RunList />
    </div>
  );
}

/** Which run the curves below belong to. */
function ShownRun() {
  const run = useApp((s) => s.shownRun);
  // While the run on show trains, its progress is live; its stored record is saved only every 2 s.
  const live = useApp((s) => (s.live && s.live.runId === s.shownRun?.id ? s.live.progress : null));
  if (!run) return null;
  const done = live ? live.epoch : run.epochsDone;
  return (
    <p
      className="shown-run"
      data-testid="shown-run"
      data-run-id={run.id}
      data-status={run.status}
      data-epochs-done={done}
    >
      Showing run of {formatDate(run.createdAt)}: <strong>{statusLabel(run.status)}</strong>
      {run.message && <span> — {run.message}</span>} · {done} of {run.settings.epochs} epochs done in{' '}
      {formatDuration(live ? live.elapsedMs : run.elapsedMs)}.
    </p>
  );
}
