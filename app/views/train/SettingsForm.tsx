import { useState } from 'react';
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from '../../../workers/core/anomaly/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import { trainSettingsFor } from '../../../workers/core/train/defaults';
import type { ModelKind, OptimizerName, TrainSettings } from '../../../workers/core/train/types';
import { budgetRefusal } from '../../memory/budget';
import { trainEstimate } from '../../memory/jobs';
import { MemoryEstimate, useMemoryBudget } from '../MemoryEstimate';
import { useApp, useTrainer } from '../session-context';
import { BACKEND_LABEL } from './format';

/** What each detector threshold means (DESIGN §4; defaults and their evidence in workers/core/anomaly/types.ts). */
const THRESHOLD_HELP: Record<keyof AnomalyThresholds, string> = {
  spikeDeviations: 'Spike: robust deviations (MAD) above the running average',
  spikeMinRelativeRise: 'Spike: and at least this relative rise',
  spikeWarmup: 'Spike: batches seen before spikes are reported',
  spikeEwmaAlpha: 'Spike: running-average smoothing per batch',
  spikeWindow: 'Spike: recent batches kept for the deviation',
  spikeCooldown: 'Spike: batches after a spike that belong to the same event',
  validationDrop: 'Validation drop: accuracy fall between epochs (fraction)',
  divergenceEpochs: 'Divergence: epochs of falling train loss and rising validation loss',
  divergenceMinRise: 'Divergence: validation loss rise above its best (fraction)',
  stallWindow: 'Class stall: epochs compared',
  stallOthersFall: 'Class stall: the other classes fell by at least (fraction)',
  stallRatio: 'Class stall: the class fell by at most this share of their fall',
  stallLevel: 'Class stall: and its loss is at least this many times theirs',
};

/** Hidden sizes typed as "128, 64": positive integers, at least one. */
export function parseHidden(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const sizes = parts.map(Number);
  return sizes.length > 0 && sizes.every((n) => Number.isInteger(n) && n > 0 && n <= 4096) ? sizes : null;
}

/** Why the settings cannot train, or null. */
export function settingsProblem(s: TrainSettings, hiddenOk: boolean): string | null {
  if (!hiddenOk) return 'Hidden sizes: one or more positive whole numbers, e.g. "64" or "128, 64".';
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1 && s.epochs <= 1000))
    return 'Epochs: a whole number, 1–1000.';
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1)) return 'Batch size: a whole number ≥ 1.';
  if (!(s.learningRate > 0 && s.learningRate < 10)) return 'Learning rate: a positive number below 10.';
  if (!(s.validationFraction >= 0 && s.validationFraction <= 0.9)) return 'Validation fraction: 0 to 0.9.';
  if (!Number.isInteger(s.seed)) return 'Seed: a whole number.';
  return null;
}

function NumberField({
  label,
  value,
  onChange,
  step,
  min,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  step?: string;
  min?: number;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={Number.isFinite(value) ? value : ''}
        step={step ?? '1'}
        min={min}
        onChange={(e) => onChange(e.currentTarget.value === '' ? Number.NaN : Number(e.currentTarget.value))}
      />
    </label>
  );
}

