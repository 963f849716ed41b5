import type { ColumnPlan, MissingValuePolicy } from '../../workers/core/ingest/types';
import { withId, withLabel } from '../controllers/ingest/plan';
import { useApp, useIngest } from './session-context';

/** Label and id column, and what to do with missing feature values. */
export function ColumnRoles() {
  const draft = useApp((s) => s.draft);
  const workbench = useIngest();
  const setPlan = (plan: ColumnPlan) => workbench.changePlan(plan);
  if (!draft) return null;
  const { preview, plan } = draft;
  const setMissing = (missing: MissingValuePolicy) => setPlan({ ...plan, missing });
  return (
    <div className="roles">
      <label>
        Label column{' '}
        <select
          value={plan.labelColumn}
          onChange={(event) => setPlan(withLabel(plan, event.currentTarget.value))}
          data-testid="label-column"
        >
          {!preview.header.includes(plan.labelColumn) && <option value="">(choose a column)</option>}
          {preview.header.map((name, k) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: duplicate names are possible (and reported)
            <option key={k} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Id column{' '}
        <select
          value={plan.idColumn ?? ''}
          onChange={(event) => setPlan(withId(plan, event.currentTarget.value || null))}
          data-testid="id-column"
        >
          <option value="">{'none: row-<n>'}</option>
          {preview.header
            .filter((name) => name !== plan.labelColumn)
            .map((name, k) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: duplicate names are possible (and reported)
              <option key={k} value={name}>
                {name}
              </option>
            ))}
        </select>
      </label>
      <fieldset className="inline">
        <legend>Empty, NaN or infinite feature cells</legend>
        <label>
          <input
            type="radio"
            name="missing"
            checked={plan.missing === 'drop-row'}
            onChange={() => setMissing('drop-row')}
          />{' '}
          drop the row
        </label>
        <label>
          <input
            type="radio"
            name="missing"
            checked={plan.missing === 'impute-median'}
            onChange={() => setMissing('impute-median')}
          />{' '}
          impute the column median
        </label>
      </fieldset>
    </div>
  );
}
