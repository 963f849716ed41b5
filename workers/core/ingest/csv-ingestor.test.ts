/**
 * CsvIngestor's own rules (bytes counted, no push or finish after the end, a quote left open in the header) and
 * ingestCsv's: the plan given overrides a suggestion whose head had an error. Expected values written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { CsvIngestor, ingestCsv } from './ingest';
import { FILE, ingestError, utf8 } from './test-helpers';
import type { ColumnPlan } from './types';

const PLAN: ColumnPlan = {
  labelColumn: 'label',
  idColumn: null,
  excluded: [],
  oneHot: [],
  missing: 'impute-median',
};

describe('CsvIngestor', () => {
  it('counts the bytes pushed, and refuses a push or a finish after the end', () => {
    const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: 16, plan: PLAN, delimiter: ',' });
    ingestor.push(utf8('f,label\n1,a\n'));
    expect(ingestor.bytesRead).toBe(12);
    ingestor.push(utf8('2,b\n'));
    expect(ingestor.bytesRead).toBe(16);
    expect(ingestor.finish().rows).toBe(2);
    expect(() => ingestor.push(utf8('3,a\n'))).toThrow('CsvIngestor.push after finish');
    expect(() => ingestor.finish()).toThrow('CsvIngestor.finish called twice');
  });

  it('names no column for a quote left open in the header', () => {
    const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: 14, plan: PLAN, delimiter: ',' });
    const error = ingestError(() => {
      ingestor.push(utf8('f,"label\n1,a\n'));
      ingestor.finish();
    });
    expect(error.problems.map((p) => [p.code, p.line, p.column, p.message])).toEqual([
      [
        'unbalanced-quote',
        1,
        undefined,
        'data.csv, line 1: a quoted field opens here and is never closed. Add the closing quote, or double the quote ("") if it is part of the text.',
      ],
    ]);
  });
});

describe('CsvIngestor after an error', () => {
  it('throws the same import error again on every later push or finish', () => {
    const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: 16, plan: PLAN, delimiter: ',' });
    ingestor.push(utf8('f,label\n1,a\n'));
    const first = ingestError(() => ingestor.push(Uint8Array.of(0x32, 0x00, 0x0a)));
    expect(first.problems.map((p) => p.code)).toEqual(['not-utf8']);
    expect(ingestError(() => ingestor.push(utf8('2,b\n')))).toBe(first);
    expect(ingestError(() => ingestor.finish())).toBe(first);
  });

  it('is not stopped by an error that is not about the file (a missing chunk)', () => {
    const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: 16, plan: PLAN, delimiter: ',' });
    expect(() => ingestor.push(undefined as unknown as Uint8Array)).toThrow(TypeError);
    ingestor.push(utf8('f,label\n1,a\n2,b\n'));
    expect(ingestor.finish().rows).toBe(2);
  });
});

describe('ingestCsv', () => {
  it('ingests with the plan given when only the suggested plan fails in the head', () => {
    // The suggestion takes `id` as the id column, and ids repeat; without an id column the rows are row-0, row-1.
    const bytes = utf8('id,f,label\n1,1,a\n1,2,b\n');
    expect(ingestError(() => ingestCsv(bytes, FILE)).problems.map((p) => p.code)).toEqual(['duplicate-id']);
    const ds = ingestCsv(bytes, FILE, { idColumn: null });
    expect(ds.ids).toEqual(['row-0', 'row-1']);
    expect(Array.from(ds.features)).toEqual([1, 1, 1, 2]);
  });
});
