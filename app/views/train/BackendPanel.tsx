import { useMemo } from 'react';
import { chooseBackend, chooseScoringBackend } from '../../../workers/core/train/backend-choice';
import { formatDate } from '../../format';
import { useApp, useTrainer } from '../session-context';
import { BACKEND_LABEL, formatDuration } from './format';
import { RunBackend, WorkerMemory } from './RunControls';

/**
 * The backend the next run gets and why, re-measure and the backend check; the probe table, the check's figures and
 * the worker's tensor counts sit in a collapsed Diagnostics panel.
 */
export function BackendPanel() {
  const trainer = useTrainer();
  const state = useApp((s) => s.backendState);
  const override = useApp((s) => s.backendOverride);
  const live = useApp((s) => s.live !== null);
  const checked = useApp((s) => s.comparison.kind !== 'idle');
  // The same pure rule the worker applies; the worker has the last word (a backend may fail to start).
  const choice = useMemo(
    () => (state.kind === 'ready' ? chooseBackend(state.probes, override) : null),
    [state, override],
  );
  // Scoring chooses on its own probe (issue 15): it may run elsewhere than training.
  const scoring = useMemo(
    () => (state.kind === 'ready' ? chooseScoringBackend(state.probes, override) : null),
    [state, override],
  );
  return (
    <section className="panel" aria-labelledby="backend-title" data-testid="backend-panel">
      <h3 id="backend-title">Backends</h3>
      <RunBackend />
      {state.kind === 'unknown' && <p className="muted">Not measured yet in this browser.</p>}
      {state.kind === 'measuring' && (
        <p className="muted" data-testid="backend-measuring">
          Measuring the backends this browser offers (a few seconds)…
        </p>
      )}
      {state.kind === 'failed' && (
        <p className="notice notice-error" role="alert">
          The backend probe failed: {state.message}
        </p>
      )}
      {state.kind === 'ready' && choice && (
        <p data-testid="backend-choice" data-backend={choice.backend}>
          Next run: <strong>{BACKEND_LABEL[choice.backend]}</strong>.{' '}
          <span data-testid="backend-choice-reason">{choice.reason}</span>
        </p>
      )}
      {state.kind === 'ready' && scoring && (
        <p data-testid="scoring-backend-choice" data-backend={scoring.backend}>
          Next scoring: <strong>{BACKEND_LABEL[scoring.backend]}</strong>.{' '}
          <span data-testid="scoring-backend-choice-reason">{scoring.reason}</span>
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="secondary"
          disabled={state.kind === 'measuring'}
          onClick={() => void trainer.measureBackends()}
        >
          Re-measure backends
        </button>
        <button
          type="button"
          className="secondary"
          disabled={live}
          onClick={() => void trainer.compareBackends()}
        >
          Check backends agree
        </button>
      </div>
      {/* Opens itself when the analyst asks for the backend check, whose figures it holds. */}
      <details className="diagnostics" data-testid="diagnostics" open={checked || undefined}>
        <summary>Diagnostics</summary>
        {state.kind === 'ready' && (
          <table className="probes" data-testid="backend-probes">
            <caption className="muted">
              Measured {formatDate(state.measuredAt)}: one epoch of a 64→64→10 MLP on 512 rows; scoring: the
              10 nearest neighbours of 512 rows of 64 values, and their covariance product.
            </caption>
            <thead>
              <tr>
                <th>Backend</th>
                <th>Available</th>
                <th className="num">Probe</th>
                <th className="num">Scoring probe</th>
                <th>Adapter / note</th>
              </tr>
            </thead>
            <tbody>
              {state.probes.map((p) => (
                <tr key={p.backend} data-backend={p.backend}>
                  <td>{BACKEND_LABEL[p.backend]}</td>
                  <td>{p.available ? 'yes' : 'no'}</td>
                  <td className="num">{p.probeMs === undefined ? '—' : formatDuration(p.probeMs)}</td>
                  <td className="num" data-testid="scoring-probe">
                    {p.scoringMs === undefined ? '—' : formatDuration(p.scoringMs)}
                  </td>
                  <td className="small">
                    {p.adapter &&
                      [
                        p.adapter.vendor,
                        p.adapter.architecture,
                        p.adapter.isFallbackAdapter ? '(fallback adapter)' : '',
                      ]
                        .filter(Boolean)
                        .join(' ')}
                    {p.available &&
                      p.probeMs === undefined &&
                      p.backend === 'webgpu' &&
                      ' · not timed: software adapter'}
                    {p.error && ` ${p.error}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <BackendCheck />
        <WorkerMemory />
      </details>
    </section>
  );
}

/** The result of training a tiny seeded model on each backend, against WASM. */
function BackendCheck() {
  const comparison = useApp((s) => s.comparison);
  switch (comparison.kind) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p className="muted" data-testid="backend-check" data-state="running">
          Training a tiny model on each backend (WebGPU on a software adapter takes a while)…
        </p>
      );
    case 'failed':
      return (
        <p className="notice notice-error" role="alert" data-testid="backend-check" data-state="failed">
          The backend check failed: {comparison.message}
        </p>
      );
    case 'done': {
      const { result } = comparison;
      return (
        <table className="probes" data-testid="backend-check" data-state="done">
          <caption className="muted">
            {result.rows} rows × {result.features} features, {result.classes} classes,{' '}
            {result.settings.epochs} epochs, seed {result.settings.seed}; differences relative to{' '}
            {BACKEND_LABEL[result.reference]} over epoch losses and final probabilities.
          </caption>
          <thead>
            <tr>
              <th>Backend</th>
              <th className="num">Epoch losses</th>
              <th className="num">Max relative difference</th>
              <th className="num">Time</th>
            </tr>
          </thead>
          <tbody>
            {result.checks.map((c) => (
              <tr
                key={c.backend}
                data-backend={c.backend}
                data-ok={c.ok}
                data-difference={c.maxRelativeDifference}
              >
                <td>{BACKEND_LABEL[c.backend]}</td>
                <td className="num">{c.ok ? c.epochLosses.map((l) => l.toFixed(5)).join(', ') : c.error}</td>
                <td className="num">{c.ok ? c.maxRelativeDifference.toExponential(1) : '—'}</td>
                <td className="num">{c.ok ? formatDuration(c.ms) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    default:
      return comparison satisfies never;
  }
}
