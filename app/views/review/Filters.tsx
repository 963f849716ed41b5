import type { ReviewQuery } from '../../../workers/core/review/table';
import { useApp, useReviewer } from '../session-context';

/** Table filters: family flag, class, label issue, anomalous batch, decision, id search. */
export function Filters() {
  const reviewer = useReviewer();
  const data = useApp((s) => s.review.summary);
  const query = useApp((s) => s.review.query);
  if (!data) return null;
  return (
    <fieldset className="review-filters" data-testid="review-filters">
      <legend>Filter</legend>
      <label>
        Id{' '}
        <input
          type="search"
          value={query.search}
          data-testid="review-search"
          onChange={(e) => void reviewer.setQuery({ search: e.target.value })}
        />
      </label>
      <label>
        Flagged by{' '}
        <select
          value={query.familyMask}
          onChange={(e) => void reviewer.setQuery({ familyMask: Number(e.target.value) })}
        >
          <option value={0}>any or none</option>
          {data.families.map((f, i) => (
            <option key={f} value={1 << i}>
              {f}
            </option>
          ))}
        </select>
      </label>
      <label>
        Class{' '}
        <select
          value={query.label}
          onChange={(e) => void reviewer.setQuery({ label: Number(e.target.value) })}
        >
          <option value={-1}>all</option>
          {data.classes.map((c, i) => (
            <option key={c} value={i}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Decision{' '}
        <select
          value={query.decision}
          onChange={(e) => void reviewer.setQuery({ decision: e.target.value as ReviewQuery['decision'] })}
        >
          <option value="any">any</option>
          <option value="undecided">undecided</option>
          <option value="quarantine">quarantined</option>
          <option value="keep">kept</option>
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={query.labelIssueOnly}
          onChange={(e) => void reviewer.setQuery({ labelIssueOnly: e.target.checked })}
        />{' '}
        label issues
      </label>
      <label>
        <input
          type="checkbox"
          checked={query.anomalousOnly}
          onChange={(e) => void reviewer.setQuery({ anomalousOnly: e.target.checked })}
        />{' '}
        seen in an anomalous batch
      </label>
      <label>
        <input
          type="checkbox"
          checked={query.selectionOnly}
          data-testid="selection-only"
          onChange={(e) => void reviewer.setQuery({ selectionOnly: e.target.checked })}
        />{' '}
        selection only
      </label>
    </fieldset>
  );
}
