/** Streaming ingestion on tricky inputs: byte-exact offsets and hashes, chunking, encodings, numbers, policies. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvIngestor, type IngestError } from './ingest';
import { previewCsv } from './preview';
import { expectOnlyProblem, FILE, ingestChunked, ingestError, ingestText, utf8 } from './test-helpers';
import type { ColumnPlan, IngestedDataset } from './types';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Every row's offsets, text and hash checked against the file's bytes and node:crypto. */
function expectRowsExact(dataset: IngestedDataset, bytes: Uint8Array, rowTexts: string[]): void {
  expect(dataset.rows).toBe(rowTexts.length);
  expect(dataset.sha256).toBe(sha(bytes));
  expect(dataset.bytes).toBe(bytes.length);
  for (let r = 0; r < dataset.rows; r++) {
    const slice = bytes.subarray(dataset.rowStart[r], dataset.rowEnd[r]);
    expect(new TextDecoder().decode(slice)).toBe(rowTexts[r]);
    expect(hex(dataset.rowSha256.subarray(r * 32, r * 32 + 32))).toBe(sha(slice));
  }
}

/** A dataset as plain data, for deep comparison of two imports. */
function plain(dataset: IngestedDataset): unknown {
  return JSON.parse(
    JSON.stringify(dataset, (_, value) =>
      ArrayBuffer.isView(value) && !(value instanceof DataView)
        ? Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isNaN(v) ? 'NaN' : v))
        : value,
    ),
  );
}

