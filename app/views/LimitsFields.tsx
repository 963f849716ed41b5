import type { IngestLimits } from '../../workers/core/ingest/types';
import { useApp } from '../state/context';

const FIELDS: { key: keyof IngestLimits; label: string }[] = [
  { key: 'maxBytes', label: 'Max file size (bytes)' },
  { key: 'maxRows', label: 'Max rows' },
  { key: 'maxColumns', label: 'Max columns' },
  { key: 'maxClasses', label: 'Max classes' },
];

/** The size limits, folded away: the defaults suit almost everyone. */
export function LimitsFields() {
  const limits = useApp((s) => s.draft?.limits);
  const setLimits = useApp((s) => s.setLimits);
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
                if (Number.isFinite(value) && value >= 1) setLimits({ ...limits, [key]: value });
              }}
            />
          </label>
        ))}
      </div>
      <p className="muted small">An import stops as soon as the file passes one of these.</p>
    </details>
  );
}
