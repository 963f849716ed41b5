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
      <div className="limits-grid">
        {FIELDS.map(({ key, label }) => (
          <label key={key}>
            {label}
            <input
              type="number"
              min={1}
              step={1}
              value={limits[key]}
              onChange={(event) => {
                const value = Math.floor(event.currentTarget.valueAsNumber);
                // The workbench re-runs the preview with the new limits (debounced), so Import follows them.
                if (Number.isFinite(value) && value >= 1) workbench.changeLimits({ ...limits, [key]: value });
              }}
            />
          </label>
        ))}
      </div>
      <p className="muted small">
        An import stops as soon as the file passes one of these. A change is checked against the file’s first
        megabyte at once; the rest is checked while importing.
      </p>
    </details>
  );
}