describe('byte-exact rows', () => {
  it('a UTF-8 BOM is skipped for parsing but counted in offsets and the file hash', () => {
    const body = 'id,a,label\nr1,1,x\nr2,2,y\n';
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(body)]);
    const dataset = ingestText(bytes);
    expect(dataset.header).toEqual(['id', 'a', 'label']);
    expect(dataset.idColumn).toBe('id');
    expect(dataset.ids).toEqual(['r1', 'r2']);
    expect(dataset.headerEnd).toBe(3 + 'id,a,label'.length);
    expect(Array.from(dataset.rowStart)).toEqual([3 + 11, 3 + 18]);
    expectRowsExact(dataset, bytes, ['r1,1,x', 'r2,2,y']);
  });

  it('CRLF: a row excludes its line break', () => {
    const bytes = utf8('a,b,label\r\n1,2,x\r\n3,4,y\r\n');
    const dataset = ingestText(bytes);
    expect(dataset.headerEnd).toBe(9);
    expect(Array.from(dataset.lines)).toEqual([2, 3]);
    expect(Array.from(dataset.features)).toEqual([1, 2, 3, 4]);
    expectRowsExact(dataset, bytes, ['1,2,x', '3,4,y']);
  });

  it("validateOnly (the preview's pass) checks the same rows but computes no hashes", () => {
    const bytes = utf8('a,b,label\n1,2,x\n3,4,y\n');
    const plan = {
      labelColumn: 'label',
      idColumn: null,
      excluded: [],
      oneHot: [],
      missing: 'drop-row' as const,
    };
    const run = (validateOnly: boolean) => {
      const ingestor = new CsvIngestor({ fileName: FILE, totalBytes: bytes.length, plan, validateOnly });
      ingestor.push(bytes);
      return ingestor.finish();
    };
    const checked = run(true);
    const full = run(false);
    expect(checked.sha256).toBe('');
    expect(checked.rowSha256.every((b) => b === 0)).toBe(true);
    expect(full.sha256).toBe(sha(bytes));
    expect(Array.from(checked.features)).toEqual(Array.from(full.features));
  });

  it('lone CR line breaks (old Mac files) work too', () => {
    const bytes = utf8('a,label\r1,x\r2,y');
    const dataset = ingestText(bytes);
    expect(Array.from(dataset.lines)).toEqual([2, 3]);
    expectRowsExact(dataset, bytes, ['1,x', '2,y']);
  });

  it('quoted fields with delimiters, doubled quotes and newlines: cells, lines and hashes', () => {
    const rows = [
      '1,"line one\nline two",5,x',
      '2,"say ""hi""",6,y',
      '3,"a,b",7,x',
      '4,"crlf\r\ninside",8,y',
    ];
    const text = `id,text,"a",label\n${rows.join('\n')}\n`;
    const bytes = utf8(text);
    const dataset = ingestText(bytes, { excluded: ['text'] });
    expect(dataset.header).toEqual(['id', 'text', 'a', 'label']);
    expect(Array.from(dataset.lines)).toEqual([2, 4, 5, 6]);
    expect(Array.from(dataset.features)).toEqual([5, 6, 7, 8]);
    expect(dataset.ids).toEqual(['1', '2', '3', '4']);
    expectRowsExact(dataset, bytes, rows);
    const oneHot = ingestText(bytes, { oneHot: ['text'] });
    expect(oneHot.featureNames).toEqual([
      'text=a,b',
      'text=crlf\r\ninside',
      'text=line one\nline two',
      'text=say "hi"',
      'a',
    ]);
  });

  it('a quoted number is a number; spaces around numbers and after a closing quote are allowed', () => {
    const dataset = ingestText('a,b,label\n"1.5", 2 ,x\n"3"  ,\t4,y\n');
    expect(Array.from(dataset.features)).toEqual([1.5, 2, 3, 4]);
  });

  it('a trailing newline adds no row; blank lines are skipped but still counted as lines', () => {
    const without = ingestText('a,label\n1,x\n2,y');
    const withOne = ingestText('a,label\n1,x\n2,y\n');
    const withBlanks = ingestText('a,label\n\n1,x\n   \n2,y\n\n\n');
    expect(without.rows).toBe(2);
    expect(withOne.rows).toBe(2);
    expect(withBlanks.rows).toBe(2);
    expect(Array.from(withBlanks.lines)).toEqual([3, 5]);
    expect(withBlanks.ids).toEqual(['row-0', 'row-1']);
  });

  it('the digits dataset: 1797 rows, 64 features, 10 classes, ids and hashes', () => {
    const buffer = readFileSync(
      new URL('../../../../shared/datasets/digits_flip5/digits_flip5.csv', import.meta.url),
    );
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const dataset = ingestChunked(bytes, 1 << 16);
    expect(dataset.rows).toBe(1797);
    expect(dataset.featureNames).toHaveLength(64);
    expect(dataset.featureNames[0]).toBe('px_0_0');
    expect(dataset.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(dataset.labelColumn).toBe('label');
    expect(dataset.idColumn).toBe('id');
    expect(dataset.ids[0]).toBe('digits-000000');
    expect(dataset.ids[1796]).toBe('digits-001796');
    expect(dataset.sha256).toBe(sha(bytes));
    expect(dataset.warnings).toEqual([]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n').filter((l) => l !== '');
    expectRowsExact(dataset, bytes, lines.slice(1));
    // Row 0 is `digits-000000,0,0,0,5,13,...`: label 0 and its pixels.
    expect(dataset.labels[0]).toBe(0);
    expect(Array.from(dataset.features.subarray(0, 4))).toEqual([0, 0, 5, 13]);
    expect(dataset.stats.max[2]).toBe(Math.max(...lines.slice(1).map((l) => Number(l.split(',')[4]))));
  });
});

