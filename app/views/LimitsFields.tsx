import type { IngestLimits } from '../../workers/core/ingest/types';
import { useApp, useIngest } from './session-context';

const FIELDS: { key: keyof IngestLimits; label: string }[] = [
  { key: 'maxBytes', label: 'Max file size (bytes)' },
  { key: 'maxRows', label: 'Max rows' },
  { key: 'maxColumns', label: 'Max columns' },
  { key: 'maxClasses', label: 'Max classes' },
];

/** The size limits, folded away: the defaults suit almost everyone. */
export function LimitsFields() {
  const limits = useApp((s) => s.draft?.limits);
  const workbench = useIngest();
  if (!limits) return null;
  return (
    <details className="limits">
      <summary>Limits</summary>
      {/* The workbench re-runs the preview with the new limits (debounced), so Import follows them. */}
      <LimitInputs fields={FIELDS} limits={limits} onChange={(next) => workbench.changeLimits(next)} />
      <p className="muted small">
        An import stops as soon as the file passes one of these. A change is checked against the file’s first
        megabyte at once; the rest is checked while importing.
      </p>
    </details>
  );
}

/** One whole-number input (at least 1) per limit; a change hands every limit, the changed one included, to `onChange`. */
export function LimitInputs<L extends object>({
  fields,
  limits,
  onChange,
}: {
  fields: readonly { key: keyof L & string; label: string }[];
  limits: L;
  onChange: (next: L) => void;
}) {
  return (
    <div className="limits-grid">
      {fields.map(({ key, label }) => (
        <label key={key}>
          {label}
          <input
            type="number"
            min={1}
            step={1}
            value={Number(limits[key])}
            onChange={(event) => {
              const value = Math.floor(event.currentTarget.valueAsNumber);
              if (Number.isFinite(value) && value >= 1) onChange({ ...limits, [key]: value });
            }}
          />
        </label>
      ))}
    </div>
  );
}
