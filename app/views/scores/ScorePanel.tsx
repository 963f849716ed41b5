import { useEffect } from 'react';
import { FAMILY_NAMES } from '../../../workers/core/scores/types';
import type { ScoreProgressMessage, ScoreView } from '../../controllers/score/controller';
import type { RunRecord } from '../../controllers/train/controller';
import { retryBackend } from '../../controllers/worker-life';
import { formatCount } from '../../format';
import { useApp, useScorer } from '../session-context';
import { BACKEND_LABEL, formatDuration } from '../train/format';
import { CalibrationCard } from './CalibrationCard';
import { FAMILY_LABEL, ScoreStart } from './ScoreStart';

/** Scoring of the shown run: the settings form, progress with Cancel, and the summary of its latest score set. */
export function ScorePanel() {
  const run = useApp((s) => s.shownRun);
  const scorer = useScorer();
  useEffect(() => {
    if (run && run.status === 'done') void scorer.showRun(run);
  }, [run, scorer]);
  if (run?.status !== 'done' || !run.hasDynamics) return null;
  return (
    <section className="panel score-panel" aria-labelledby="score-title" data-testid="score-panel">
      <h3 id="score-title">Per-sample scores</h3>
      <ScoreStart run={run} />
      <ScoreProgress />
      <LatestStatus run={run} />
      <ScoreSummary run={run} />
    </section>
  );
}

function progressText(p: ScoreProgressMessage): string {
  if (p.phase === 'cross-validation') {
    const training = p.foldsDone < p.folds && p.epoch > 0 ? `; training epoch ${p.epoch} of ${p.epochs}` : '';
    return `Cross-validation: ${p.foldsDone} of ${p.folds} folds done${training}`;
  }
  if (p.stage === 'done') return 'Storing the scores…';
  // A calibrated job's steps (workers/core/calibration/calibrate.ts, stageProgress) are named `calibration: …`.
  const calibration = /^calibration: (.*)$/.exec(p.stage);
  if (calibration) return `Calibration on canaries: ${calibration[1]}, step ${p.done + 1} of ${p.total}`;
  return `Scores: ${p.stage} (${p.done + 1} of ${p.total})`;
}

function ScoreProgress() {
  const scorer = useScorer();
  const live = useApp((s) => s.liveScore);
  const error = useApp((s) => s.scoreError);
  const memory = useApp((s) => s.scoreMemory);
  return (
    <div className="score-progress" data-testid="score-progress" data-phase={live?.phase ?? 'idle'}>
      {live && (
        <>
          <p
            aria-live="polite"
            data-testid="score-stage"
            data-stage={
              live.progress?.phase === 'scores' && live.progress.stage.startsWith('calibration: ')
                ? 'calibration'
                : (live.progress?.phase ?? 'starting')
            }
          >
            {live.phase === 'starting' && 'Starting: reading the run and choosing a backend…'}
            {live.phase === 'cancelling' && 'Cancelling at the next batch…'}
            {live.phase === 'running' && (live.progress ? progressText(live.progress) : 'Starting…')}
          </p>
          <progress max={1} value={live.progress?.fraction ?? 0} />
          <div className="form-actions">
            <button
              type="button"
              className="danger"
              disabled={live.phase !== 'running'}
              data-testid="score-cancel"
              onClick={() => void scorer.cancel()}
            >
              Cancel scoring
            </button>
          </div>
        </>
      )}
      {error && (
        <div className="notice notice-error" role="alert" data-testid="score-error">
          <p>{error}</p>
        </div>
      )}
      {memory && (
        <p className="muted" data-testid="score-memory" data-before={memory.before} data-after={memory.after}>
          Score worker tensors: {memory.before} before the last job, {memory.after} after.
        </p>
      )}
    </div>
  );
}

function LatestStatus({ run }: { run: RunRecord }) {
  const latest = useApp((s) => s.shownScores?.latest ?? null);
  const live = useApp((s) => s.liveScore);
  if (!latest || latest.status === 'done' || (latest.status === 'running' && live?.jobId === latest.id))
    return null;
  const what: Record<ScoreView['status'], string> = {
    running: 'Scoring in another tab…',
    done: '',
    failed: 'The last scoring failed',
    cancelled: 'The last scoring was cancelled',
    interrupted: 'The last scoring was interrupted',
  };
  return (
    <div className="notice" data-testid="score-status" data-status={latest.status}>
      <p>
        {what[latest.status]}
        {latest.message ? `: ${latest.message}` : '.'}
      </p>
      <AgainButton run={run} latest={latest} busy={live !== null} />
    </div>
  );
}

/**
 * Starts a cut-short scoring again with its parameters: an interrupted one as it was, one whose worker died on
 * another backend (WASM after WebGPU or WebGL, else CPU).
 */
function AgainButton({ run, latest, busy }: { run: RunRecord; latest: ScoreView; busy: boolean }) {
  const scorer = useScorer();
  const crash = latest.status === 'failed' ? latest.crash : undefined;
  if (latest.status !== 'interrupted' && !crash) return null;
  const backend = crash ? retryBackend(crash.backend) : null;
  return (
    <div className="form-actions">
      <button
        type="button"
        disabled={busy}
        data-testid="score-again"
        data-backend={backend ?? ''}
        onClick={() => void scorer.retry(run, latest, backend)}
      >
        {backend ? `Retry on ${BACKEND_LABEL[backend]}` : 'Score again with the same settings'}
      </button>
    </div>
  );
}

