import type { RunProgress } from '../../controllers/train/controller';
import { retryBackend } from '../../controllers/worker-life';
import { formatCount } from '../../format';
import { useApp, useTrainer } from '../session-context';
import { BACKEND_LABEL, formatDuration } from './format';

/** The live run: phase, progress (epoch, batch, samples/s, ETA), Pause/Resume and Cancel. */
export function RunControls() {
  const trainer = useTrainer();
  const phase = useApp((s) => s.live?.phase ?? 'idle');
  const progress = useApp((s) => s.live?.progress ?? null);
  const error = useApp((s) => s.trainError);
  return (
    <section className="panel run-controls" aria-labelledby="run-controls-title" data-testid="run-controls">
      <h3 id="run-controls-title">Training</h3>
      <p data-testid="run-phase" data-phase={phase} aria-live="polite">
        {phase === 'idle' && 'Not training.'}
        {phase === 'starting' && 'Starting: reading the dataset and choosing a backend…'}
        {phase === 'running' && 'Training…'}
        {phase === 'paused' && 'Paused.'}
        {phase === 'stopping' && 'Cancelling at the next batch…'}
      </p>
      {progress && phase !== 'idle' && <ProgressLine progress={progress} />}
      <div className="form-actions">
        {phase === 'paused' ? (
          <button type="button" onClick={() => void trainer.resume()}>
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={phase !== 'running'}
            onClick={() => void trainer.pause()}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          className="danger"
          disabled={phase !== 'running' && phase !== 'paused'}
          onClick={() => void trainer.cancel()}
        >
          Cancel training
        </button>
      </div>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="train-error">
          <p>{error}</p>
        </div>
      )}
      {phase === 'idle' && <CrashRetry />}
    </section>
  );
}

/** After a run's worker died: why, and a retry of the same settings on another backend. */
function CrashRetry() {
  const trainer = useTrainer();
  const run = useApp((s) => s.shownRun);
  if (run?.status !== 'failed' || !run.crash) return null;
  const backend = retryBackend(run.crash.backend);
  const runId = run.id;
  return (
    <div className="notice" data-testid="train-crash" data-backend={run.crash.backend ?? ''}>
      <p>
        This run’s worker stopped{run.crash.backend ? ` on ${BACKEND_LABEL[run.crash.backend]}` : ''}; the
        stored datasets, runs and decisions are untouched.
      </p>
      <div className="form-actions">
        <button
          type="button"
          data-testid="train-retry"
          data-backend={backend}
          onClick={() => void trainer.retryOnBackend(runId, backend)}
        >
          Retry on {BACKEND_LABEL[backend]}
        </button>
      </div>
    </div>
  );
}

function ProgressLine({ progress }: { progress: RunProgress }) {
  const epochs = progress.stepsPerEpoch ? Math.round(progress.totalSteps / progress.stepsPerEpoch) : 0;
  return (
    <>
      <progress
        aria-label="Training progress"
        max={progress.totalSteps || 1}
        value={progress.stepsDone}
        data-testid="train-progress-bar"
      />
      <p
        className="progress-line"
        data-testid="train-progress"
        data-steps={progress.stepsDone}
        data-epoch={progress.epoch}
      >
        Epoch {Math.min(progress.epoch + 1, epochs)} of {epochs} · batch {progress.batch} of{' '}
        {progress.stepsPerEpoch} · {formatCount(Math.round(progress.samplesPerSecond))} samples/s · elapsed{' '}
        {formatDuration(progress.elapsedMs)} · ETA {formatDuration(progress.etaMs)}
      </p>
    </>
  );
}

/** The train worker's live tensors around the last run: equal before and after unless something leaked. */
export function WorkerMemory() {
  const memory = useApp((s) => s.workerMemory);
  if (!memory) return null;
  return (
    <p
      className="muted small"
      data-testid="worker-tensors"
      data-before={memory.before}
      data-after={memory.after}
      data-now={memory.now}
    >
      Training worker: {formatCount(memory.now)} live tensors ({formatCount(memory.before)} before the last
      run, {formatCount(memory.after)} after it).
    </p>
  );
}

/** The backend a run trains (or trained) on, and why. */
export function RunBackend() {
  const live = useApp((s) => s.live?.backend ?? null);
  const stored = useApp((s) => s.shownRun?.backend ?? null);
  const backend = live ?? stored;
  if (!backend) return null;
  return (
    <p className="run-backend" data-testid="run-backend" data-backend={backend.backend}>
      <strong>Backend: {BACKEND_LABEL[backend.backend]}.</strong>{' '}
      <span data-testid="run-backend-reason">{backend.reason}</span>
    </p>
  );
}
