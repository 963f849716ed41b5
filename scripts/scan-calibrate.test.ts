/**
 * The scan's calibration flags (issue 10): calibration is on by default and prints its stages and card, the manifest
 * records the canary seed, kinds, rate, the fused model and the measured recalls; `--canary-*` change what is
 * injected; `--no-calibrate` scores the rows alone and records no calibration; a table too small for canaries is
 * scored uncalibrated with the reason; bad values are refused with a message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../workers/core/manifest/schema';
import { SCORE_NAMES } from '../workers/core/scores/types';
import { parseScanArgs, runScan } from './scan';

const DIGITS = new URL('../../shared/datasets/digits_flip5/digits_flip5.csv', import.meta.url).pathname;

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (l: string) => out.push(l), error: (l: string) => err.push(l) }, out, err };
}

function readManifest(dir: string, name: string) {
  const parsed = parseManifest(readFileSync(join(dir, `${name}.manifest.json`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.manifest;
}

describe('scan calibration flags', () => {
  it('parses the calibration options, with calibration on by default', () => {
    expect(parseScanArgs(['f.csv'])).toMatchObject({
      calibrate: true,
      canaryRate: 0.02,
      canaryKinds: null,
      canarySeed: 7919,
    });
    expect(
      parseScanArgs([
        'f.csv',
        '--no-calibrate',
        '--canary-rate',
        '0.05',
        '--canary-kinds',
        'outlier,random-flip',
        '--canary-seed',
        '9',
      ]),
    ).toMatchObject({
      calibrate: false,
      canaryRate: 0.05,
      canaryKinds: ['outlier', 'random-flip'],
      canarySeed: 9,
    });
    expect(() => parseScanArgs(['f.csv', '--canary-rate', '0'])).toThrow(
      '--canary-rate needs a number above 0 and at most 0.5, got "0".',
    );
    expect(() => parseScanArgs(['f.csv', '--canary-rate', 'lots'])).toThrow(/got "lots"/);
    expect(() => parseScanArgs(['f.csv', '--canary-kinds', 'random-flip,glitter'])).toThrow(
      /--canary-kinds: Unknown canary kind "glitter"; the kinds are random-flip, pair-flip/,
    );
    expect(() => parseScanArgs(['f.csv', '--canary-seed', '-1'])).toThrow(
      /--canary-seed needs an integer ≥ 0/,
    );
  });

  it('calibrates by default: stages, card, estimate, and the manifest records seed, kinds, rate, model and recalls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-cal-'));
    const { io, out } = collect();
    const report = await runScan(
      [
        DIGITS,
        '--label',
        'label',
        '--id',
        'id',
        '--epochs',
        '8',
        '--folds',
        '3',
        '--canary-seed',
        '11',
        '--out',
        dir,
      ],
      io,
    );
    expect(report.code).toBe(0);
    const cal = report.calibration;
    if (!cal) throw new Error('no calibration report');
    for (const step of ['canaries', 'pipeline', 'fusion']) {
      expect(out.some((l) => l.startsWith(`calibration (${step}): `))).toBe(true);
    }
    expect(out).toContain(cal.sentence);
    expect(out.some((l) => l.startsWith(`estimated poisoned rows: ${cal.estimate.rows} (`))).toBe(true);
    // digits has 64 features (8×8): the image kinds join the tabular ones.
    expect(cal.canary.kinds).toEqual([
      'random-flip',
      'pair-flip',
      'feature-trigger',
      'outlier',
      'near-duplicate',
      'patch-trigger',
      'blend-trigger',
    ]);
    // Canaries never reach the outputs: one score row per dataset row, the same columns as ever.
    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(['id', 'suspicion', ...SCORE_NAMES, 'label_issue', 'suggested_label'].join(','));
    expect(lines.length).toBe(1 + 1797);
    expect(report.scoreSet?.samples).toBe(1797);
    const m = readManifest(dir, 'digits_flip5');
    expect(m.samples.length).toBe(1797);
    const recorded = m.calibration as Record<string, unknown>;
    expect(recorded).toMatchObject({
      format: 'sift-calibration/1',
      canary: { seed: 11, rate: 0.02, kinds: cal.canary.kinds, canaries: cal.canary.canaries },
      estimate: { rows: cal.estimate.rows },
      model: { format: 'sift-fused/9' },
    });
    const recalls = recorded.recalls as Array<{ kind: string; fused: { recallAt5: number } }>;
    expect(recalls.map((r) => r.kind)).toEqual(cal.canary.kinds);
    expect(recalls[0]?.fused.recallAt5).toBe(cal.kinds[0]?.fused.recallAt5);
    expect(recorded).not.toHaveProperty('timings');
    // The scan's flags use the estimate as their budget.
    expect(report.scoreSet?.params.suspicion.q).toBeCloseTo(cal.estimate.fraction, 4);
  }, 600_000);

  it('injects the kinds, rate and seed asked for, and scores uncalibrated with --no-calibrate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-cal-'));
    const common = [DIGITS, '--label', 'label', '--id', 'id', '--epochs', '4', '--folds', '2', '--out', dir];
    const chosen = await runScan(
      [...common, '--canary-kinds', 'outlier,random-flip', '--canary-rate', '0.04', '--canary-seed', '5'],
      collect().io,
    );
    expect(chosen.code).toBe(0);
    expect(chosen.calibration?.canary).toMatchObject({
      kinds: ['outlier', 'random-flip'],
      rate: 0.04,
      seed: 5,
    });
    // 4% of 1797 rows over 2 kinds × 2 draws: 18 a draw.
    expect(chosen.calibration?.canary.draws.map((d) => d.count)).toEqual([18, 18, 18, 18]);

    const plain = collect();
    const off = await runScan([...common, '--no-calibrate'], plain.io);
    expect(off.code).toBe(0);
    expect(off.calibration).toBeUndefined();
    expect(plain.out.some((l) => l.startsWith('calibration'))).toBe(false);
    expect(readManifest(dir, 'digits_flip5').calibration).toBeUndefined();
    expect(off.scoreSet?.params.suspicion.q).toBe(0.05);
  }, 600_000);

  it('scores a table too small for canaries uncalibrated, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-cal-'));
    const file = join(dir, 'tiny.csv');
    const rows = ['id,label,a,b,c'];
    for (let i = 0; i < 80; i++)
      rows.push(`r${i},${i % 2 ? 'x' : 'y'},${i % 2},${(i * 7) % 5},${(i * 3) % 11}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const { io, out } = collect();
    const report = await runScan([file, '--epochs', '2', '--folds', '2', '--out', dir], io);
    expect(report.code).toBe(0);
    expect(report.calibration).toBeUndefined();
    expect(
      out.some((l) => /^calibration skipped: 80 rows are too few to calibrate on canaries: /.test(l)),
    ).toBe(true);
    expect(out.some((l) => l.endsWith('Scoring with the uncalibrated rule.'))).toBe(true);
  }, 120_000);
});
