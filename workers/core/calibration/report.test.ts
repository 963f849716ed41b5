/**
 * The calibration report on a run small enough to work by hand: 10 analyst rows valued 0..9 and six appended rows
 * (random flips: one fitting canary, two reporting; outliers: one reporting, one companion, one fitting). Every
 * metric below is counted from the values (recall: canaries strictly above the analyst rows' cut, which for 10 rows
 * is the largest at 1% and at 5%; AUROC: analyst rows below each canary, ties half; AP: the precision at each
 * canary's cut, ties sharing one), then the sentence, the estimate and the manifest's record.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE, type CanaryPlan } from '../canary/types';
import { type FamilyName, SCORE_NAMES, type ScoreName } from '../scores/types';
import { DEFAULT_FUSION, type FusionResult } from './fuse';
import { calibrationReport, calibrationSentence, manifestCalibration } from './report';
import type { KindDetector, KindReport } from './types';

const RF = CANARY_KINDS.indexOf('random-flip');
const OUT = CANARY_KINDS.indexOf('outlier');
const analyst = Array.from({ length: 10 }, (_, i) => i);
/** 16 values: the analyst rows', then the appended rows' in order (fit, report, report, report, companion, fit). */
const run = (rows: readonly number[], appended: readonly number[]) =>
  Float32Array.from([...rows, ...appended]);

function detector(
  kind: KindDetector['kind'],
  score: ScoreName,
  presentRows: number,
  learned: boolean,
): KindDetector {
  return {
    kind,
    score,
    canaryPrecision: 0.5,
    scores: [score],
    ranking: [score],
    canaryReach: 0.5,
    presentRows,
    learned,
  };
}

function handRun() {
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = new Float32Array(16);
  // aum: the flips at 20 and 5.5, the outlier at -1.
  scores.aum = run(analyst, [0, 20, 5.5, -1, 0, 0]);
  const families: Record<FamilyName, Float32Array> = {
    // Flips at -1 and -2, under every analyst row. The outlier at -5 in every family.
    trajectory: run(analyst, [0, -1, -2, -5, 0, 0]),
    // Flips above every analyst row, in two families alike: the first of them carries the kind.
    influence: run(analyst, [0, 20, 15, -5, 0, 0]),
    embedding: run(analyst, [0, 30, 12, -5, 0, 0]),
    label: run(new Array(10).fill(0), [0, 0, 0, -5, 0, 0]),
  };
  const input = {
    scores,
    families,
    rows: 10,
    kind: Uint8Array.from([RF, RF, RF, OUT, OUT, OUT]),
    role: Uint8Array.from([
      CANARY_ROLE.fit,
      CANARY_ROLE.report,
      CANARY_ROLE.report,
      CANARY_ROLE.report,
      CANARY_ROLE.companion,
      CANARY_ROLE.fit,
    ]),
    backbone: new Float32Array(16),
  };
  const fusion = {
    model: {
      format: 'sift-fused/9',
      detectors: [detector('random-flip', 'aum', 3, true), detector('outlier', 'knnDistance', 0, false)],
      clusters: [],
      settings: DEFAULT_FUSION,
    },
    // Analyst rows 0, 0.1, …, 0.9; the flips at 0.95 and 0.05, the outlier at 1.
    suspicion: run(
      analyst.map((i) => i / 10),
      [0, 0.95, 0.05, 1, 0, 0],
    ),
    detectorValues: [run(new Array(10).fill(0), [9, 1, 1, 0, 0, 0]), run(analyst, [0, 0, 0, 4.5, 0, 0])],
  } as unknown as FusionResult;
  return { input, fusion };
}

const PLAN: CanaryPlan = {
  seed: 5,
  rate: 0.02,
  kinds: ['random-flip', 'outlier'],
  image: null,
  draws: [],
  canaries: 5,
  companions: 1,
};

