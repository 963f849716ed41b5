import type { ColumnPlan } from '../../workers/core/ingest/types';
import { roleOf, withExcluded, withOneHot } from '../controllers/ingest/plan';
import { formatCount } from '../format';
import { useApp, useIngest } from './session-context';
import { VirtualRows } from './VirtualRows';

const ROLE_TEXT = {
  label: 'label',
  id: 'id',
  excluded: 'excluded',
  'one-hot': 'feature (one-hot)',
  feature: 'feature',
} as const;

/** One row per column: its role, and checkboxes to exclude it or one-hot encode it. */
export function ColumnTable() {
  const draft = useApp((s) => s.draft);
  const workbench = useIngest();
  const setPlan = (plan: ColumnPlan) => workbench.changePlan(plan);
  if (!draft) return null;
  const { preview, plan } = draft;
  const nonNumeric = new Set(preview.nonNumericColumns);
  return (
    <VirtualRows
      count={preview.header.length}
      rowHeight={32}
      height={320}
      className="columns"
      testId="column-table"
      caption={`${formatCount(preview.header.length)} columns`}
      head={
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Role</th>
          <th scope="col">Exclude</th>
          <th scope="col">One-hot</th>
        </tr>
      }
      row={(index) => {
        const name = preview.header[index] ?? '';
        const role = roleOf(plan, name);
        const fixed = role === 'label' || role === 'id';
        return (
          <tr key={index} data-column={name}>
            <td>
              {name}
              {nonNumeric.has(name) && <span className="tag">text</span>}
            </td>
            <td>{ROLE_TEXT[role]}</td>
            <td>
              <input
                type="checkbox"
                aria-label={`Exclude ${name}`}
                checked={role === 'excluded'}
                disabled={fixed}
                onChange={(event) => setPlan(withExcluded(plan, name, event.currentTarget.checked))}
              />
            </td>
            <td>
              {nonNumeric.has(name) && !fixed && (
                <input
                  type="checkbox"
                  aria-label={`One-hot encode ${name}`}
                  checked={role === 'one-hot'}
                  disabled={role === 'excluded'}
                  onChange={(event) => setPlan(withOneHot(plan, name, event.currentTarget.checked))}
                />
              )}
            </td>
          </tr>
        );
      }}
    />
  );
}
