import type { ImageProblem } from '../../workers/core/ingest/images/types';
import type { Problem } from '../../workers/core/ingest/types';

/** The archive entry a problem names (image problems), for tests and for people who copy it. */
function entryOf(problem: Problem | ImageProblem): string | undefined {
  return 'entry' in problem ? problem.entry : undefined;
}

/**
 * Problems as a list of whole sentences; each message already names the file, and the line and column (a CSV) or
 * the entry (an image archive or folder).
 */
export function ProblemList({ problems }: { problems: ReadonlyArray<Problem | ImageProblem> }) {
  return (
    <ul className="problems">
      {problems.map((problem, k) => {
        const attributes = {
          className: `problem problem-${problem.severity}`,
          'data-code': problem.code,
          'data-entry': entryOf(problem),
        };
        return (
          // Problems have no identity of their own; their order is the validator's and never changes.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={k} {...attributes}>
            {problem.message}
            {problem.count !== undefined && problem.count > 1 && (
              <span className="muted"> ({problem.count.toLocaleString('en-US')} occurrences)</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
