/**
 * The scan's column options: `--exclude` and `--one-hot` reach the CSV ingest as they do from the app's import form,
 * a non-numeric column's message names the options that fix it, `--help` prints the usage, and image sets refuse
 * column options.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng, pattern } from './image-fixtures';
import { loadDataset } from './load-dataset';
import { parseScanArgs, runScan } from './scan';
import { USAGE } from './scan-args';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (l: string) => out.push(l), error: (l: string) => err.push(l) }, out, err };
}

/** 60 rows: two numbers, a city (3 values), a free-text note and a label. */
function categoricalCsv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-scan-columns-'));
  const file = join(dir, 'people.csv');
  const cities = ['paris', 'lyon', 'nice'];
  const lines = ['age,home city,income,note,label'];
  for (let i = 0; i < 60; i++) {
    const label = i % 2;
    lines.push(`${20 + (i % 40)},${cities[i % 3]},${label * 500 + (i % 7) * 10},note ${i},${label}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const QUICK = ['--epochs', '2', '--folds', '2', '--no-calibrate'];

describe('scan column options', () => {
  it('parses --exclude and --one-hot as comma-separated lists that the flag may add to, and --help', () => {
    expect(parseScanArgs(['f.csv', '--exclude', 'a,b', '--one-hot', ' c ', '--exclude', 'd'])).toMatchObject({
      exclude: ['a', 'b', 'd'],
      oneHot: ['c'],
      help: false,
    });
    expect(parseScanArgs(['f.csv'])).toMatchObject({ exclude: [], oneHot: [] });
    expect(() => parseScanArgs(['f.csv', '--one-hot', 'a,,b'])).toThrow(
      '--one-hot needs a comma-separated list of column names, got "a,,b".',
    );
    expect(() => parseScanArgs(['f.csv', '--exclude'])).toThrow(
      '--exclude needs a comma-separated list of column names, got nothing.',
    );
    expect(parseScanArgs(['--help'])).toMatchObject({ help: true, file: '' });
    expect(parseScanArgs(['-h'])).toMatchObject({ help: true });
    expect(() => parseScanArgs([])).toThrow('No CSV file, image zip or image folder given.');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { io, out, err } = collect();
    const report = await runScan(['--help'], io);
    expect(report.code).toBe(0);
    expect(out).toEqual([USAGE]);
    expect(err).toEqual([]);
    expect(USAGE).toContain('[--exclude COL,...] [--one-hot COL,...]');
  });

  it('names the options that fix a non-numeric column, quoting a name with a space for the shell', async () => {
    const file = categoricalCsv();
    const { io, err } = collect();
    const report = await runScan([file, '--label', 'label', ...QUICK, '--out', join(file, '..')], io);
    expect(report.code).toBe(2);
    expect(err).toEqual([
      'people.csv, line 2, column "home city": "paris" is not a number. Exclude the column or one-hot encode it. ' +
        "In the scan: --one-hot 'home city' (one 0/1 feature per value) or --exclude 'home city'.",
      'people.csv, line 2, column "note": "note 0" is not a number. Exclude the column or one-hot encode it. ' +
        'In the scan: --one-hot note (one 0/1 feature per value) or --exclude note.',
    ]);
  });

  it('one-hot encodes and excludes the columns named, and scans the rest', async () => {
    const file = categoricalCsv();
    const dir = join(file, '..');
    const { io } = collect();
    const report = await runScan(
      [file, '--label', 'label', '--one-hot', 'home city', '--exclude', 'note', ...QUICK, '--out', dir],
      io,
    );
    expect(report.code).toBe(0);
    expect(report.dataset?.csv?.featureNames).toEqual([
      'age',
      'home city=lyon',
      'home city=nice',
      'home city=paris',
      'income',
    ]);
    expect(report.dataset?.training.featureCount).toBe(5);
    expect(report.dataset?.rows).toBe(60);
  });

  it("escapes a quote in a column's name for the shell, and adds nothing to other problems", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-columns-'));
    const file = join(dir, 'owners.csv');
    writeFileSync(file, "owner's city,age,label\nparis,30,a\nlyon,41,b\nnice,25,a\n");
    const quoted = collect();
    expect((await runScan([file, '--label', 'label', ...QUICK, '--out', dir], quoted.io)).code).toBe(2);
    expect(quoted.err).toEqual([
      `owners.csv, line 2, column "owner's city": "paris" is not a number. Exclude the column or one-hot encode it. ` +
        `In the scan: --one-hot 'owner'\\''s city' (one 0/1 feature per value) or --exclude 'owner'\\''s city'.`,
    ]);
    // A missing label names its column too, but one-hot encoding is no fix for it.
    writeFileSync(file, 'city,age,label\nparis,30,a\nlyon,41,\n');
    const missing = collect();
    expect(
      (await runScan([file, '--label', 'label', '--one-hot', 'city', '--out', dir], missing.io)).code,
    ).toBe(2);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^owners\.csv, line 3, column "label": /);
    expect(missing.err[0]).not.toContain('In the scan');
  });

  it('refuses column options for a set of images, naming them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-columns-'));
    const root = join(dir, 'shapes');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(root, cls), { recursive: true });
      writeFileSync(join(root, cls, 'x.png'), encodePng(pattern(8, 8, cls.charCodeAt(0), true), true));
    }
    // Without column options the same folder loads.
    expect((await loadDataset(root, { label: null, id: null })).ok).toBe(true);
    const { io, err } = collect();
    const report = await runScan([root, '--one-hot', 'colour', '--exclude', 'size', '--out', dir], io);
    expect(report.code).toBe(2);
    expect(err).toEqual([
      'shapes is a set of images, which has no columns: --exclude and --one-hot apply to CSV files (got "size", "colour").',
    ]);
  });
});
