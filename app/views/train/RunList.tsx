import { formatCount, formatDate } from '../../format';
import { useApp, useTrainer } from '../session-context';
import { BACKEND_LABEL, formatDuration, formatMetric, statusLabel } from './format';

/** The open dataset's runs, newest first; opening one shows its stored curves. */
export function RunList() {
  const trainer = useTrainer();
  const runs = useApp((s) => s.runs);
  const shown = useApp((s) => s.shownRun?.id ?? null);
  return (
    <section className="panel" aria-labelledby="runs-title" data-testid="run-list">
      <h3 id="runs-title">Runs of this dataset</h3>
      {runs === null && <p className="muted">Reading stored runs…</p>}
      {runs?.length === 0 && <p className="muted">No runs yet.</p>}
      {runs && runs.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Started</th>
                <th>Status</th>
                <th>Model</th>
                <th>Backend</th>
                <th className="num">Epochs</th>
                <th className="num">Val. accuracy</th>
                <th className="num">Anomalies</th>
                <th className="num">Time</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr
                  key={r.id}
                  data-testid="run-row"
                  data-run-id={r.id}
                  data-status={r.status}
                  aria-current={r.id === shown}
                >
                  <td>{formatDate(r.createdAt)}</td>
                  <td>
                    <span
                      className={`status status-${r.status}`}
                      data-testid="run-status"
                      title={r.message ?? undefined}
                    >
                      {statusLabel(r.status)}
                    </span>
                  </td>
                  <td>
                    {r.settings.model.toUpperCase()} [{r.settings.hidden.join(', ')}], seed {r.settings.seed}
                    {r.excludedRows && r.excludedRows.length > 0 && (
                      <span className="muted" data-testid="run-excluded" data-count={r.excludedRows.length}>
                        {' '}
                        · trained without {formatCount(r.excludedRows.length)} quarantined rows
                      </span>
                    )}
                  </td>
                  <td>{r.backend ? BACKEND_LABEL[r.backend.backend] : '—'}</td>
                  <td className="num">
                    {r.epochsDone} / {r.settings.epochs}
                  </td>
                  <td className="num">{r.final ? formatMetric(r.final.valAccuracy, true) : '—'}</td>
                  <td className="num">{formatCount(r.anomalyCount)}</td>
                  <td className="num">{formatDuration(r.elapsedMs)}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      disabled={r.id === shown}
                      onClick={() => void trainer.openRun(r.id)}
                    >
                      {r.id === shown ? 'On show' : 'Open'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
