/** The preview: what the head of a file shows, and the roles it proposes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewCsv } from './preview';
import { FILE, utf8 } from './test-helpers';
import { DEFAULT_LIMITS } from './types';

const codes = (text: string, totalBytes?: number) => {
  const bytes = utf8(text);
  return previewCsv(bytes, FILE, totalBytes ?? bytes.length).problems.map((p) => [
    p.code,
    p.severity,
    p.line,
    p.column,
  ]);
};

describe('previewCsv', () => {
  it('reads the head of the digits dataset and proposes its roles', () => {
    const buffer = readFileSync(
      new URL('../../../../shared/datasets/digits_flip5/digits_flip5.csv', import.meta.url),
    );
    const file = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    // A head that stops mid-row, as the worker's 64 KiB slice does.
    const preview = previewCsv(file.subarray(0, 5000), 'digits_flip5.csv', file.length);
    expect(preview.delimiter).toBe(',');
    expect(preview.bytes).toBe(file.length);
    expect(preview.header).toHaveLength(66);
    expect(preview.sampleRows).toHaveLength(20);
    expect(preview.sampleRows[0].slice(0, 4)).toEqual(['digits-000000', '0', '0', '0']);
    expect(preview.nonNumericColumns).toEqual(['id']);
    expect(preview.suggested).toEqual({
      labelColumn: 'label',
      idColumn: 'id',
      excluded: [],
      oneHot: [],
      missing: 'impute-median',
    });
    expect(preview.problems).toEqual([]);
  });

  it('only complete rows of a truncated head, even when it ends inside a character or a quoted field', () => {
    const bytes = utf8('a,note,label\n1,"x\ny",p\n2,日本,q\n3,"open');
    for (const cut of [bytes.length, bytes.length - 3, 28]) {
      const preview = previewCsv(bytes.subarray(0, cut), FILE, 10_000, DEFAULT_LIMITS, {
        excluded: ['note'],
      });
      expect(preview.sampleRows.length).toBeLessThanOrEqual(2);
      expect(preview.problems).toEqual([]);
    }
    const twoRows = utf8('a,note,label\n1,"x\ny",p\n2,日本,q\n').length;
    const whole = previewCsv(bytes.subarray(0, twoRows), FILE, 10_000);
    expect(whole.sampleRows).toEqual([
      ['1', 'x\ny', 'p'],
      ['2', '日本', 'q'],
    ]);
  });

  it('with no label-like name, proposes the last named column and warns', () => {
    const preview = previewCsv(utf8('sample_id,f1,f2,species\ns1,1,2,setosa\ns2,3,4,virginica\n'), FILE, 60);
    expect(preview.suggested.labelColumn).toBe('species');
    expect(preview.suggested.idColumn).toBe('sample_id');
    expect(preview.problems).toHaveLength(1);
    expect(preview.problems[0]).toMatchObject({
      code: 'no-label-column',
      severity: 'warning',
      column: 'species',
    });
    expect(preview.problems[0].message).toContain('the last column, "species", is proposed as the label');
  });

  it('excludes an unnamed (pandas index) column, and prefers `label` to `class`', () => {
    const preview = previewCsv(utf8(',f1,class,label\n0,1,a,x\n1,2,b,y\n'), FILE, 40, DEFAULT_LIMITS, {
      excluded: ['', 'class'],
    });
    expect(preview.suggested.labelColumn).toBe('label');
    expect(preview.suggested.excluded).toEqual(['']);
    expect(preview.suggested.idColumn).toBeNull();
    expect(preview.problems).toEqual([]);
  });

  it('a text column is listed and refused until the plan excludes or one-hot encodes it', () => {
    const text = 'id,f1,color,label\na,1,red,x\nb,2,blue,y\n';
    const preview = previewCsv(utf8(text), FILE, text.length);
    expect(preview.nonNumericColumns).toEqual(['id', 'color', 'label']);
    expect(preview.problems.map((p) => [p.code, p.severity, p.line, p.column])).toEqual([
      ['non-numeric', 'error', 2, 'color'],
    ]);
    expect(previewCsv(utf8(text), FILE, text.length, DEFAULT_LIMITS, { oneHot: ['color'] }).problems).toEqual(
      [],
    );
    expect(
      previewCsv(utf8(text), FILE, text.length, DEFAULT_LIMITS, { excluded: ['color'] }).problems,
    ).toEqual([]);
  });

  it('reports what the head already shows', () => {
    expect(codes('')).toEqual([['empty-file', 'error', undefined, undefined]]);
    expect(codes('a,label\n')).toEqual([['header-only', 'error', 1, undefined]]);
    // A head with no line end, of a file larger than the head: one huge "header" line, refused rather than silent.
    expect(codes('abc,'.repeat(100), 10_000_000)).toEqual([['header-too-long', 'error', 1, undefined]]);
    expect(codes('a,a,label\n1,2,x\n')).toEqual([['duplicate-column', 'error', 1, 'a']]);
    expect(codes('a,b,label\n1,2,x\n1,2\n', 100_000)).toEqual([['ragged-row', 'error', 3, undefined]]);
    expect(codes('id,a,label\nr,1,x\nr,2,y\n', 100_000)).toEqual([['duplicate-id', 'error', 3, 'id']]);
    expect(codes('a,label\n1,"x\n2,y\n')).toEqual([['unbalanced-quote', 'error', 2, 'label']]);
    expect(codes('a,label\n1,x\n,y\n2,y\n')).toEqual([['missing-value', 'warning', 3, 'a']]);
    expect(codes('a,label\n1,x\n,y\n2,y\n', 100_000)).toEqual([['missing-value', 'warning', 3, 'a']]);
  });

  it('sniffs the delimiter', () => {
    expect(previewCsv(utf8('a;b;label\n1,5;2;x\n'), FILE, 18).delimiter).toBe(';');
    expect(previewCsv(utf8('a\tb\tlabel\n1\t2\tx\n'), FILE, 16).delimiter).toBe('\t');
  });

  it('refuses binary and non-UTF-8 heads without reading a header', () => {
    const png = previewCsv(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'x.csv', 9000);
    expect(png.header).toEqual([]);
    expect(png.problems).toHaveLength(1);
    expect(png.problems[0]).toMatchObject({ code: 'not-utf8', severity: 'error', file: 'x.csv' });
    expect(png.problems[0].message).toContain('PNG');
    const latin1 = previewCsv(Uint8Array.from([...utf8('a,label\n1,caf'), 0xe9, 0x0a]), FILE, 9000);
    expect(latin1.problems[0]).toMatchObject({ code: 'not-utf8', line: 2 });
  });

  it('says the file is over the byte limit and still previews it', () => {
    const preview = previewCsv(utf8('a,label\n1,x\n2,y\n'), FILE, 2_000_000_000);
    expect(preview.header).toEqual(['a', 'label']);
    expect(preview.problems.map((p) => p.code)).toEqual(['too-many-bytes']);
    expect(preview.problems[0].message).toContain('2 GB, over the limit of 536.9 MB');
  });
});
