/** One test per problem code: code, severity, line, column, and a message that names the file and helps. */
import { describe, expect, it } from 'vitest';
import { CsvIngestor } from './ingest';
import { expectOnlyProblem, FILE, ingestError, ingestText, utf8 } from './test-helpers';

describe('problems: size limits and the plan', () => {
  it('too-many-bytes says the limit and where to change it, before reading anything', () => {
    const ingestor = new CsvIngestor({
      fileName: FILE,
      totalBytes: 2_500_000,
      plan: { labelColumn: 'label', idColumn: null, excluded: [], oneHot: [], missing: 'drop-row' },
      limits: { maxBytes: 1_000_000, maxRows: 10, maxColumns: 10, maxClasses: 10 },
    });
    const problem = expectOnlyProblem(
      ingestError(() => ingestor.push(utf8('a,label\n'))),
      {
        code: 'too-many-bytes',
        severity: 'error',
      },
    );
    expect(problem.message).toBe(
      'data.csv: the file is 2.5 MB, over the limit of 1 MB. The limit can be changed in the import settings.',
    );
    // Every later call rethrows the same error.
    expect(ingestError(() => ingestor.finish()).problems).toEqual([problem]);
  });

  it('too-many-rows', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,label\n1,x\n2,y\n3,x\n', {}, { maxRows: 2 })),
      {
        code: 'too-many-rows',
        severity: 'error',
        line: 4,
      },
    );
    expect(problem.message).toBe(
      'data.csv, line 4: the file has more than 2 data rows, the limit. The limit can be changed in the import settings.',
    );
  });

  it('too-many-columns: in the header, and from one-hot encoding', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,b,c,label\n1,2,3,x\n', {}, { maxColumns: 3 })),
      {
        code: 'too-many-columns',
        severity: 'error',
        line: 1,
      },
    );
    expect(problem.message).toContain(
      'the header has 4 columns, over the limit of 3. The limit can be changed',
    );
    const text = 'a,color,label\n1,red,x\n2,green,y\n3,blue,x\n';
    expectOnlyProblem(
      ingestError(() => ingestText(text, { oneHot: ['color'] }, { maxColumns: 3 })),
      {
        code: 'too-many-columns',
        severity: 'error',
        line: 4,
        column: 'color',
      },
    );
  });

  it('too-many-classes', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,label\n1,x\n2,y\n3,x\n4,z\n', {}, { maxClasses: 2 })),
      { code: 'too-many-classes', severity: 'error', line: 5, column: 'label' },
    );
    expect(problem.message).toContain('more than 2 distinct labels, the limit');
    expect(problem.message).toContain('The limit can be changed in the import settings.');
  });

  it('unknown-column: the plan names an id, excluded or one-hot column the header lacks', () => {
    const error = ingestError(() =>
      ingestText('a,label\n1,x\n2,y\n', { idColumn: 'sid', excluded: ['zz'], oneHot: ['qq'] }),
    );
    expect(error.problems.map((p) => [p.code, p.severity, p.column])).toEqual([
      ['unknown-column', 'error', 'sid'],
      ['unknown-column', 'error', 'zz'],
      ['unknown-column', 'error', 'qq'],
    ]);
    expect(error.problems.every((p) => p.message.startsWith(FILE))).toBe(true);
  });
});
