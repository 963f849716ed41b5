import { useEffect, useState } from 'react';
import { DEFAULT_SUSPICION, defaultScoreParams } from '../../../workers/core/scores/defaults';
import { FAMILY_NAMES, type FamilyName, type KnnMode } from '../../../workers/core/scores/types';
import { crossValEpochsFor } from '../../../workers/core/train/defaults';
import { DEFAULT_CROSS_VAL, type ScoreProgressMessage } from '../../../workers/score.api';
import type { ScoreForm } from '../../controllers/score/controller';
import { retryBackend } from '../../controllers/worker-life';
import type { RunRecord } from '../../db/run-schema';
import type { ScoreRecord } from '../../db/score-schema';
import { formatCount } from '../../format';
import { budgetRefusal } from '../../memory/budget';
import { scoreEstimate } from '../../memory/jobs';
import { MemoryEstimate, useMemoryBudget } from '../MemoryEstimate';
import { useApp, useScorer } from '../session-context';
import { BACKEND_LABEL, formatDuration } from '../train/format';

const FAMILY_LABEL: Record<FamilyName, string> = {
  trajectory: 'Loss trajectory',
  influence: 'Influence',
  embedding: 'Embedding outliers',
  label: 'Label issues',
};

const DEFAULT_FORM: ScoreForm = {
  folds: DEFAULT_CROSS_VAL.folds,
  cvEpochs: DEFAULT_CROSS_VAL.epochs,
  k: 10,
  q: DEFAULT_SUSPICION.q,
  weights: { ...DEFAULT_SUSPICION.weights },
};

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

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max?: number;
  step?: number | 'any';
  testId: string;
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 'any'}
        data-testid={props.testId}
        onChange={(e) => {
          const v = e.currentTarget.valueAsNumber;
          if (Number.isFinite(v)) props.onChange(v);
        }}
      />
    </label>
  );
}

function ScoreStart({ run }: { run: RunRecord }) {
  const scorer = useScorer();
  const live = useApp((s) => s.liveScore);
  const [form, setForm] = useState<ScoreForm>(DEFAULT_FORM);
  const meta = useApp((s) => s.current);
  const budget = useMemoryBudget();
  const valid =
    Number.isInteger(form.folds) &&
    form.folds >= 2 &&
    Number.isInteger(form.k) &&
    form.k >= 1 &&
    form.q > 0 &&
    form.q <= 1 &&
    FAMILY_NAMES.every((f) => form.weights[f] >= 0) &&
    FAMILY_NAMES.some((f) => form.weights[f] > 0);
  // The estimate before the job starts; the controller refuses with the same message if Start is reached anyway.
  const estimate = valid && meta?.id === run.datasetId ? scoreEstimate(meta, run, form) : null;
  const refusal = estimate ? budgetRefusal('Scoring', estimate, budget) : null;
  return (
    <form
      className="score-form"
      // Validity is checked here (see `valid`), not by the browser, which silently refuses an off-step number.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !refusal) void scorer.start(run, form);
      }}
    >
      <fieldset className="settings-grid" disabled={live !== null}>
        <NumberField
          label="Cross-validation folds (K)"
          value={form.folds}
          min={2}
          max={20}
          step={1}
          testId="score-folds"
          onChange={(folds) => setForm({ ...form, folds })}
        />
        <NumberField
          label={`Epochs per fold (run: ${run.settings.epochs}; default half: ${crossValEpochsFor(run.settings.epochs)})`}
          value={form.cvEpochs ?? crossValEpochsFor(run.settings.epochs)}
          min={1}
          step={1}
          testId="score-cv-epochs"
          onChange={(v) =>
            setForm({ ...form, cvEpochs: v === crossValEpochsFor(run.settings.epochs) ? null : v })
          }
        />
        <NumberField
          label="kNN neighbours (k)"
          value={form.k}
          min={1}
          step={1}
          testId="score-k"
          onChange={(k) => setForm({ ...form, k })}
        />
        <label>
          kNN search
          <select
            value={form.knnMode ?? 'auto'}
            data-testid="score-knn-mode"
            onChange={(e) => setForm({ ...form, knnMode: e.currentTarget.value as KnnMode })}
          >
            <option value="auto">
              Exact up to {formatCount(defaultScoreParams().knn.approximateAbove)} samples, approximate above
            </option>
            <option value="exact">Exact</option>
            <option value="ivf">Approximate (IVF: less memory, may miss neighbours)</option>
          </select>
        </label>
        <NumberField
          label="Flag budget q (%)"
          value={Math.round(form.q * 1000) / 10}
          min={0.1}
          max={100}
          testId="score-q"
          onChange={(v) => setForm({ ...form, q: v / 100 })}
        />
        {FAMILY_NAMES.map((f) => (
          <NumberField
            key={f}
            label={`Weight: ${FAMILY_LABEL[f]}`}
            value={form.weights[f]}
            min={0}
            testId={`score-weight-${f}`}
            onChange={(w) => setForm({ ...form, weights: { ...form.weights, [f]: w } })}
          />
        ))}
      </fieldset>
      {estimate && (
        <MemoryEstimate
          estimate={estimate}
          budget={budget}
          refusal={refusal}
          testId="score-memory-estimate"
        />
      )}
      <div className="form-actions">
        <button
          type="submit"
          disabled={live !== null || !valid || refusal !== null}
          data-testid="score-start"
        >
          Score every sample
        </button>
        <button type="button" className="link" disabled={live !== null} onClick={() => setForm(DEFAULT_FORM)}>
          Defaults
        </button>
      </div>
      {!valid && (
        <p className="field-error" role="alert">
          Folds ≥ 2, k ≥ 1, q in (0, 100] %, weights ≥ 0 with at least one above 0.
        </p>
      )}
    </form>
  );
}

