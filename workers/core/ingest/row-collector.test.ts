/** The row side of an import (RowCollector, through CsvIngestor): ranges while streaming, edges of rows and arrays. */
import { describe, expect, it } from 'vitest';
import { CsvIngestor } from './ingest';
import { expectOnlyProblem, FILE, ingestError, ingestText, utf8 } from './test-helpers';
import type { ColumnPlan } from './types';

const PLAN: ColumnPlan = {
  labelColumn: 'label',
  idColumn: null,
  excluded: [],
  oneHot: [],
  missing: 'drop-row',
};

describe('RowCollector while streaming', () => {
  it('counts parsed and kept rows and gives the byte ranges of the rows kept since any row', () => {
    const lines = ['a,label'];
    for (let r = 0; r < 400; r++) lines.push(`${r % 9 === 4 ? '' : r},${r % 2}`);
    const text = `${lines.join('\n')}\n`;
    // The expected ranges, from the text: each kept line's offset and length (dropped: an empty `a`).
    const expected: [number, number][] = [];
    let offset = lines[0].length + 1;
    for (const line of lines.slice(1)) {
      if (!line.startsWith(',')) expected.push([offset, offset + line.length]);
      offset += line.length + 1;
    }
    const bytes = utf8(text);
    const ingestor = new CsvIngestor({
      fileName: FILE,
      totalBytes: bytes.length,
      plan: PLAN,
      delimiter: ',',
    });
    const got: [number, number][] = [];
    for (let at = 0; at < bytes.length; at += 500) {
      const before = ingestor.rowsKept;
      ingestor.push(bytes.subarray(at, at + 500));
      const { starts, ends } = ingestor.keptRanges(before);
      expect(starts).toHaveLength(ingestor.rowsKept - before);
      expect(ends).toHaveLength(starts.length);
      starts.forEach((start, i) => {
        got.push([start, ends[i]]);
      });
    }
    expect(got.length).toBeGreaterThan(0);
    expect(ingestor.rowsParsed).toBe(400);
    expect(ingestor.rowsKept).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(ingestor.finish().rows).toBe(expected.length);
  });
});

describe('RowCollector cells and rows', () => {
  it('stores the largest finite float32 as it is; beyond it a cell is missing, and its row dropped', () => {
    const max = '3.4028234663852886e38';
    const dataset = ingestText(`a,label\n${max},x\n-${max},y\n1e39,x\n2,y\n`, { missing: 'drop-row' });
    expect(Array.from(dataset.features)).toEqual([3.4028234663852886e38, -3.4028234663852886e38, 2]);
    expect(Array.from(dataset.lines)).toEqual([2, 3, 5]);
  });

  it('a row of one cell is ragged, and a tab-separated row of tabs is not blank', () => {
    const ragged = ingestError(() => ingestText('a,label\n1,x\n5\n2,y\n'));
    expectOnlyProblem(ragged, { code: 'ragged-row', line: 3 });
    const tabs = ingestError(() => ingestText('a\tlabel\n1\tx\n\t\n2\ty\n'));
    expectOnlyProblem(tabs, { code: 'missing-label', line: 3, column: 'label' });
  });

  it('reads the label in the first column and an id in the second', () => {
    const dataset = ingestText('label,id,a\nx,r1,1\ny,r2,2\nx,r3,3\n', { idColumn: 'id' });
    expect(dataset.classes).toEqual(['x', 'y']);
    expect(Array.from(dataset.labels)).toEqual([0, 1, 0]);
    expect(dataset.ids).toEqual(['r1', 'r2', 'r3']);
    expect(dataset.featureNames).toEqual(['a']);
  });

  it('finds the header after a BOM and blank lines, and where it ends', () => {
    const dataset = ingestText('\uFEFF\n\na,label\n1,x\n2,y\n');
    expect(dataset.header).toEqual(['a', 'label']);
    // 3 bytes of BOM, 2 line breaks, then "a,label" (7 bytes).
    expect(dataset.headerEnd).toBe(12);
    expect(Array.from(dataset.lines)).toEqual([4, 5]);
  });

  it('the missing-value warning lists the first five cells', () => {
    const rows = Array.from({ length: 7 }, (_, r) => `${r},,${r % 2}`);
    const dataset = ingestText(`a,b,label\n${rows.join('\n')}\n`);
    const listed = [2, 3, 4, 5, 6].map((line) => `line ${line}, column "b"`).join('; ');
    expect(dataset.warnings[0].message).toBe(
      `${FILE}: 7 feature cells are empty, NaN or infinite (${listed}; …); each was replaced by its column's median.`,
    );
  });

  it('a class whose every row was dropped is no class', () => {
    const dataset = ingestText('a,label\n,q\n1,x\n2,y\n', { missing: 'drop-row' });
    expect(dataset.classes).toEqual(['x', 'y']);
    expect(Array.from(dataset.labels)).toEqual([0, 1]);
  });
});

describe('RowCollector arrays', () => {
  /** 3,000 rows of 7 bytes ("0042,0\n") under an 8-byte header. */
  const text = `a,label\n${Array.from({ length: 3000 }, (_, r) => `${String(r).padStart(4, '0')},${r % 2}\n`).join('')}`;

  it('sizes its arrays from the file size once 256 rows are read', () => {
    // 1,024 rows fill the first arrays; the next row ends at byte 8 + 1,024 × 7 + 6 = 7,182 of 21,008, so the
    // arrays grow to ceil(21,008 / 7,182 × 1,025 × 1.02) = 3,059 rows: 59 spare, under a sixteenth, kept as a view.
    const dataset = ingestText(text);
    expect(dataset.rows).toBe(3000);
    expect(dataset.lines.buffer.byteLength).toBe(3059 * 4);
    expect(dataset.features.buffer.byteLength).toBe(3059 * 4);
    // No more rows than the limit: 3,000 exactly, the arrays themselves.
    expect(ingestText(text, undefined, { maxRows: 3000 }).lines.buffer.byteLength).toBe(3000 * 4);
  });

  it('reads every row of a file larger than it was told, doubling its arrays', () => {
    const bytes = utf8(text);
    const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: 100, plan: PLAN, delimiter: ',' });
    ingestor.push(bytes);
    const dataset = ingestor.finish();
    expect(dataset.rows).toBe(3000);
    expect(dataset.features[2999]).toBe(2999);
    expect(dataset.labels[2999]).toBe(1);
    expect(Array.from(dataset.features.subarray(1020, 1030))).toEqual([
      1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029,
    ]);
  });
});