describe('chunking', () => {
  const tricky = Uint8Array.from([
    0xef,
    0xbb,
    0xbf,
    ...utf8(
      'id;name;f1;label\r\n' +
        'a1;"x;y";1.5;café\r\n' +
        'a2;"multi\r\nline ""q""";-2.5E+04;日本\r\n' +
        '\r\n' +
        'a3;plain;1e-3;🐱\r\n' +
        'a4;"";;café',
    ),
  ]);
  const plan: Partial<ColumnPlan> = { excluded: ['name'], missing: 'impute-median' };

  it('every chunk size from 1 byte up gives the same dataset, sniffed or given the delimiter', () => {
    const reference = ingestChunked(tricky, tricky.length, plan);
    expect(reference.delimiter).toBe(';');
    expect(reference.rows).toBe(4);
    expect(reference.classes).toEqual(['café', '日本', '🐱']);
    expect(Array.from(reference.lines)).toEqual([2, 3, 6, 7]);
    expectRowsExact(reference, tricky, [
      'a1;"x;y";1.5;café',
      'a2;"multi\r\nline ""q""";-2.5E+04;日本',
      'a3;plain;1e-3;🐱',
      'a4;"";;café',
    ]);
    const expected = plain(reference);
    for (let size = 1; size <= tricky.length; size++) {
      expect(plain(ingestChunked(tricky, size, plan)), `chunk size ${size}`).toEqual(expected);
      expect(plain(ingestChunked(tricky, size, plan, false)), `chunk size ${size}, sniffed`).toEqual(
        expected,
      );
    }
  });

  it('a split at every byte position gives the same dataset (multi-byte characters and CRLF split too)', () => {
    const expected = plain(ingestChunked(tricky, tricky.length, plan));
    const preview = previewCsv(tricky, FILE, tricky.length);
    for (let cut = 0; cut <= tricky.length; cut++) {
      const ingestor = new CsvIngestor({
        fileName: FILE,
        totalBytes: tricky.length,
        plan: { ...preview.suggested, ...plan },
      });
      ingestor.push(tricky.subarray(0, cut));
      ingestor.push(tricky.subarray(cut));
      expect(plain(ingestor.finish()), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('a multi-byte character split across chunks is decoded whole', () => {
    const bytes = utf8('a,label\n1,ñandú\n2,日本語\n3,ñandú\n');
    for (let size = 1; size <= 4; size++) {
      const dataset = ingestChunked(bytes, size);
      expect(dataset.classes).toEqual(['ñandú', '日本語']);
      expect(Array.from(dataset.labels)).toEqual([0, 1, 0]);
    }
  });
});

describe('delimiters and numbers', () => {
  it('sniffs semicolons and tabs', () => {
    const semi = ingestText('a;b;label\n1.5;2;x\n3;4;y\n');
    expect(semi.delimiter).toBe(';');
    expect(Array.from(semi.features)).toEqual([1.5, 2, 3, 4]);
    const tab = ingestText('a\tb\tlabel\n1\t2,5\tx\n3\t4\ty\n', { oneHot: ['b'] });
    expect(tab.delimiter).toBe('\t');
    expect(tab.featureNames).toEqual(['a', 'b=2,5', 'b=4']);
  });

  it('reads scientific notation, signs and bare points exactly as Number() does, stored as float32', () => {
    const cells = [
      '1e-3',
      '-2.5E+04',
      '+3.',
      '.5',
      ' 7 ',
      '3.4e38',
      '-0',
      '123456789012345678901',
      '4.9e-324',
    ];
    const text = `a,label\n${cells.map((c, k) => `${c},${k % 2}`).join('\n')}\n`;
    const dataset = ingestText(text);
    expect(Array.from(dataset.features)).toEqual(cells.map((c) => Math.fround(Number(c))));
  });

  it('a value beyond float32 range is missing, not stored as Infinity', () => {
    const dataset = ingestText('a,label\n1,x\n3.5e38,y\n-1e39,x\n2,y\n');
    expect(Array.from(dataset.stats.missing)).toEqual([2]);
    expect(dataset.warnings[0]).toMatchObject({ code: 'missing-value', line: 3, column: 'a', count: 2 });
    expect(Array.from(dataset.features)).toEqual([1, 1.5, 1.5, 2]);
  });

  it('label, id and one-hot cells: quotes undone, spaces and tabs trimmed, the same value however written', () => {
    const text = 'id,a,label,color\n" r1 ",1," x ",red\n"r""2",2,"x",\tred \n r3 ,3,"y ""q""",""\n';
    const dataset = ingestText(text, { oneHot: ['color'] });
    expect(dataset.ids).toEqual(['r1', 'r"2', 'r3']);
    expect(dataset.classes).toEqual(['x', 'y "q"']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1]);
    expect(dataset.featureNames).toEqual(['a', 'color=', 'color=red']);
    expect(Array.from(dataset.features)).toEqual([1, 0, 1, 2, 0, 1, 3, 1, 0]);
  });

  it('labels in natural order: numeric when all are numbers, else by text', () => {
    const numeric = ingestText('a,label\n1,10\n2,9\n3,2\n4,10\n');
    expect(numeric.classes).toEqual(['2', '9', '10']);
    expect(Array.from(numeric.labels)).toEqual([2, 1, 0, 2]);
    const text = ingestText('a,label\n1,dog\n2,Cat\n3,cat\n4,10\n');
    expect(text.classes).toEqual(['10', 'Cat', 'cat', 'dog']);
  });
});

describe('missing values', () => {
  const text = 'a,b,label\n1,10,x\n2,,y\n3,30,y\n4,NaN,y\n100,50,x\n';

  it('impute-median fills each missing cell with its column median; stats are over the observed values', () => {
    const dataset = ingestText(text, { missing: 'impute-median' });
    expect(dataset.rows).toBe(5);
    expect(Array.from(dataset.features)).toEqual([1, 10, 2, 30, 3, 30, 4, 30, 100, 50]);
    expect(Array.from(dataset.stats.missing)).toEqual([0, 2]);
    expect(Array.from(dataset.stats.min)).toEqual([1, 10]);
    expect(Array.from(dataset.stats.max)).toEqual([100, 50]);
    expect(Array.from(dataset.stats.mean)).toEqual([22, 30]);
  });

  it("drop-row removes the rows; ids keep the file's row numbers", () => {
    const dataset = ingestText(text, { missing: 'drop-row' });
    expect(dataset.rows).toBe(3);
    expect(dataset.ids).toEqual(['row-0', 'row-2', 'row-4']);
    expect(Array.from(dataset.lines)).toEqual([2, 4, 6]);
    expect(Array.from(dataset.features)).toEqual([1, 10, 3, 30, 100, 50]);
    expect(Array.from(dataset.stats.missing)).toEqual([0, 2]);
    expect(Array.from(dataset.stats.mean)).toEqual([104 / 3, 30]);
    expect(dataset.classes).toEqual(['x', 'y']);
  });
});

describe('stopping early', () => {
  /** A CSV of `rows` rows, ~40 bytes each. */
  function bigCsv(rows: number, badLine?: number, badCell = 'oops'): Uint8Array {
    const lines = ['id,a,b,label'];
    for (let r = 0; r < rows; r++) {
      const line = r + 2;
      lines.push(`id-${r},${line === badLine ? badCell : r * 0.5},${r % 7},${r % 3}`);
    }
    return utf8(`${lines.join('\n')}\n`);
  }

  /** Pushes 4 KiB chunks until a throw; returns the error and the bytes pushed up to and including the throw. */
  function pushUntilError(
    bytes: Uint8Array,
    limits?: { maxRows: number },
  ): { error: IngestError; pushed: number } {
    const preview = previewCsv(bytes.subarray(0, 64 * 1024), FILE, bytes.length);
    const ingestor = new CsvIngestor({
      fileName: FILE,
      totalBytes: bytes.length,
      plan: preview.suggested,
      delimiter: preview.delimiter,
      limits:
        limits === undefined ? undefined : { maxBytes: 1e9, maxColumns: 100, maxClasses: 100, ...limits },
    });
    let pushed = 0;
    const error = ingestError(() => {
      for (let at = 0; at < bytes.length; at += 4096) {
        pushed += Math.min(4096, bytes.length - at);
        ingestor.push(bytes.subarray(at, at + 4096));
      }
      ingestor.finish();
    });
    return { error, pushed };
  }

  it('too-many-rows throws from push as soon as the limit is passed', () => {
    const bytes = bigCsv(50_000);
    const { error, pushed } = pushUntilError(bytes, { maxRows: 100 });
    expectOnlyProblem(error, { code: 'too-many-rows', severity: 'error', line: 102 });
    expect(pushed).toBeLessThanOrEqual(8192);
    expect(pushed).toBeLessThan(bytes.length / 100);
  });

  it('a non-numeric cell deep in the file stops the import there, with its line', () => {
    const bytes = bigCsv(50_000, 20_000);
    const { error, pushed } = pushUntilError(bytes);
    expectOnlyProblem(error, { code: 'non-numeric', severity: 'error', line: 20_000, column: 'a' });
    expect(pushed).toBeLessThan(bytes.length / 2);
  });

  it("invalid UTF-8 past the preview's head is caught while streaming, with its line", () => {
    const head = bigCsv(30_000);
    const bytes = Uint8Array.from([...head, ...utf8('id-x,1,'), 0xff, ...utf8(',2\n'), ...head.subarray(13)]);
    const { error, pushed } = pushUntilError(bytes);
    const problem = expectOnlyProblem(error, { code: 'not-utf8', severity: 'error', line: 30_002 });
    expect(problem.message).toContain(`byte 0xFF at offset ${head.length + 7}`);
    expect(pushed).toBeLessThan(head.length + 4096 + 1);
  });
});
