/** One test per problem code: code, severity, line, column, and a message that names the file and helps. */
import { describe, expect, it } from 'vitest';
import { CsvIngestor } from './ingest';
import { expectOnlyProblem, FILE, ingestError, ingestText, utf8 } from './test-helpers';

describe('problems', () => {
  it('not-utf8: Latin-1 text names the line and the byte', () => {
    const bytes = Uint8Array.from([...utf8('name,x,label\na,1,p\ncaf'), 0xe9, ...utf8(',2,q\n')]);
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(bytes, { excluded: ['name'] })),
      { code: 'not-utf8', severity: 'error', line: 3 },
    );
    expect(problem.message).toBe(
      'data.csv, line 3: the file is not UTF-8 text (byte 0xE9 at offset 22 is not valid UTF-8; the file may be Latin-1 or Windows-1252 text). Save it as UTF-8 CSV and import it again.',
    );
  });

  it('not-utf8: a UTF-16 file is named as such', () => {
    const text = 'a,label\n1,x\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(bytes)),
      {
        code: 'not-utf8',
        severity: 'error',
      },
    );
    expect(problem.message).toContain('UTF-16');
  });

  it('not-utf8: a PNG image is named as such, and a NUL byte is refused', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(
      expectOnlyProblem(
        ingestError(() => ingestText(png)),
        { code: 'not-utf8' },
      ).message,
    ).toContain('PNG');
    const nul = Uint8Array.from([...utf8('a,label\n1'), 0, ...utf8(',x\n')]);
    expect(
      expectOnlyProblem(
        ingestError(() => ingestText(nul)),
        { code: 'not-utf8' },
      ).message,
    ).toContain('NUL byte at offset 9');
  });

  it('not-utf8: a file that ends inside a multi-byte character', () => {
    const bytes = Uint8Array.from([...utf8('a,label\n1,caf'), 0xc3]);
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(bytes)),
      {
        code: 'not-utf8',
        severity: 'error',
        line: 2,
      },
    );
    expect(problem.message).toContain('ends in the middle of a multi-byte character');
  });

  it('empty-file: no bytes, only a BOM, or only blank lines', () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.from([0xef, 0xbb, 0xbf]), utf8('\n\r\n  \n')]) {
      const problem = expectOnlyProblem(
        ingestError(() => ingestText(bytes)),
        {
          code: 'empty-file',
          severity: 'error',
        },
      );
      expect(problem.message).toBe(
        'data.csv: the file is empty. A CSV needs a header line and at least one data row.',
      );
    }
  });

  it('empty-file from the streaming ingestor, with nothing pushed or only empty chunks', () => {
    const ingestor = new CsvIngestor({
      fileName: FILE,
      totalBytes: 0,
      plan: { labelColumn: 'label', idColumn: null, excluded: [], oneHot: [], missing: 'drop-row' },
    });
    ingestor.push(new Uint8Array(0));
    expectOnlyProblem(
      ingestError(() => ingestor.finish()),
      { code: 'empty-file', severity: 'error' },
    );
  });

  it('header-only', () => {
    expectOnlyProblem(
      ingestError(() => ingestText('a,b,label\n\n')),
      {
        code: 'header-only',
        severity: 'error',
        line: 1,
      },
    );
  });

  it('duplicate-column names both positions', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('f,g,f,label\n1,2,3,x\n')),
      {
        code: 'duplicate-column',
        severity: 'error',
        line: 1,
        column: 'f',
      },
    );
    expect(problem.message).toContain('columns 1 and 3');
  });

  it('no-label-column: the plan names a column the header lacks', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,b\n1,2\n', { labelColumn: 'klass' })),
      {
        code: 'no-label-column',
        severity: 'error',
        column: 'klass',
      },
    );
    expect(problem.message).toBe(
      'data.csv, column "klass": the label column is not in the header. Choose one of the header\'s columns as the label.',
    );
  });

  it('no-features: everything is the label, the id or excluded', () => {
    expectOnlyProblem(
      ingestError(() => ingestText('id,label,note\na,1,x\nb,2,y\n', { excluded: ['note'] })),
      {
        code: 'no-features',
        severity: 'error',
      },
    );
  });

  it('ragged-row: the exact message', () => {
    const text = `a,b,label\n1,2,x\n\n3,4\n`;
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(text)),
      {
        code: 'ragged-row',
        severity: 'error',
        line: 4,
      },
    );
    expect(problem.message).toBe('data.csv, line 4: row has 2 cells but the header has 3 columns.');
  });

  it('unbalanced-quote names the line where the quote opens, and its column', () => {
    const text = 'a,b,label\n1,2,x\n3,"4,y\n5,6,z\n';
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(text)),
      {
        code: 'unbalanced-quote',
        severity: 'error',
        line: 3,
        column: 'b',
      },
    );
    expect(problem.message).toContain('opens here and is never closed');
  });

  it('unbalanced-quote: text after a closing quote', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,name,label\n1,"ab"c,x\n', { excluded: ['name'] })),
      {
        code: 'unbalanced-quote',
        severity: 'error',
        line: 2,
        column: 'name',
      },
    );
    expect(problem.message).toContain('followed by "c"');
  });

  it('non-numeric: the exact message, first bad row; excluded and one-hot columns are fine', () => {
    const text = 'a,px_3,label\n1,2,x\n1,3,y\n1,abc,x\n1,zz,y\n';
    const problem = expectOnlyProblem(
      ingestError(() => ingestText(text)),
      {
        code: 'non-numeric',
        severity: 'error',
        line: 4,
        column: 'px_3',
      },
    );
    expect(problem.message).toBe(
      'data.csv, line 4, column "px_3": "abc" is not a number. Exclude the column or one-hot encode it.',
    );
    expect(ingestText(text, { excluded: ['px_3'] }).featureNames).toEqual(['a']);
    expect(ingestText(text, { oneHot: ['px_3'] }).featureNames).toEqual([
      'a',
      'px_3=2',
      'px_3=3',
      'px_3=abc',
      'px_3=zz',
    ]);
  });

  it('non-numeric: parseFloat prefixes and hex are refused', () => {
    for (const bad of ['12abc', '0x1A', '1e', '--1', '1.2.3']) {
      expectOnlyProblem(
        ingestError(() => ingestText(`a,label\n1,x\n${bad},y\n`)),
        {
          code: 'non-numeric',
          severity: 'error',
          line: 3,
          column: 'a',
        },
      );
    }
  });

  it('missing-value: a warning with the count and the first lines and columns (impute)', () => {
    const text = 'a,b,label\n1,,x\n2,NaN,y\n3,inf,x\n,1e309,y\n5,6,x\n';
    const dataset = ingestText(text, { missing: 'impute-median' });
    expect(dataset.rows).toBe(5);
    expect(dataset.warnings).toHaveLength(1);
    const [warning] = dataset.warnings;
    expect(warning).toMatchObject({
      code: 'missing-value',
      severity: 'warning',
      file: FILE,
      line: 2,
      column: 'b',
      count: 5,
    });
    expect(warning.message).toBe(
      'data.csv: 5 feature cells are empty, NaN or infinite (line 2, column "b"; line 3, column "b"; line 4, column "b"; line 5, column "a"; line 5, column "b"); each was replaced by its column\'s median.',
    );
  });

  it('missing-value: with drop-row, the rows go and the warning says so', () => {
    const dataset = ingestText('a,b,label\n1,,x\n2,3,y\n4,5,x\n', { missing: 'drop-row' });
    expect(dataset.rows).toBe(2);
    expect(dataset.warnings[0]).toMatchObject({
      code: 'missing-value',
      severity: 'warning',
      line: 2,
      column: 'b',
      count: 1,
    });
    expect(dataset.warnings[0].message).toContain('that row was dropped');
  });

  it('missing-value: an error when dropping leaves no rows', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,label\n,x\nNA,y\n', { missing: 'drop-row' })),
      {
        code: 'missing-value',
        severity: 'error',
        line: 2,
        column: 'a',
        count: 2,
      },
    );
    expect(problem.message).toContain('Impute the column median instead');
  });

  it('missing-label', () => {
    expectOnlyProblem(
      ingestError(() => ingestText('a,label\n1,x\n2, \n3,y\n')),
      {
        code: 'missing-label',
        severity: 'error',
        line: 3,
        column: 'label',
      },
    );
  });

  it('missing-id', () => {
    expectOnlyProblem(
      ingestError(() => ingestText('id,a,label\nr1,1,x\n,2,y\n')),
      {
        code: 'missing-id',
        severity: 'error',
        line: 3,
        column: 'id',
      },
    );
  });

  it('duplicate-id names both lines', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('id,a,label\nr1,1,x\nr2,2,y\nr1,3,x\n')),
      {
        code: 'duplicate-id',
        severity: 'error',
        line: 4,
        column: 'id',
      },
    );
    expect(problem.message).toContain('id "r1" is already used on line 2');
  });

  it('single-class', () => {
    const problem = expectOnlyProblem(
      ingestError(() => ingestText('a,label\n1,cat\n2,cat\n')),
      {
        code: 'single-class',
        severity: 'error',
        column: 'label',
      },
    );
    expect(problem.message).toContain('every row has the label "cat"');
  });

  it('single-class after dropping rows', () => {
    expectOnlyProblem(
      ingestError(() => ingestText('a,label\n1,cat\n,dog\n', { missing: 'drop-row' })),
      {
        code: 'single-class',
        severity: 'error',
        column: 'label',
      },
    );
  });
});
