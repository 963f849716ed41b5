/**
 * The calibrated pipeline end to end on a small seeded table (real tfjs training on the CPU backend): canaries never
 * reach the analyst's score set, the report is plain JSON with every figure, flags follow the estimate, a table too
 * small for canaries is refused with a reason, and no tensor is left behind. The report's metrics and sentence are
 * also checked by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, SCORE_NAMES } from '../scores/types';
import { calibratedScores } from './calibrate';
import { calibrationSentence, crowdedTopNote, detectionMetrics } from './report';
import { blobs, BLOB_SETTINGS as SETTINGS } from './test-blobs';
import type { KindReport } from './types';

describe('calibratedScores', () => {
  it('scores the analyst rows only, with a JSON report, flags at the estimate and no tensor left', async () => {
    await tf.setBackend('cpu');
    const data = blobs(900, 30, 1);
    const before = tf.memory().numTensors;
    const steps: string[] = [];
    const out = await calibratedScores(
      data,
      SETTINGS,
      { folds: 2, epochs: 3 },
      { seed: 3 },
      { canary: { seed: 5 }, fusion: {} },
      { onCalibrationStep: (step, detail) => steps.push(`${step}: ${detail}`) },
    );
    expect(tf.memory().numTensors).toBe(before);
    if (out.kind !== 'done') throw new Error(`calibration ${out.kind}`);
    // 5 kinds of 6 canaries per draw (the feature trigger 10), two draws, one companion per near-duplicate.
    expect(steps).toEqual([
      'canaries: 68 canaries (random-flip, pair-flip, feature-trigger, outlier, near-duplicate) and 12 companions, seed 5',
      'pipeline: training on 900 rows + 80 added rows',
      'fusion: fitting the fused suspicion on the first canary draw',
    ]);
    const set = out.scoreSet;
    expect(set.samples).toBe(900);
    for (const s of SCORE_NAMES) expect(set.scores[s].length).toBe(900);
    for (const f of FAMILY_NAMES) expect(set.flags[f].length).toBe(900);
    expect(set.suspicion.length).toBe(900);
    expect(set.labelIssue.length).toBe(900);
    expect(set.explanation.kind.length).toBe(900);
    expect(out.oofProbs.length).toBe(900 * 3);
    for (const v of set.suspicion) expect(v >= 0 && v <= 1).toBe(true);
    const report = out.report;
    // 8 features is not an image and 3 classes keep pair flips.
    expect(report.canary.kinds).toEqual([
      'random-flip',
      'pair-flip',
      'feature-trigger',
      'outlier',
      'near-duplicate',
    ]);
    expect(report.kinds.map((k) => k.kind)).toEqual(report.canary.kinds);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    for (const k of report.kinds) {
      for (const m of [k.detector, k.fused, ...Object.values(k.byScore), ...Object.values(k.byFamily)]) {
        expect(m.canaries).toBeGreaterThan(0);
        for (const v of [m.recallAt1, m.recallAt5, m.auroc, m.ap]) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    expect(report.estimate.rows).toBe(Math.round(report.estimate.fraction * 900));
    expect(set.params.suspicion.q).toBeCloseTo(report.estimate.rows / 900, 6);
    expect(report.sentence).toMatch(/^On this dataset, Sift found \d+% of injected mislabelled rows/);
    // Flags follow the estimate: no family flags more rows than the estimated share.
    for (const f of FAMILY_NAMES) {
      expect(set.flags[f].reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(report.estimate.rows + 1);
    }
    // The flips of this table are found: most of the 30 sit in the top 45.
    const order = Array.from(set.suspicion.keys()).sort((a, b) => set.suspicion[b] - set.suspicion[a]);
    expect(order.slice(0, 45).filter((i) => i < 30).length).toBeGreaterThanOrEqual(20);
  }, 300_000);

  it('refuses a table too small for canaries, with the reason', async () => {
    await tf.setBackend('cpu');
    const out = await calibratedScores(
      blobs(90, 0, 2),
      SETTINGS,
      { folds: 2, epochs: 1 },
      {},
      { canary: {}, fusion: {} },
    );
    expect(out.kind).toBe('skipped');
    if (out.kind === 'skipped')
      expect(out.reason).toMatch(/^90 rows are too few to calibrate on canaries: the \d+ canary rows/);
  });
});

describe('calibration report', () => {
  it('says the top shares are crowded by real poison when the estimate exceeds them', () => {
    const at = (fraction: number) =>
      crowdedTopNote({ rows: Math.round(500 * fraction), fraction, byKind: {} });
    expect(at(0.116)).toBe(
      'About 11.6% of the rows look poisoned, more than the top 5%: real poison ranked above the injected rows takes places there, so the shares found in the top 1% and 5% read lower than on a cleaner dataset.',
    );
    expect(at(0.03)).toBe(
      'About 3.0% of the rows look poisoned, more than the top 1%: real poison ranked above the injected rows takes places there, so the shares found in the top 1% read lower than on a cleaner dataset.',
    );
    expect(at(0.05)).toContain('more than the top 1%');
    expect(at(0.01)).toBeNull();
    expect(at(0)).toBeNull();
  });

  it('measures recall at 1% and 5% of the analyst rows flagged, AUROC and AP (hand case)', () => {
    // 100 analyst rows valued 0..99, then 4 canaries at 150, 99.5, 96.5, 10.
    const values = [...Array.from({ length: 100 }, (_, i) => i), 150, 99.5, 96.5, 10];
    const m = detectionMetrics(values, 100, [100, 101, 102, 103]);
    expect(m).toMatchObject({ canaries: 4, recallAt1: 0.5, recallAt5: 0.75 });
    // AUROC: 150 and 99.5 beat all 100, 96.5 beats 97, 10 beats 10 and ties one: (100 + 100 + 97 + 10.5) / 400.
    expect(m.auroc).toBeCloseTo(307.5 / 400, 4);
  });

  it('writes the sentence from the fused recall at 5% per group and the estimate', () => {
    const metrics = (recallAt5: number, canaries: number) => ({
      canaries,
      recallAt1: 0,
      recallAt5,
      auroc: 1,
      ap: 1,
    });
    const kind = (k: KindReport['kind'], recall: number, canaries: number, learned = true) =>
      ({ kind: k, fused: metrics(recall, canaries), learned }) as KindReport;
    const kinds = [
      kind('random-flip', 1, 10),
      kind('pair-flip', 0.8, 10),
      kind('feature-trigger', 0.81, 100),
    ];
    expect(calibrationSentence(kinds, { rows: 0, fraction: 0, byKind: {} }, 500)).toBe(
      'On this dataset, Sift found 90% of injected mislabelled rows (random label flips and flips between confused classes together) and 81% of injected triggers among its top 5%. ' +
        'No group of rows stands out as the injected rows do: Sift estimates that none is poisoned. Poison that the ' +
        'model half learns (such as a rare class relabelled as a common one) stands out less and is not counted; ' +
        'the ranking still lists the most suspicious rows first.',
    );
    expect(
      calibrationSentence(kinds, { rows: 25, fraction: 0.05, byKind: { 'random-flip': 25 } }, 500),
    ).toMatch(
      /About 25 of the 500 rows \(5\.0%\) look like random label flips: Sift estimates that many are poisoned\.$/,
    );
    const cluster = { rows: 20, score: 'spectral' as const, medianShare: 0.021, explained: 0, lookalikes: 0 };
    expect(
      calibrationSentence(kinds, { rows: 45, fraction: 0.09, byKind: { 'random-flip': 25 } }, 500, [cluster]),
    ).toMatch(
      /About 45 of the 500 rows \(9\.0%\) look like random label flips or sit in a cluster of 20 rows that activation clustering sets apart and spectral confirms \(half of them in its top 2%\): Sift/,
    );
    expect(
      calibrationSentence(kinds, { rows: 26, fraction: 0.052, byKind: {} }, 500, [
        { ...cluster, medianShare: 0.004 },
        { ...cluster, rows: 6 },
      ]),
    ).toMatch(
      /About 26 of the 500 rows \(5\.2%\) sit in 2 clusters \(20, 6 rows\) that activation clustering sets apart and another score confirms: Sift/,
    );
    expect(
      calibrationSentence(kinds, { rows: 20, fraction: 0.04, byKind: {} }, 500, [
        { ...cluster, medianShare: 0.004 },
      ]),
    ).toContain('(half of them in its top 0.4%)');
    // Rows whose features explain their label are named as left out.
    expect(
      calibrationSentence(kinds, { rows: 9, fraction: 0.018, byKind: {} }, 500, [
        { ...cluster, rows: 28, explained: 11 },
      ]),
    ).toContain(
      'sit in a cluster of 28 rows that activation clustering sets apart and spectral confirms (half of them in its top 2%; 11 of their rows are left out, their nearest rows outside the cluster sharing their label)',
    );
    expect(
      calibrationSentence(kinds, { rows: 20, fraction: 0.04, byKind: {} }, 500, [
        { ...cluster, explained: 3 },
        { ...cluster, rows: 6, explained: 1 },
      ]),
    ).toContain(
      'sit in 2 clusters (20, 6 rows; 4 of their rows are left out, their nearest rows outside the cluster sharing their label) that',
    );
    // Rows of a cluster's label outside it that score as high as its median row are named as counted with it.
    expect(
      calibrationSentence(kinds, { rows: 29, fraction: 0.058, byKind: {} }, 500, [
        { ...cluster, rows: 28, explained: 2, lookalikes: 3 },
      ]),
    ).toContain(
      '(half of them in its top 2%; 2 of their rows are left out, their nearest rows outside the cluster sharing their label; 3 rows of its label outside it score as high under spectral as its median row and are counted with it)',
    );
    expect(
      calibrationSentence(kinds, { rows: 21, fraction: 0.042, byKind: {} }, 500, [
        { ...cluster, lookalikes: 1 },
      ]),
    ).toContain(
      'top 2%; 1 row of its label outside it scores as high under spectral as its median row and is counted with it)',
    );
    expect(
      calibrationSentence(kinds, { rows: 28, fraction: 0.056, byKind: {} }, 500, [
        { ...cluster, lookalikes: 1 },
        { ...cluster, rows: 6, lookalikes: 1 },
      ]),
    ).toContain(
      'sit in 2 clusters (20, 6 rows; 2 rows of their labels outside them score as high as their median rows and are counted with them) that',
    );
    expect(
      calibrationSentence(kinds, { rows: 27, fraction: 0.054, byKind: {} }, 500, [
        { ...cluster, lookalikes: 1 },
        { ...cluster, rows: 6 },
      ]),
    ).toContain(
      '(20, 6 rows; 1 row of their labels outside them scores as high as their median rows and is counted with them)',
    );
  });
});
