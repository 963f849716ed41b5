/** The error of an import that cannot go on. */
import type { Problem } from './types';

/** An import that cannot go on; `problems` holds the error(s), `message` the first one's message. */
export class IngestError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems.find((p) => p.severity === 'error') ?? problems[0];
    super(first?.message ?? 'The import failed.');
    this.name = 'IngestError';
    this.problems = problems;
  }
}