function paramsText(r: ScoreView): string {
  const p = r.params;
  const cvEpochs = r.crossVal.epochs === null ? 'half the run’s epochs' : `${r.crossVal.epochs} epochs`;
  const weights = FAMILY_NAMES.map((f) => `${f} ${p.suspicion.weights[f]}`).join(', ');
  const scale = p.suspicion.labelScale === 'probability' ? ', label family on probability scale' : '';
  return (
    `${r.crossVal.folds}-fold cross-validation (${cvEpochs}), kNN k = ${p.knn.k}${r.status === 'done' && r.knnApproximate ? ' (approximate)' : ''}, ` +
    `family value ${p.suspicion.familyReduce}${scale}, rule ${p.suspicion.rule}, weights ${weights}, q = ${(100 * p.suspicion.q).toFixed(1)} %, seed ${p.seed}`
  );
}

function ScoreSummary({ run }: { run: RunRecord }) {
  const scorer = useScorer();
  const done = useApp((s) => (s.shownScores?.runId === run.id ? s.shownScores.done : null));
  const classes = useApp((s) => s.current?.classes ?? []);
  const recombining = useApp((s) => s.recombining);
  const reviewRequested = useApp((s) => s.reviewRequest?.scoreId === done?.id);
  if (!done) return null;
  const summary = done.summary;
  const weights = done.params.suspicion.weights;
  const q = done.params.suspicion.q;
  // A calibrated suspicion is not a weighting of the families (the controller does not recombine it).
  const calibrated = Boolean(done.calibration);
  return (
    <div
      className="score-summary"
      data-testid="score-summary"
      data-score-id={done.id}
      data-recombining={recombining}
      data-calibrated={calibrated}
      aria-busy={recombining}
    >
      <p className="muted" data-testid="score-params">
        {formatCount(done.samples)} samples scored on {done.backend.backend} in{' '}
        {formatDuration(done.timings.totalMs)}, {new Date(done.createdAt).toLocaleString('en-GB')}.
        Parameters: {paramsText(done)}.
      </p>
      <p className="muted" data-testid="score-backend" data-backend={done.backend.backend}>
        <strong>Scoring backend: {BACKEND_LABEL[done.backend.backend]}.</strong>{' '}
        <span data-testid="score-backend-reason">{done.backend.reason}</span>
      </p>
      {done.calibration && <CalibrationCard report={done.calibration} rows={done.samples} />}
      {calibrated && (
        <p className="muted" data-testid="calibrated-note">
          The suspicion is calibrated, so the weights and the flag budget are fixed: q is the estimated
          poisoned share. Score again without calibration to weigh the families yourself.
        </p>
      )}
      <table className="flag-counts">
        <caption>Flagged per family (top {(100 * q).toFixed(1)} % each)</caption>
        <thead>
          <tr>
            <th scope="col">Family</th>
            <th scope="col">Flagged</th>
            <th scope="col">Weight</th>
          </tr>
        </thead>
        <tbody>
          {FAMILY_NAMES.map((f) => (
            <tr key={f}>
              <th scope="row">{FAMILY_LABEL[f]}</th>
              <td data-testid={`flag-count-${f}`}>{formatCount(summary.flagged[f])}</td>
              <td>
                <input
                  type="number"
                  min={0}
                  step="any"
                  aria-label={`Weight of ${FAMILY_LABEL[f]}`}
                  data-testid={`weight-${f}`}
                  value={weights[f]}
                  disabled={calibrated}
                  onChange={(e) => {
                    const w = e.currentTarget.valueAsNumber;
                    if (Number.isFinite(w) && w >= 0) void scorer.recombine({ weights: { [f]: w } });
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <span data-testid="label-issue-count">{formatCount(summary.labelIssues)}</span> label issues
        (confident learning); {formatCount(summary.flaggedAny)} samples flagged by at least one family.
      </p>
      <label className="q-control">
        Flag budget q (%)
        <input
          type="number"
          min={0.1}
          max={100}
          step="any"
          data-testid="q-input"
          value={Math.round(q * 1000) / 10}
          disabled={calibrated}
          onChange={(e) => {
            const v = e.currentTarget.valueAsNumber;
            if (Number.isFinite(v) && v > 0 && v <= 100) void scorer.recombine({ q: v / 100 });
          }}
        />
      </label>
      <table className="top-suspects" data-testid="top-suspects">
        <caption>Top {summary.top.length} suspects</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Label</th>
            <th scope="col">Suggested</th>
            <th scope="col">Suspicion</th>
            <th scope="col">Flagged by</th>
          </tr>
        </thead>
        <tbody>
          {done.suspects.map((suspect) => (
            <tr key={suspect.sample} data-testid="suspect" data-row={suspect.row} data-id={suspect.id}>
              <td>{suspect.id}</td>
              <td>{classes[suspect.label] ?? ''}</td>
              <td>
                {suspect.suggested >= 0 ? (classes[suspect.suggested] ?? String(suspect.suggested)) : ''}
              </td>
              <td data-testid="suspect-suspicion">{suspect.suspicion.toFixed(4)}</td>
              <td>
                {suspect.flaggedBy.map((f) => (
                  <span key={f} className="chip">
                    {f}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" data-testid="review-suspects" onClick={() => scorer.review(run.id)}>
          Review suspects
        </button>
        {reviewRequested && <span className="muted">Opening the review…</span>}
      </div>
    </div>
  );
}