function progressText(p: ScoreProgressMessage): string {
  if (p.phase === 'cross-validation') {
    return `Cross-validation: fold ${p.fold + 1} of ${p.folds}, epoch ${p.epoch} of ${p.epochs}`;
  }
  return p.stage === 'done' ? 'Storing the scores…' : `Scores: ${p.stage} (${p.done + 1} of ${p.total})`;
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
          <p aria-live="polite" data-testid="score-stage" data-stage={live.progress?.phase ?? 'starting'}>
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
  const what: Record<ScoreRecord['status'], string> = {
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
function AgainButton({ run, latest, busy }: { run: RunRecord; latest: ScoreRecord; busy: boolean }) {
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

function paramsText(r: ScoreRecord): string {
  const p = r.params;
  const cvEpochs = r.crossVal.epochs === null ? 'half the run’s epochs' : `${r.crossVal.epochs} epochs`;
  const weights = FAMILY_NAMES.map((f) => `${f} ${p.suspicion.weights[f]}`).join(', ');
  const scale = p.suspicion.labelScale === 'probability' ? ', label family on probability scale' : '';
  return (
    `${r.crossVal.folds}-fold cross-validation (${cvEpochs}), kNN k = ${p.knn.k}${r.scoreSet?.knnApproximate ? ' (approximate)' : ''}, ` +
    `family value ${p.suspicion.familyReduce}${scale}, rule ${p.suspicion.rule}, weights ${weights}, q = ${(100 * p.suspicion.q).toFixed(1)} %, seed ${p.seed}`
  );
}

function ScoreSummary({ run }: { run: RunRecord }) {
  const scorer = useScorer();
  const done = useApp((s) => (s.shownScores?.runId === run.id ? s.shownScores.done : null));
  const ids = useApp((s) => s.shownScores?.ids ?? null);
  const classes = useApp((s) => s.current?.classes ?? []);
  const recombining = useApp((s) => s.recombining);
  const reviewRequested = useApp((s) => s.reviewRequest?.scoreId === done?.id);
  if (!done?.scoreSet || !done.summary || !done.sampleRows) return null;
  const set = done.scoreSet;
  const summary = done.summary;
  const sampleRows = done.sampleRows;
  const labels = done.labels;
  const weights = set.params.suspicion.weights;
  const q = set.params.suspicion.q;
  return (
    <div
      className="score-summary"
      data-testid="score-summary"
      data-score-id={done.id}
      data-recombining={recombining}
      aria-busy={recombining}
    >
      <p className="muted" data-testid="score-params">
        {formatCount(set.samples)} samples scored on {done.backend?.backend ?? 'an unknown backend'} in{' '}
        {formatDuration(done.timings?.totalMs ?? 0)}, {new Date(done.createdAt).toLocaleString('en-GB')}.
        Parameters: {paramsText(done)}.
      </p>
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
          {Array.from(summary.top, (j) => {
            const row = sampleRows[j];
            const id = ids?.[row] ?? `row ${row}`;
            const suggested = set.suggestedLabel[j];
            return (
              <tr key={j} data-testid="suspect" data-row={row} data-id={id}>
                <td>{id}</td>
                <td>{labels ? (classes[labels[j]] ?? '') : ''}</td>
                <td>{suggested >= 0 ? (classes[suggested] ?? String(suggested)) : ''}</td>
                <td data-testid="suspect-suspicion">{set.suspicion[j].toFixed(4)}</td>
                <td>
                  {FAMILY_NAMES.filter((f) => set.flags[f][j]).map((f) => (
                    <span key={f} className="chip">
                      {f}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
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
