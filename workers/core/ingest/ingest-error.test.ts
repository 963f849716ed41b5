/** IngestError's message: the first error's, else the first problem's, else a fixed sentence. */
import { describe, expect, it } from 'vitest';
import { IngestError } from './ingest-error';
import type { Problem } from './types';

const problem = (severity: Problem['severity'], message: string): Problem => ({
  severity,
  code: 'not-utf8',
  message,
  file: 'a.csv',
});

describe('IngestError', () => {
  it('takes the message of the first error, past warnings before it', () => {
    const problems = [problem('warning', 'w1'), problem('error', 'e1'), problem('error', 'e2')];
    const error = new IngestError(problems);
    expect(error.message).toBe('e1');
    expect(error.name).toBe('IngestError');
    expect(error.problems).toBe(problems);
    expect(error).toBeInstanceOf(Error);
  });

  it("takes the first problem's message when none is an error, and a fixed sentence when there are none", () => {
    expect(new IngestError([problem('warning', 'w1'), problem('warning', 'w2')]).message).toBe('w1');
    expect(new IngestError([]).message).toBe('The import failed.');
    expect(new IngestError([]).problems).toEqual([]);
  });
});
