import { useState } from 'react';
import { DEFAULT_SUSPICION, defaultScoreParams } from '../../../workers/core/scores/defaults';
import { FAMILY_NAMES, type FamilyName, type KnnMode } from '../../../workers/core/scores/types';
import { crossValEpochsFor } from '../../../workers/core/train/defaults';
import { DEFAULT_CROSS_VAL, type ScoreForm } from '../../controllers/score/controller';
import type { RunRecord } from '../../controllers/train/controller';
import { formatCount } from '../../format';
import { budgetRefusal } from '../../memory/budget';
import { scoreEstimate } from '../../memory/jobs';
import { MemoryEstimate, useMemoryBudget } from '../MemoryEstimate';
import { useApp, useScorer } from '../session-context';

/** The score families as the analyst reads them. */
export const FAMILY_LABEL: Record<FamilyName, string> = {
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
  calibrate: true,
};

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

/** The scoring form: folds, epochs, k, kNN search, q, calibration and weights, with the memory estimate. */
export function ScoreStart({ run }: { run: RunRecord }) {
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
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.calibrate}
            data-testid="score-calibrate"
            onChange={(e) => setForm({ ...form, calibrate: e.currentTarget.checked })}
          />
          Calibrate on canaries: train again with about 2% synthetic poison added, and rank the rows by what
          finds it (the model is trained once more; the weights and q below then do not apply)
        </label>
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
