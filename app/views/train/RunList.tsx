import { useEffect, useMemo } from 'react';
import { scoringsByRun } from '../../controllers/review/score-index';
import { formatCount, formatDate } from '../../format';
import { useApp, useReviewer, useTrainer } from '../session-context';
import { BACKEND_LABEL, formatDuration, formatMetric, statusLabel } from './format';

/** Which of the runs are scored (how many finished scorings each has), read again when a scoring ends. */
function useScorings(datasetId: string | undefined) {
  const reviewer = useReviewer();
  const scored = useApp((s) => s.shownScores?.done?.id ?? null);
  const scoring = useApp((s) => s.liveScore !== null);
  const runs = useApp((s) => s.runs);
  const index = useApp((s) => s.scoreIndex);
  // Read again when the runs change, a scoring ends, or the run on show gets a new finished scoring.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `scored` and `runs` are when to read, not what
  useEffect(() => {
    if (datasetId && !scoring) void reviewer.scoreIndex.refresh(datasetId);
  }, [reviewer, datasetId, runs, scoring, scored]);
  return useMemo(
    () => (index && index.datasetId === datasetId ? scoringsByRun(index.entries) : null),
    [index, datasetId],
  );
}

/** The open dataset's runs, newest first; opening one shows its stored curves, a scored one can be reviewed. */
export function RunList() {
  const trainer = useTrainer();
  const reviewer = useReviewer();
  const runs = useApp((s) => s.runs);
  const shown = useApp((s) => s.shownRun?.id ?? null);
  const datasetId = runs?.[0]?.datasetId;
  const scorings = useScorings(datasetId);
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
                <th>Scored</th>
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
                  <ScoredCell
                    count={scorings?.get(r.id)?.length ?? (scorings ? 0 : null)}
                    onReview={() => {
                      const latest = scorings?.get(r.id)?.[0];
                      if (latest) reviewer.scoreIndex.review(r.datasetId, latest);
                    }}
                  />
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

/** A run's scorings: "not scored", or how many with a way to review the newest; blank while being read. */
function ScoredCell({ count, onReview }: { count: number | null; onReview: () => void }) {
  return (
    <td data-testid="run-scored" data-count={count ?? ''}>
      {count === null ? (
        ''
      ) : count === 0 ? (
        <span className="muted">not scored</span>
      ) : (
        <>
          {count === 1 ? 'scored once' : `scored ${count} times`}{' '}
          <button type="button" className="link" data-testid="run-review" onClick={onReview}>
            Review
          </button>
        </>
      )}
    </td>
  );
}
