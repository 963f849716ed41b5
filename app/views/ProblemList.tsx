import type { Problem } from '../../workers/core/ingest/types';

/** Problems as a list of whole sentences; each message already names the file, line and column. */
export function ProblemList({ problems }: { problems: Problem[] }) {
  return (
    <ul className="problems">
      {problems.map((problem, k) => (
        // Problems have no identity of their own; their order is the validator's and never changes.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <li key={k} className={`problem problem-${problem.severity}`} data-code={problem.code}>
          {problem.message}
          {problem.count !== undefined && problem.count > 1 && (
            <span className="muted"> ({problem.count.toLocaleString('en-US')} occurrences)</span>
          )}
        </li>
      ))}
    </ul>
  );
}
