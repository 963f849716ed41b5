/**
 * Every problem builder's sentence, word for word, and the fields it sets (the import tests reach most builders
 * through a file but compare only codes and lines). The expected sentences are written out here by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  duplicateColumn,
  duplicateId,
  emptyFile,
  formatBytes,
  formatCount,
  hashingStopped,
  headerOnly,
  headerTooLong,
  missingId,
  missingLabel,
  missingValue,
  noFeatures,
  noLabelColumn,
  nonNumeric,
  notUtf8,
  quote,
  raggedRow,
  singleClass,
  tooManyBytes,
  tooManyClasses,
  tooManyColumns,
  tooManyRows,
  unbalancedQuote,
  unknownColumn,
} from './problems';

const F = 'd.csv';
const HINT = 'The limit can be changed in the import settings.';

describe('problem wording helpers', () => {
  it('quotes a string, cutting it after 60 characters (or the given maximum)', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('')).toBe('""');
    expect(quote('x'.repeat(60))).toBe(`"${'x'.repeat(60)}"`);
    expect(quote(`${'x'.repeat(60)}y`)).toBe(`"${'x'.repeat(60)}…"`);
    expect(quote('abcdef', 3)).toBe('"abc…"');
    expect(quote('abc', 3)).toBe('"abc"');
  });

  it('groups digits by three with commas', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [999, '999'],
      [1000, '1,000'],
      [12345, '12,345'],
      [999999, '999,999'],
      [1234567, '1,234,567'],
      [100000000, '100,000,000'],
    ];
    for (const [n, text] of cases) expect(formatCount(n)).toBe(text);
  });

  it('writes byte counts in decimal units, whole or to one decimal', () => {
    const cases: [number, string][] = [
      [0, '0 bytes'],
      [999, '999 bytes'],
      [1000, '1 KB'],
      [1500, '1.5 KB'],
      [999_999, '1000.0 KB'],
      [1_000_000, '1 MB'],
      [512_000_000, '512 MB'],
      [1_500_000_000, '1.5 GB'],
      [2_000_000_000_000, '2 TB'],
      [3_000_000_000_000_000, '3000 TB'],
    ];
    for (const [n, text] of cases) expect(formatBytes(n), String(n)).toBe(text);
  });
});

describe('problem sentences', () => {
  it('file-level problems', () => {
    expect(notUtf8(F, 'a UTF-16 byte-order mark')).toStrictEqual({
      severity: 'error',
      code: 'not-utf8',
      file: F,
      message:
        'd.csv: the file is not UTF-8 text (a UTF-16 byte-order mark). Save it as UTF-8 CSV and import it again.',
    });
    expect(notUtf8(F, 'byte 0xFF', 4)).toMatchObject({
      line: 4,
      message:
        'd.csv, line 4: the file is not UTF-8 text (byte 0xFF). Save it as UTF-8 CSV and import it again.',
    });
    expect(emptyFile(F)).toStrictEqual({
      severity: 'error',
      code: 'empty-file',
      file: F,
      message: 'd.csv: the file is empty. A CSV needs a header line and at least one data row.',
    });
    expect(headerOnly(F, 3)).toStrictEqual({
      severity: 'error',
      code: 'header-only',
      file: F,
      line: 3,
      message: 'd.csv, line 3: the file has a header but no data rows.',
    });
    expect(headerTooLong(F, 65536)).toStrictEqual({
      severity: 'error',
      code: 'header-too-long',
      file: F,
      line: 1,
      message:
        'd.csv, line 1: no line end in the first 65.5 KB, so the header line cannot be read. A CSV starts with one line of column names; is this a CSV file?',
    });
    expect(noFeatures(F)).toStrictEqual({
      severity: 'error',
      code: 'no-features',
      file: F,
      message:
        'd.csv: no feature columns are left: every column is the label, the id or excluded. Include at least one numeric column.',
    });
    expect(hashingStopped(F, 'out of memory')).toStrictEqual({
      severity: 'error',
      code: 'hashing-stopped',
      file: F,
      message:
        'The hashing worker stopped while importing d.csv (out of memory); nothing was stored. Import the file again.',
    });
  });

  it('header and column problems', () => {
    expect(duplicateColumn(F, 1, 'px', 2, 5)).toStrictEqual({
      severity: 'error',
      code: 'duplicate-column',
      file: F,
      line: 1,
      column: 'px',
      message:
        'd.csv, line 1, column "px": the name is used by columns 2 and 5. Rename one of them so every column has its own name.',
    });
    expect(noLabelColumn(F, 'last', true)).toStrictEqual({
      severity: 'warning',
      code: 'no-label-column',
      file: F,
      column: 'last',
      message:
        'd.csv: no column is named label, class, target or y, so the last column, "last", is proposed as the label. Check it before importing.',
    });
    expect(noLabelColumn(F, '', false)).toStrictEqual({
      severity: 'error',
      code: 'no-label-column',
      file: F,
      message: "d.csv: no label column is chosen. Choose the column that holds each row's class.",
    });
    expect(noLabelColumn(F, 'kind', false)).toStrictEqual({
      severity: 'error',
      code: 'no-label-column',
      file: F,
      column: 'kind',
      message:
        'd.csv, column "kind": the label column is not in the header. Choose one of the header\'s columns as the label.',
    });
    for (const role of ['id', 'excluded', 'one-hot'] as const) {
      expect(unknownColumn(F, 'zz', role)).toStrictEqual({
        severity: 'error',
        code: 'unknown-column',
        file: F,
        column: 'zz',
        message: `d.csv, column "zz": the ${role} column is not in the header. Choose one of the header's columns.`,
      });
    }
    expect(singleClass(F, 'label', 'cat')).toStrictEqual({
      severity: 'error',
      code: 'single-class',
      file: F,
      column: 'label',
      message:
        'd.csv, column "label": every row has the label "cat". Training needs at least two classes: check the label column.',
    });
  });

  it('row problems', () => {
    expect(raggedRow(F, 7, 1, 1)).toStrictEqual({
      severity: 'error',
      code: 'ragged-row',
      file: F,
      line: 7,
      message: 'd.csv, line 7: row has 1 cell but the header has 1 column.',
    });
    expect(raggedRow(F, 8, 3, 2).message).toBe(
      'd.csv, line 8: row has 3 cells but the header has 2 columns.',
    );
    expect(unbalancedQuote(F, 4, 'note')).toStrictEqual({
      severity: 'error',
      code: 'unbalanced-quote',
      file: F,
      line: 4,
      column: 'note',
      message:
        'd.csv, line 4, column "note": a quoted field opens here and is never closed. Add the closing quote, or double the quote ("") if it is part of the text.',
    });
    expect(unbalancedQuote(F, 5, undefined, 'x')).toStrictEqual({
      severity: 'error',
      code: 'unbalanced-quote',
      file: F,
      line: 5,
      message:
        'd.csv, line 5: the quoted field\'s closing quote is followed by "x" instead of the delimiter or the line end. Double the quote ("") if it is part of the text.',
    });
    expect(nonNumeric(F, 9, 'age', 'ten')).toStrictEqual({
      severity: 'error',
      code: 'non-numeric',
      file: F,
      line: 9,
      column: 'age',
      message: 'd.csv, line 9, column "age": "ten" is not a number. Exclude the column or one-hot encode it.',
    });
    expect(missingLabel(F, 3, 'y')).toStrictEqual({
      severity: 'error',
      code: 'missing-label',
      file: F,
      line: 3,
      column: 'y',
      message:
        'd.csv, line 3, column "y": the label is empty. Every row needs a label: fill it in or remove the row.',
    });
    expect(missingId(F, 6, 'id')).toStrictEqual({
      severity: 'error',
      code: 'missing-id',
      file: F,
      line: 6,
      column: 'id',
      message:
        'd.csv, line 6, column "id": the id is empty. Fill it in, or import without an id column (ids become row-<n>).',
    });
    expect(duplicateId(F, 12, 'id', 'r-1', 2)).toStrictEqual({
      severity: 'error',
      code: 'duplicate-id',
      file: F,
      line: 12,
      column: 'id',
      message:
        'd.csv, line 12, column "id": id "r-1" is already used on line 2. Ids must be unique: fix one of them, or import without an id column (ids become row-<n>).',
    });
  });

  it('missing values: one or many cells and rows, dropped, imputed or leaving nothing', () => {
    const one = [{ line: 2, column: 'a' }];
    expect(missingValue(F, 1, 1, one, 'drop-row')).toStrictEqual({
      severity: 'warning',
      code: 'missing-value',
      file: F,
      line: 2,
      column: 'a',
      count: 1,
      message: 'd.csv: 1 feature cell is empty, NaN or infinite (line 2, column "a"); that row was dropped.',
    });
    const two = [
      { line: 2, column: 'a' },
      { line: 5, column: 'b' },
    ];
    expect(missingValue(F, 2, 2, two, 'drop-row').message).toBe(
      'd.csv: 2 feature cells are empty, NaN or infinite (line 2, column "a"; line 5, column "b"); those 2 rows were dropped.',
    );
    expect(missingValue(F, 1234, 1001, two, 'drop-row').message).toBe(
      'd.csv: 1,234 feature cells are empty, NaN or infinite (line 2, column "a"; line 5, column "b"; …); those 1,001 rows were dropped.',
    );
    expect(missingValue(F, 2, 1, two, 'impute-median')).toStrictEqual({
      severity: 'warning',
      code: 'missing-value',
      file: F,
      line: 2,
      column: 'a',
      count: 2,
      message:
        'd.csv: 2 feature cells are empty, NaN or infinite (line 2, column "a"; line 5, column "b"); each was replaced by its column\'s median.',
    });
    expect(missingValue(F, 3, 3, two, 'drop-row', true)).toStrictEqual({
      severity: 'error',
      code: 'missing-value',
      file: F,
      line: 2,
      column: 'a',
      count: 3,
      message:
        'd.csv: 3 feature cells are empty, NaN or infinite (line 2, column "a"; line 5, column "b"; …); every row has one, so dropping rows leaves nothing. Impute the column median instead.',
    });
  });

  it('limits: bytes, rows, columns (header or one-hot) and classes', () => {
    expect(tooManyBytes(F, 2_500_000_000, 2_000_000_000)).toStrictEqual({
      severity: 'error',
      code: 'too-many-bytes',
      file: F,
      message: `d.csv: the file is 2.5 GB, over the limit of 2 GB. ${HINT}`,
    });
    expect(tooManyRows(F, 1_000_002, 1_000_000)).toStrictEqual({
      severity: 'error',
      code: 'too-many-rows',
      file: F,
      line: 1_000_002,
      message: `d.csv, line 1000002: the file has more than 1,000,000 data rows, the limit. ${HINT}`,
    });
    expect(tooManyColumns(F, 1, 12000, 10000)).toStrictEqual({
      severity: 'error',
      code: 'too-many-columns',
      file: F,
      line: 1,
      message: `d.csv, line 1: the header has 12,000 columns, over the limit of 10,000. ${HINT}`,
    });
    expect(tooManyColumns(F, 40, 12000, 10000, 'city')).toStrictEqual({
      severity: 'error',
      code: 'too-many-columns',
      file: F,
      line: 40,
      column: 'city',
      message:
        'd.csv, line 40, column "city": one-hot encoding this column makes more than 10,000 feature columns, the limit. Exclude the column, or change the limit in the import settings.',
    });
    expect(tooManyClasses(F, 77, 'label', 1000)).toStrictEqual({
      severity: 'error',
      code: 'too-many-classes',
      file: F,
      line: 77,
      column: 'label',
      message: `d.csv, line 77, column "label": there are more than 1,000 distinct labels, the limit (is this the right label column?). ${HINT}`,
    });
  });
});
