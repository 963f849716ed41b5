/**
 * The headless scan run in-process on digits_flip5 (few epochs, 3 folds): the files it writes, their shape, and that
 * its suspicion finds the flips; and bad input exits 2 with the ingest core's message (file, line, column, value).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, type Manifest } from '../workers/core/manifest/types';
import { auroc } from '../workers/core/metrics/auroc';
import { SCORE_NAMES } from '../workers/core/scores/types';
import { csvCell, parseScanArgs, runScan } from './scan';

const SET = new URL('../../shared/datasets/digits_flip5/', import.meta.url);
/** The installed tfjs, read from its package (not from tfjs itself). */
const TFJS_VERSION = (
  JSON.parse(
    readFileSync(new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  }
).version;

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (l: string) => out.push(l), error: (l: string) => err.push(l) }, out, err };
}

describe('headless scan', () => {
  it('scores digits_flip5 and writes scores.csv and a manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-'));
    const file = new URL('digits_flip5.csv', SET).pathname;
    const { io, out } = collect();
    const report = await runScan(
      [file, '--label', 'label', '--id', 'id', '--epochs', '8', '--folds', '3', '--seed', '2', '--out', dir],
      io,
    );
    expect(report.code).toBe(0);
    expect(out.some((l) => l.startsWith('top 10 suspects'))).toBe(true);
    expect(out.some((l) => /3 of 3 folds done/.test(l))).toBe(true);

    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(['id', 'suspicion', ...SCORE_NAMES, 'label_issue', 'suggested_label'].join(','));
    expect(lines.length).toBe(1 + 1797);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((r) => r.length === SCORE_NAMES.length + 4)).toBe(true);
    const truth = new Map(
      readFileSync(new URL('digits_flip5.truth.csv', SET), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([id, flag]) => [id, Number(flag)] as const),
    );
    expect(rows.map((r) => r[0])).toEqual([...truth.keys()]);
    const suspicion = rows.map((r) => Number(r[1]));
    // The calibrated suspicion lies in [0, 1] (fuse.ts): the row the label questions doubt least may read 0.
    expect(suspicion.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(suspicion.filter((v) => v === 0).length).toBeLessThanOrEqual(1);
    const y = rows.map((r) => truth.get(r[0]) ?? -1);
    expect(auroc(suspicion, y)).toBeGreaterThan(0.9);
    // Label issues carry a suggested label, other rows none.
    for (const r of rows) expect(r[r.length - 2] === '1').toBe(r[r.length - 1] !== '');

    const manifest = JSON.parse(readFileSync(join(dir, 'digits_flip5.manifest.json'), 'utf8')) as Manifest;
    expect(manifest.format).toBe(MANIFEST_FORMAT);
    expect(manifest.signature).toBeUndefined();
    expect(manifest.tool).toMatchObject({ name: 'sift', backend: report.backend, tfjs: TFJS_VERSION });
    expect(manifest.tool.version).toBe(
      (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
        .version,
    );
    expect(manifest.dataset).toMatchObject({
      name: 'digits_flip5',
      rows: 1797,
      labelColumn: 'label',
      idColumn: 'id',
    });
    expect(manifest.dataset.sha256).toBe(report.dataset?.sha256);
    // digits (1797 rows) keeps the small-set batch; the folds train half the run's epochs by default.
    expect(manifest.run).toMatchObject({
      seed: 2,
      epochs: 8,
      model: { batchSize: 64, learningRate: 2e-3 },
    });
    expect(manifest.run?.scoring).toMatchObject({ crossVal: { folds: 3, epochs: 4 }, seed: 2 });
    expect(manifest.summary).toEqual({ kept: 1797, quarantined: 0 });
    expect(manifest.samples.length).toBe(1797);
    const s = manifest.samples[413];
    if (!s) throw new Error('the manifest has no sample at row 413');
    expect(s).toMatchObject({ id: 'digits-000413', row: 413, decision: 'keep', reasons: [], note: '' });
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(s.scores).sort()).toEqual(['suspicion', ...SCORE_NAMES].sort());
    expect(s.scores.suspicion).toBeCloseTo(Number(rows[413]?.[1]), 5);
  }, 180_000);

  it('exits 2 on a bad file with the ingest core’s message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-'));
    const file = join(dir, 'bad.csv');
    const text = 'id,label,a,b\nr0,x,1,2\nr1,y,3,oops\nr2,x,5,6\n';
    writeFileSync(file, text);
    const { io, err } = collect();
    const report = await runScan([file, '--label', 'label', '--id', 'id', '--out', dir], io);
    expect(report.code).toBe(2);
    expect(err).toEqual([
      'bad.csv, line 3, column "b": "oops" is not a number. Exclude the column or one-hot encode it. ' +
        'In the scan: --one-hot b (one 0/1 feature per value) or --exclude b.',
    ]);

    const usage = collect();
    expect((await runScan(['--epochs', 'x'], usage.io)).code).toBe(2);
    expect(usage.err[0]).toMatch(/--epochs needs an integer/);
  });

  it('runs on the backend and with the kNN search asked for, and refuses WebGPU where Node has none', async () => {
    const file = new URL(
      '../../shared/datasets/breast_cancer_flip10/breast_cancer_flip10.csv',
      import.meta.url,
    ).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-'));
    const common = [file, '--label', 'label', '--id', 'id', '--epochs', '3', '--folds', '2', '--out', dir];
    const cpu = await runScan([...common, '--backend', 'cpu', '--knn', 'ivf'], collect().io);
    expect(cpu.code).toBe(0);
    expect(cpu.backend).toBe('cpu');
    expect(cpu.scoreSet?.knnApproximate).toBe(true);
    expect(cpu.scoreSet?.params.knn.mode).toBe('ivf');

    const gpu = collect();
    const refused = await runScan([...common, '--backend', 'webgpu'], gpu.io);
    expect(refused.code).toBe(2);
    expect(refused.scoreSet).toBeUndefined();
    expect(gpu.err.join('\n')).toMatch(/webgpu backend needs a navigator\.gpu, which Node lacks/);
  });

  it('parses arguments and escapes CSV cells', () => {
    expect(parseScanArgs(['f.csv', '--folds', '4', '--cv-epochs', '5'])).toMatchObject({
      file: 'f.csv',
      folds: 4,
      cvEpochs: 5,
      batchSize: null,
      label: null,
    });
    expect(parseScanArgs(['f.csv', '--batch-size', '256'])).toMatchObject({ batchSize: 256, cvEpochs: null });
    expect(() => parseScanArgs(['f.csv', '--batch-size', '0'])).toThrow(/--batch-size needs an integer ≥ 1/);
    expect(parseScanArgs(['f.csv', '--backend', 'cpu', '--knn', 'exact'])).toMatchObject({
      backend: 'cpu',
      knn: 'exact',
    });
    expect(parseScanArgs(['f.csv'])).toMatchObject({ backend: null, knn: 'auto' });
    expect(() => parseScanArgs(['f.csv', '--backend', 'webgl'])).toThrow(
      /--backend needs one of wasm, cpu, webgpu, got "webgl"/,
    );
    expect(() => parseScanArgs(['f.csv', '--knn'])).toThrow(
      /--knn needs one of auto, exact, ivf, got nothing/,
    );
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
  });
});