describe('calibrationReport', () => {
  it('measures each kind’s reporting canaries under every score, family, its detector and the fusion', () => {
    const { input, fusion } = handRun();
    const report = calibrationReport(input, fusion, PLAN, 3, { fusion: 2 });
    expect(report.format).toBe('sift-calibration/1');
    expect(report.canary).toBe(PLAN);
    expect(report.model).toBe(fusion.model);
    expect(report.timings).toEqual({ fusion: 2 });
    const [flip, outlier] = report.kinds as [KindReport, KindReport];
    expect(flip.kind).toBe('random-flip');
    // aum: 20 above all 10, 5.5 above 6 (AUROC 16 / 20); AP (1 + 2/6) / 2.
    expect(flip.byScore.aum).toEqual({ canaries: 2, recallAt1: 0.5, recallAt5: 0.5, auroc: 0.8, ap: 0.6667 });
    // A score of zeros everywhere: every canary ties every analyst row (AP 2/12 at the one cut).
    expect(flip.byScore.spectral).toEqual({
      canaries: 2,
      recallAt1: 0,
      recallAt5: 0,
      auroc: 0.5,
      ap: 0.1667,
    });
    // Families: under every row (AP (1/11 + 2/12) / 2), above every row, the same, ties.
    expect(flip.byFamily).toEqual({
      trajectory: { canaries: 2, recallAt1: 0, recallAt5: 0, auroc: 0, ap: 0.1288 },
      influence: { canaries: 2, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 },
      embedding: { canaries: 2, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 },
      label: { canaries: 2, recallAt1: 0, recallAt5: 0, auroc: 0.5, ap: 0.1667 },
    });
    expect(flip.carriedBy).toBe('influence');
    // The detector puts both flips (1) above the analyst rows (0); the fitting canary's 9 is not measured.
    expect(flip.detector).toEqual({ canaries: 2, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 });
    // Fused: 0.95 above all, 0.05 above one (AUROC 11 / 20); AP (1 + 2/11) / 2.
    expect(flip.fused).toEqual({ canaries: 2, recallAt1: 0.5, recallAt5: 0.5, auroc: 0.55, ap: 0.5909 });
    expect(flip).toMatchObject({ score: 'aum', estimatedRows: 3, learned: true });
    // The outlier: one reporting canary (the companion and the fitting one are not measured).
    expect(outlier.kind).toBe('outlier');
    expect(outlier.byScore.aum).toEqual({ canaries: 1, recallAt1: 0, recallAt5: 0, auroc: 0, ap: 0.0909 });
    // 4.5 above 5 of the analyst rows: AP 1/6.
    expect(outlier.detector).toEqual({ canaries: 1, recallAt1: 0, recallAt5: 0, auroc: 0.5, ap: 0.1667 });
    expect(outlier.fused).toEqual({ canaries: 1, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 });
    // Every family ranks it last alike: the first family carries it.
    expect(outlier.carriedBy).toBe('trajectory');
    expect(outlier).toMatchObject({ score: 'knnDistance', estimatedRows: 0, learned: false });
    // Only a kind with rows present counts in the estimate.
    expect(report.estimate).toEqual({ rows: 3, fraction: 0.3, byKind: { 'random-flip': 3 } });
    expect(report.sentence).toBe(
      'On this dataset, Sift found 50% of injected mislabelled rows and 100% of injected outliers among its top 5%. ' +
        'About 3 of the 10 rows (30.0%) look like random label flips: Sift estimates that many are poisoned. ' +
        'The model did not learn the injected outliers at this rate, so they say nothing about backdoors here.',
    );
  });

  it('names the crowded rows in the sentence when the fusion found some', () => {
    const { input, fusion } = handRun();
    const crowded = { ...fusion, model: { ...fusion.model, crowded: 4 } };
    expect(calibrationReport(input, crowded, PLAN, 5, {}).sentence).toContain(
      'About 5 of the 10 rows (50.0%) look like random label flips or sit packed far closer together than the other ' +
        'rows (4 rows, as an injected cluster does): Sift estimates that many are poisoned.',
    );
    expect(calibrationReport(input, fusion, PLAN, 5, {}).sentence).not.toContain('packed');
  });

  it('writes the fraction to five places, and 0 for a run without analyst rows', () => {
    const { input, fusion } = handRun();
    expect(calibrationReport({ ...input, rows: 7 }, fusion, PLAN, 2, {}).estimate.fraction).toBe(0.28571);
    const empty = calibrationReport(
      { ...input, rows: 0, kind: new Uint8Array(0), role: new Uint8Array(0) },
      { ...fusion, model: { ...fusion.model, detectors: [] } },
      PLAN,
      0,
      {},
    );
    expect(empty.estimate).toEqual({ rows: 0, fraction: 0, byKind: {} });
    expect(empty.kinds).toEqual([]);
  });

  it('records in the manifest the plan, the model, the estimate and each kind’s recalls, not the timings', () => {
    const { input, fusion } = handRun();
    const report = calibrationReport(input, fusion, PLAN, 3, { fusion: 2, train: 100 });
    const kept = JSON.parse(JSON.stringify({ canary: PLAN, model: fusion.model }));
    expect(manifestCalibration(report)).toEqual({
      format: 'sift-calibration/1',
      ...kept,
      estimate: { rows: 3, fraction: 0.3, byKind: { 'random-flip': 3 } },
      sentence: report.sentence,
      recalls: [
        {
          kind: 'random-flip',
          carriedBy: 'influence',
          estimatedRows: 3,
          detector: { canaries: 2, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 },
          fused: { canaries: 2, recallAt1: 0.5, recallAt5: 0.5, auroc: 0.55, ap: 0.5909 },
        },
        {
          kind: 'outlier',
          carriedBy: 'trajectory',
          estimatedRows: 0,
          detector: { canaries: 1, recallAt1: 0, recallAt5: 0, auroc: 0.5, ap: 0.1667 },
          fused: { canaries: 1, recallAt1: 1, recallAt5: 1, auroc: 1, ap: 1 },
        },
      ],
    });
  });
});

