/** The preview's reading of the head, case by case: the BOM, quoting, blank lines, sample rows, limits and plans. */
import { describe, expect, it } from 'vitest';
import { mergePlan, PREVIEW_ROWS, previewCsv } from './preview';
import { FILE, utf8 } from './test-helpers';
import { type ColumnPlan, DEFAULT_LIMITS } from './types';

const preview = (text: string, totalBytes?: number, plan?: Partial<ColumnPlan>) => {
  const bytes = utf8(text);
  return previewCsv(bytes, FILE, totalBytes ?? bytes.length, DEFAULT_LIMITS, plan);
};
const codes = (text: string, totalBytes?: number) =>
  preview(text, totalBytes).problems.map((p) => [p.code, p.line, p.column]);

describe('previewCsv reads the head', () => {
  it('leaves out a UTF-8 BOM (EF BB BF), and only that: characters sharing two of its bytes stay', () => {
    expect(preview('\uFEFFid,a,label\nr1,1,x\n').header).toEqual(['id', 'a', 'label']);
    expect(preview('\uFEFFid,a,label\nr1,1,x\n').suggested.idColumn).toBe('id');
    // U+1EFF is E1 BB BF, U+F03F is EF 80 BF, U+FEC0 is EF BB 80.
    // The decoder drops a BOM by itself; only the tokenizer sees that the quote opens the first cell.
    expect(preview('\uFEFF"id",a,label\nr1,1,x\n').header).toEqual(['id', 'a', 'label']);
    for (const first of ['\u1EFF', '\uF03F', '\uFEC0']) {
      expect(preview(`${first}a,label\n1,x\n`).header, first).toEqual([`${first}a`, 'label']);
    }
  });

  it('undoes quotes in cells; quoted numbers, even with spaces after the quote, are numbers', () => {
    const head = preview('a,b,c,label\n"1.5" ,"say ""hi""",2,p\n" 3",x,"4"\t,q\n');
    expect(head.sampleRows).toEqual([
      ['1.5', 'say "hi"', '2', 'p'],
      [' 3', 'x', '4', 'q'],
    ]);
    expect(head.nonNumericColumns).toEqual(['b', 'label']);
  });

  it('skips lines of spaces and tabs; shows 20 rows but checks every row of the head for numbers', () => {
    const lines = ['a,b,label', ' \t '];
    for (let r = 0; r < 30; r++) lines.push(`${r},${r === 25 ? 'z' : r},${r % 2}`);
    const head = preview(`${lines.join('\n')}\n`, 100_000, { excluded: ['b'] });
    expect(PREVIEW_ROWS).toBe(20);
    expect(head.sampleRows).toHaveLength(20);
    expect(head.sampleRows[0]).toEqual(['0', '0', '0']);
    expect(head.sampleRows[19]).toEqual(['19', '19', '1']);
    expect(head.nonNumericColumns).toEqual(['b']);
    expect(head.problems).toEqual([]);
    // With tabs as the delimiter a line of one tab is a row of two empty cells, not a blank line.
    expect(preview('a\tlabel\n1\tx\n\t\n2\ty\n', 100).sampleRows).toEqual([
      ['1', 'x'],
      ['', ''],
      ['2', 'y'],
    ]);
  });

  it('reads the last row of a whole file with no line break at its end, and no partial row of a cut head', () => {
    expect(preview('a,label\n1,x\n2,y').sampleRows).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
    expect(preview('a,label\n1,x\n2,y', 100).sampleRows).toEqual([['1', 'x']]);
    expect(preview('a,label\n1,x\n2,y\n3,', 100).sampleRows).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
    // The cut head's last complete row is still checked: a ragged one is reported with its line.
    expect(codes('a,b,label\n1,2,x\n1,2\n3,', 100_000)).toEqual([['ragged-row', 3, undefined]]);
  });

  it('an unclosed quote in the header line is the only problem, with no column', () => {
    expect(codes('"a,label\n1,2\n')).toEqual([['unbalanced-quote', 1, undefined]]);
  });

  it('a NUL as the first byte is refused as not UTF-8, at offset 0', () => {
    const head = previewCsv(Uint8Array.from([0, ...utf8('a,label\n1,x\n')]), FILE, 13);
    expect(head.header).toEqual([]);
    expect(head.problems).toHaveLength(1);
    expect(head.problems[0].code).toBe('not-utf8');
    expect(head.problems[0].message).toContain('NUL byte at offset 0');
  });

  it('no label warning once the plan names the label', () => {
    const text = 'f1,f2,species\n1,2,5\n3,4,6\n';
    expect(preview(text).problems.map((p) => p.code)).toEqual(['no-label-column']);
    expect(preview(text, undefined, { labelColumn: 'species' }).problems).toEqual([]);
    expect(preview(text, undefined, { labelColumn: 'f2' }).problems).toEqual([]);
  });

  it('a file over the byte limit is said to be so once, and its head is still checked', () => {
    const text = 'a,b,label\n1,2,x\n1,2\n';
    const head = previewCsv(utf8(text), FILE, text.length, { ...DEFAULT_LIMITS, maxBytes: 10 });
    expect(head.problems.map((p) => [p.code, p.line])).toEqual([
      ['too-many-bytes', undefined],
      ['ragged-row', 3],
    ]);
  });
});