/** Training settings with the core's defaults for the dataset's size, the backend setting, the detector thresholds, and Start. */
export function SettingsForm() {
  const trainer = useTrainer();
  const meta = useApp((s) => s.current);
  const live = useApp((s) => s.live !== null);
  const override = useApp((s) => s.backendOverride);
  // Only the analyst's edits are state: the rest follows the shown dataset's size-dependent defaults (the same
  // `trainSettingsFor` the headless scan uses), so opening a larger dataset updates what was not edited.
  const [edits, setEdits] = useState<Partial<TrainSettings>>({});
  const [hiddenEdit, setHiddenText] = useState<string | null>(null);
  const [thresholds, setThresholds] = useState<AnomalyThresholds>(DEFAULT_ANOMALY_THRESHOLDS);
  const budget = useMemoryBudget();
  if (!meta) return null;
  const settings: TrainSettings = {
    ...trainSettingsFor(meta.rows, meta.images ? 'images' : 'rows'),
    ...edits,
  };
  const hiddenText = hiddenEdit ?? settings.hidden.join(', ');
  const hidden = parseHidden(hiddenText);
  const problem = settingsProblem(settings, hidden !== null);
  const badThreshold = Object.values(thresholds).some((v) => !(Number.isFinite(v) && v >= 0));
  // The estimate needs valid settings; the controller refuses with the same message if Start is reached anyway.
  const estimate = problem || !hidden ? null : trainEstimate(meta, { ...settings, hidden });
  const refusal = estimate ? budgetRefusal('Training', estimate, budget) : null;
  const set = <K extends keyof TrainSettings>(key: K, value: TrainSettings[K]) =>
    setEdits((s) => ({ ...s, [key]: value }));
  const start = () => {
    if (problem || !hidden || badThreshold || refusal) return;
    void trainer.start({ ...settings, hidden }, thresholds);
  };

  return (
    <section className="panel" aria-labelledby="train-settings-title">
      <h3 id="train-settings-title">Settings</h3>
      <form
        className="train-settings"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <fieldset className="settings-grid" disabled={live}>
          <label>
            Model
            <select value={settings.model} onChange={(e) => set('model', e.currentTarget.value as ModelKind)}>
              <option value="mlp">MLP</option>
              {meta.image && (
                <option value="cnn">
                  Small CNN ({meta.image.width}×{meta.image.height} images)
                </option>
              )}
            </select>
          </label>
          <label>
            Hidden sizes
            <input
              type="text"
              value={hiddenText}
              onChange={(e) => setHiddenText(e.currentTarget.value)}
              aria-invalid={hidden === null}
            />
          </label>
          <NumberField label="Epochs" value={settings.epochs} min={1} onChange={(v) => set('epochs', v)} />
          <NumberField
            label="Batch size"
            value={settings.batchSize}
            min={1}
            onChange={(v) => set('batchSize', v)}
          />
          <label>
            Optimizer
            <select
              value={settings.optimizer}
              onChange={(e) => set('optimizer', e.currentTarget.value as OptimizerName)}
            >
              <option value="adam">Adam</option>
              <option value="sgd-momentum">SGD with momentum 0.9</option>
            </select>
          </label>
          <NumberField
            label="Learning rate"
            value={settings.learningRate}
            step="any"
            onChange={(v) => set('learningRate', v)}
          />
          <NumberField
            label="Validation fraction"
            value={settings.validationFraction}
            step="0.05"
            min={0}
            onChange={(v) => set('validationFraction', v)}
          />
          <NumberField label="Seed" value={settings.seed} onChange={(v) => set('seed', v)} />
          <label>
            Backend
            <select
              value={override ?? 'auto'}
              onChange={(e) => {
                const v = e.currentTarget.value;
                trainer.setBackendOverride(v === 'auto' ? null : (v as BackendName));
              }}
            >
              <option value="auto">Automatic (measured)</option>
              {(Object.keys(BACKEND_LABEL) as BackendName[]).map((b) => (
                <option key={b} value={b}>
                  Force {BACKEND_LABEL[b]}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <details className="thresholds">
          <summary>Anomaly thresholds</summary>
          <fieldset className="settings-grid" disabled={live}>
            {(Object.keys(THRESHOLD_HELP) as (keyof AnomalyThresholds)[]).map((key) => (
              <NumberField
                key={key}
                label={THRESHOLD_HELP[key]}
                value={thresholds[key]}
                step="any"
                min={0}
                onChange={(v) => setThresholds((t) => ({ ...t, [key]: v }))}
              />
            ))}
          </fieldset>
          <button
            type="button"
            className="link"
            disabled={live}
            onClick={() => setThresholds(DEFAULT_ANOMALY_THRESHOLDS)}
          >
            Reset thresholds to defaults
          </button>
        </details>
        {(problem || badThreshold) && (
          <p className="field-error" role="alert">
            {problem ?? 'Thresholds must be non-negative numbers.'}
          </p>
        )}
        {estimate && (
          <MemoryEstimate
            estimate={estimate}
            budget={budget}
            refusal={refusal}
            testId="train-memory-estimate"
          />
        )}
        <div className="form-actions">
          <button type="submit" disabled={live || problem !== null || badThreshold || refusal !== null}>
            Start training
          </button>
        </div>
      </form>
    </section>
  );
}