describe('calibrationSentence', () => {
  const kind = (k: KindReport['kind'], recallAt5: number, canaries: number, learned = true) =>
    ({ kind: k, fused: { canaries, recallAt1: 0, recallAt5, auroc: 1, ap: 1 }, learned }) as KindReport;

  it('pools three kinds, leaves out kinds and groups without canaries and kinds without rows, lists the unlearned', () => {
    const kinds = [
      kind('random-flip', 0.5, 4),
      kind('pair-flip', 1, 4),
      kind('near-duplicate', 0.25, 4),
      kind('feature-trigger', 0.8, 10, false),
      kind('patch-trigger', 0, 0, false),
      kind('outlier', 0, 0),
    ];
    // Mislabelled rows: (2 + 4 + 1) of 12 is 58%; triggers: 8 of 10, the patch trigger measured nothing.
    const estimate = {
      rows: 12,
      fraction: 0.06,
      byKind: { 'random-flip': 5, 'pair-flip': 0, 'feature-trigger': 7 },
    };
    expect(calibrationSentence(kinds, estimate, 200)).toBe(
      'On this dataset, Sift found 58% of injected mislabelled rows (random label flips, flips between confused ' +
        'classes and near-duplicates with another label together) and 80% of injected triggers among its top 5%. ' +
        'About 12 of the 200 rows (6.0%) look like random label flips or feature triggers: Sift estimates that many are ' +
        'poisoned. The model did not learn the injected feature triggers or patch triggers at this rate, so they say ' +
        'nothing about backdoors here.',
    );
  });

  it('joins three kinds that look present, and three unlearned triggers, with commas and a last "or"', () => {
    const kinds = [
      kind('random-flip', 1, 2),
      kind('feature-trigger', 0, 2, false),
      kind('patch-trigger', 0, 2, false),
      kind('blend-trigger', 0, 2, false),
    ];
    const estimate = {
      rows: 30,
      fraction: 0.075,
      byKind: { 'random-flip': 10, 'pair-flip': 10, outlier: 10 },
    };
    expect(calibrationSentence(kinds, estimate, 400)).toBe(
      'On this dataset, Sift found 100% of injected mislabelled rows and 0% of injected triggers (feature triggers, ' +
        'patch triggers and blended triggers together) among its top 5%. About 30 of the 400 rows (7.5%) look like ' +
        'random label flips, flips between confused classes or outliers: Sift estimates that many are poisoned. The ' +
        'model did not learn the injected feature triggers, patch triggers or blended triggers at this rate, so they ' +
        'say nothing about backdoors here.',
    );
  });

  it('names one group alone, a cluster whose median row sits at exactly 1%, and an empty list', () => {
    const cluster = {
      rows: 12,
      score: 'knnDistance' as const,
      medianShare: 0.01,
      explained: 0,
      lookalikes: 0,
    };
    expect(
      calibrationSentence([kind('outlier', 0.5, 6)], { rows: 12, fraction: 0.12, byKind: {} }, 100, [
        cluster,
      ]),
    ).toBe(
      'On this dataset, Sift found 50% of injected outliers among its top 5%. About 12 of the 100 rows (12.0%) sit ' +
        'in a cluster of 12 rows that activation clustering sets apart and knnDistance confirms (half of them in its ' +
        'top 1%): Sift estimates that many are poisoned.',
    );
    // Crowded rows, alone and after a cluster; one row reads in the singular.
    const estimate = { rows: 30, fraction: 0.3, byKind: {} };
    expect(calibrationSentence([kind('outlier', 0.5, 6)], estimate, 100, [], 30)).toBe(
      'On this dataset, Sift found 50% of injected outliers among its top 5%. About 30 of the 100 rows (30.0%) sit ' +
        'packed far closer together than the other rows (30 rows, as an injected cluster does): Sift estimates that ' +
        'many are poisoned.',
    );
    expect(calibrationSentence([kind('outlier', 0.5, 6)], estimate, 100, [cluster], 1)).toContain(
      'top 1%) or sit packed far closer together than the other rows (1 row, as an injected cluster does):',
    );
    // No kind measured a canary: the list of groups is empty.
    expect(calibrationSentence([kind('outlier', 0, 0)], { rows: 0, fraction: 0, byKind: {} }, 100)).toBe(
      'On this dataset, no injected row could be measured. No group of rows stands out as the injected rows do: Sift ' +
        'estimates that none is poisoned. Poison that the model half learns (such as a rare class relabelled as a ' +
        'common one) stands out less and is not counted; the ranking still lists the most suspicious rows first.',
    );
  });
});
