import type { Problem } from '../../workers/core/ingest/types';
import { ProblemList } from './ProblemList';

/** Everything the validator found that did not stop the import, folded by default when there is much. */
export function WarningsReport({ warnings }: { warnings: Problem[] }) {
  if (warnings.length === 0) {
    return (
      <p className="muted" data-testid="warnings-none">
        No warnings: every row and cell passed validation.
      </p>
    );
  }
  return (
    <details className="panel warnings" data-testid="warnings-report" open={warnings.length <= 5}>
      <summary>
        {warnings.length} warning{warnings.length === 1 ? '' : 's'}
      </summary>
      <ProblemList problems={warnings} />
    </details>
  );
}