describe('previewCsv refuses or stops early', () => {
  it('a refused head keeps the empty preview: comma, no header, rows or roles', () => {
    const empty = {
      fileName: FILE,
      delimiter: ',',
      header: [],
      sampleRows: [],
      nonNumericColumns: [],
      suggested: { labelColumn: '', idColumn: null, excluded: [], oneHot: [], missing: 'impute-median' },
    };
    expect(preview('')).toMatchObject({ ...empty, bytes: 0 });
    expect(previewCsv(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), FILE, 8)).toMatchObject({
      ...empty,
      bytes: 8,
    });
  });

  it('an invalid byte in the header line: not UTF-8, at its offset, and no header read', () => {
    const bytes = Uint8Array.from([...utf8('a,lab'), 0xe9, ...utf8('l\n1,x\n2,y\n')]);
    const head = previewCsv(bytes, FILE, bytes.length);
    expect(head.header).toEqual([]);
    expect(head.problems.map((p) => [p.code, p.line])).toEqual([['not-utf8', 1]]);
    expect(head.problems[0].message).toContain('byte 0xE9 at offset 5');
    const first = previewCsv(Uint8Array.from([0xe9, ...utf8('a,label\n1,x\n')]), FILE, 100);
    expect(first.problems.map((p) => [p.code, p.line])).toEqual([['not-utf8', 1]]);
    expect(first.problems[0].message).toContain('byte 0xE9 at offset 0');
  });

  it('a cut head may end inside a character; a whole file may not', () => {
    const bytes = utf8('a,label\n1,日\n2,本\n');
    const cut = bytes.subarray(0, bytes.length - 2); // inside 本
    expect(previewCsv(cut, FILE, bytes.length).problems).toEqual([]);
    const whole = previewCsv(cut, FILE, cut.length).problems;
    expect(whole.map((p) => [p.code, p.line])).toEqual([['not-utf8', 3]]);
    expect(whole[0].message).toContain('it ends in the middle of a multi-byte character');
  });

  it('a file of exactly the byte limit is not over it', () => {
    const text = 'a,label\n1,x\n2,y\n';
    const limits = { ...DEFAULT_LIMITS, maxBytes: text.length };
    expect(previewCsv(utf8(text), FILE, text.length, limits).problems).toEqual([]);
  });

  it('a one-column file reads its header and rows', () => {
    const head = preview('label\nx\ny\n');
    expect(head.header).toEqual(['label']);
    expect(head.sampleRows).toEqual([['x'], ['y']]);
  });

  it('sniffs a whole file to its end, and a file longer than the sniffed part as cut', () => {
    // Only with its last line does "a\n1;2;3;4" split (papaparse: 2.5 fields a row on average for ';').
    expect(preview('a\n1;2;3;4').delimiter).toBe(';');
    expect(preview('a\n1;2;3;4', 100).delimiter).toBe(',');
    // 64 KiB are sniffed: the third line is cut there, and left out ("3xxx…" alone would make ';' unsteady).
    const long = `a;b\n1;2\n3${'x'.repeat(70_000)};4\n`;
    expect(preview(long).delimiter).toBe(';');
  });
});

describe('mergePlan', () => {
  const base: ColumnPlan = {
    labelColumn: 'label',
    idColumn: 'id',
    excluded: ['x'],
    oneHot: ['c'],
    missing: 'impute-median',
  };

  it('takes each field the overrides set, null included, and ignores fields set to undefined', () => {
    expect(mergePlan(base, undefined)).toEqual(base);
    expect(mergePlan(base, undefined)).not.toBe(base);
    expect(
      mergePlan(base, { labelColumn: 'y', idColumn: null, excluded: [], oneHot: ['d'], missing: 'drop-row' }),
    ).toEqual({ labelColumn: 'y', idColumn: null, excluded: [], oneHot: ['d'], missing: 'drop-row' });
    const unset = {
      labelColumn: undefined,
      idColumn: undefined,
      excluded: undefined,
      oneHot: undefined,
      missing: undefined,
    };
    expect(mergePlan(base, unset)).toEqual(base);
    expect(mergePlan(base, { excluded: ['q'] })).toEqual({ ...base, excluded: ['q'] });
  });
});
