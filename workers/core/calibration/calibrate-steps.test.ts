/**
 * The calibrated pipeline's own steps, without training a model: the progress lines the score worker sends
 * (stageProgress), the score set put in a run's sample order (inSampleOrder), the refusal at exactly a quarter of
 * the run, the image shape the canaries read, and a cancelled pipeline passed through. Counts are worked out by hand
 * from the canary rules (canary/inject.ts: per draw max(minPerKind, round(rate × rows / (2 × kinds))), triggers at
 * least minPerTrigger, two draws, one companion per near-duplicate).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCORE_NAMES } from '../scores/types';
import type { TrainingData } from '../train/types';
import {
  CALIBRATION_STEPS,
  type CalibratedScoreSet,
  calibratedScores,
  inSampleOrder,
  stageProgress,
} from './calibrate';
import { BLOB_SETTINGS } from './test-blobs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The cancelled runs stop before their first epoch; the settings only have to be valid. */
const SETTINGS = { ...BLOB_SETTINGS, hidden: [4], epochs: 2 };

/** `rows` rows of `f` features, two classes alternating, each value distinct. */
function table(rows: number, f: number): TrainingData {
  return {
    features: Float32Array.from({ length: rows * f }, (_, k) => (k % 97) / 7 + Math.floor(k / f) / 1000),
    featureCount: f,
    labels: Int32Array.from({ length: rows }, (_, i) => i % 2),
    classCount: 2,
  };
}

/** Runs calibratedScores cancelled at its first check, recording every calibration step. */
async function cancelledRun(data: TrainingData, canary: Record<string, unknown>) {
  const steps: string[] = [];
  const out = await calibratedScores(
    data,
    SETTINGS,
    { folds: 2, epochs: 1 },
    {},
    { canary, fusion: {} },
    { onCalibrationStep: (step, detail) => steps.push(`${step}: ${detail}`), cancelled: () => true },
  );
  return { out, steps };
}

describe('stageProgress', () => {
  it('reports every hook as one calibration stage line with its place among the five steps', () => {
    const lines: Array<[string, number, number]> = [];
    const hooks = stageProgress((stage, done, total) => lines.push([stage, done, total]));
    hooks.onCalibrationStep?.('canaries', '40 canaries');
    hooks.onCalibrationStep?.('pipeline', 'training on 9 rows');
    hooks.onEpoch?.({ epoch: 0 } as never);
    hooks.onEpoch?.({ epoch: 4 } as never);
    hooks.onFoldsDone?.(2, 5);
    hooks.onScoreProgress?.({ stage: 'spectral', done: 3, total: 12 });
    hooks.onCalibrationStep?.('fusion', 'fitting');
    expect(lines).toEqual([
      ['calibration: canaries (40 canaries)', 0, 5],
      ['calibration: training (training on 9 rows)', 1, 5],
      ['calibration: training (epoch 1)', 1, 5],
      ['calibration: training (epoch 5)', 1, 5],
      ['calibration: cross-validation (2 of 5 folds done)', 2, 5],
      ['calibration: scores (spectral)', 3, 5],
      ['calibration: fusion (fitting)', 4, 5],
    ]);
    expect(CALIBRATION_STEPS).toEqual(['canaries', 'training', 'cross-validation', 'scores', 'fusion']);
  });
});

describe('inSampleOrder', () => {
  it('puts every per-row array and the out-of-fold probabilities in the run’s sample order', () => {
    // Four rows; the run's samples are rows 2, 0 and 3.
    const f32 = (...v: number[]) => Float32Array.from(v);
    const u8 = (...v: number[]) => Uint8Array.from(v);
    const scores = Object.fromEntries(SCORE_NAMES.map((s, k) => [s, f32(k, k + 0.1, k + 0.2, k + 0.3)]));
    const set = {
      format: 'sift-scores/1',
      samples: 4,
      scores,
      families: {
        trajectory: f32(1, 2, 3, 4),
        influence: f32(5, 6, 7, 8),
        embedding: f32(9, 10, 11, 12),
        label: f32(13, 14, 15, 16),
      },
      flags: {
        trajectory: u8(1, 0, 0, 0),
        influence: u8(0, 1, 0, 0),
        embedding: u8(0, 0, 1, 0),
        label: u8(0, 0, 0, 1),
      },
      suspicion: f32(0.1, 0.2, 0.3, 0.4),
      labelIssue: u8(0, 1, 1, 0),
      suggestedLabel: Int32Array.from([-1, 2, 0, -1]),
      labelThresholds: f32(0.5, 0.6, 0.7),
      cartography: { confidence: f32(0.9, 0.8, 0.7, 0.6), variability: f32(0.01, 0.02, 0.03, 0.04) },
      explanation: { score: u8(3, 1, 4, 1), kind: u8(255, 0, 2, 255) },
      // Rows 0 and 2 in one group (samples 1 and 0), row 1 alone in another (no sample: dropped).
      groups: [
        { rows: [0, 2], columns: [5], label: 1, labelled: 2, checked: 2, explained: 0 },
        { rows: [1], columns: [6], label: 2, labelled: 1, checked: 1, explained: 0 },
      ],
      timings: { fusion: 7 },
      pixelNeighbours: f32(0.5, 0.6, 0.7, 0.8),
    } as unknown as CalibratedScoreSet;
    // Three classes: row r's probabilities are r + 0.1, r + 0.2, r + 0.3.
    const oof = f32(0.1, 0.2, 0.3, 1.1, 1.2, 1.3, 2.1, 2.2, 2.3, 3.1, 3.2, 3.3);
    const out = inSampleOrder(set, oof, Int32Array.from([2, 0, 3]), 3);
    const s = out.scoreSet;
    expect(s.samples).toBe(3);
    expect(Array.from(s.scores.aum)).toEqual(Array.from(f32(0.2, 0, 0.3)));
    expect(Array.from(s.scores.sharedValues)).toEqual(Array.from(f32(12.2, 12, 12.3)));
    expect(Object.keys(s.scores)).toEqual([...SCORE_NAMES]);
    expect(s.families).toEqual({
      trajectory: f32(3, 1, 4),
      influence: f32(7, 5, 8),
      embedding: f32(11, 9, 12),
      label: f32(15, 13, 16),
    });
    expect(s.flags).toEqual({
      trajectory: u8(0, 1, 0),
      influence: u8(0, 0, 0),
      embedding: u8(1, 0, 0),
      label: u8(0, 0, 1),
    });
    expect(s.suspicion).toEqual(f32(0.3, 0.1, 0.4));
    expect(s.labelIssue).toEqual(u8(1, 0, 0));
    expect(s.suggestedLabel).toEqual(Int32Array.from([0, -1, -1]));
    expect(s.cartography).toEqual({ confidence: f32(0.7, 0.9, 0.6), variability: f32(0.03, 0.01, 0.04) });
    expect(s.explanation).toEqual({ score: u8(4, 3, 1), kind: u8(2, 255, 255) });
    expect(s.pixelNeighbours).toEqual(f32(0.7, 0.5, 0.8));
    expect(s.groups).toEqual([
      { rows: [0, 1], columns: [5], label: 1, labelled: 2, checked: 2, explained: 0 },
    ]);
    // What is not per row is kept.
    expect(s.labelThresholds).toEqual(f32(0.5, 0.6, 0.7));
    expect(s.timings).toEqual({ fusion: 7 });
    expect(s.format).toBe('sift-scores/1');
    expect(out.oofProbs).toEqual(f32(2.1, 2.2, 2.3, 0.1, 0.2, 0.3, 3.1, 3.2, 3.3));
  });

  it('keeps a one-value-per-row array of the same type, and an empty order gives empty arrays', () => {
    const set = {
      scores: { aum: Float32Array.from([5, 6]) },
      families: {},
      flags: {},
      suspicion: Float32Array.from([0.5, 0.6]),
      labelIssue: Uint8Array.from([1, 0]),
      suggestedLabel: Int32Array.from([1, -1]),
      cartography: {},
      explanation: {},
    } as unknown as CalibratedScoreSet;
    const out = inSampleOrder(set, Float32Array.from([1, 2]), Int32Array.from([1, 1, 0]), 1);
    expect(out.scoreSet.suggestedLabel).toBeInstanceOf(Int32Array);
    expect(out.scoreSet.suggestedLabel).toEqual(Int32Array.from([-1, -1, 1]));
    expect(out.scoreSet.labelIssue).toBeInstanceOf(Uint8Array);
    // A table's set has no pixel question, and gets none.
    expect('pixelNeighbours' in out.scoreSet).toBe(false);
    expect(out.oofProbs).toEqual(Float32Array.from([2, 2, 1]));
    const none = inSampleOrder(set, Float32Array.from([1, 2]), new Int32Array(0), 1);
    expect(none.scoreSet.samples).toBe(0);
    expect(none.scoreSet.suspicion.length).toBe(0);
    expect(none.oofProbs.length).toBe(0);
  });
});

describe('calibratedScores before training', () => {
  it('refuses when the canaries would be more than a quarter of the run, word for word', async () => {
    // One kind, 6 per draw (the minimum): 12 canaries. 35 rows: 12 of 47 is 25.5%, over a quarter.
    const { out, steps } = await cancelledRun(table(35, 3), { kinds: ['random-flip'], seed: 5 });
    expect(out).toEqual({
      kind: 'skipped',
      reason:
        '35 rows are too few to calibrate on canaries: the 12 canary rows would be 26% of the run (at most 25%).',
    });
    expect(steps).toEqual([]);
  });

  it('goes on at exactly a quarter, says what it added, and passes a cancelled pipeline through', async () => {
    // 36 rows: 12 of 48 is exactly 25%.
    const { out, steps } = await cancelledRun(table(36, 3), { kinds: ['random-flip'], seed: 5 });
    expect(out.kind).toBe('cancelled');
    expect(steps).toEqual([
      'canaries: 12 canaries (random-flip) and 0 companions, seed 5',
      'pipeline: training on 36 rows + 12 added rows',
    ]);
  });

  it('names every kind and counts companions: 5 kinds on 900 rows at the default rate', async () => {
    // 3 classes, 8 features (no image): 5 kinds, 6 per draw (round(0.02 × 900 / 10) = 2 < 6), the feature
    // trigger 10; 2 × (4 × 6 + 10) = 68 canaries and 2 × 6 near-duplicate companions.
    const data = table(900, 8);
    data.labels = Int32Array.from({ length: 900 }, (_, i) => i % 3);
    data.classCount = 3;
    const { out, steps } = await cancelledRun(data, { seed: 11 });
    expect(out.kind).toBe('cancelled');
    expect(steps).toEqual([
      'canaries: 68 canaries (random-flip, pair-flip, feature-trigger, outlier, near-duplicate) and 12 companions, seed 11',
      'pipeline: training on 900 rows + 80 added rows',
    ]);
  });

  it('needs no step hook', async () => {
    const out = await calibratedScores(
      table(36, 3),
      SETTINGS,
      { folds: 2, epochs: 1 },
      {},
      { canary: { kinds: ['random-flip'] }, fusion: {} },
      { cancelled: () => true },
    );
    expect(out).toEqual({ kind: 'cancelled', run: expect.anything() });
  });

  it('reads the image shape from the rows (one channel when none is given) or from the settings', async () => {
    // 20 features: not a square, so without a shape the rows are no image and the image kinds are not drawn.
    // 2 classes: 6 kinds (no pair flip), 6 per draw, the three triggers 10: 2 × (3 × 6 + 3 × 10) = 96 canaries.
    const kinds = 'random-flip, feature-trigger, outlier, near-duplicate, patch-trigger, blend-trigger';
    const rows = { ...table(600, 20), image: { height: 4, width: 5 } } as TrainingData;
    const a = await cancelledRun(rows, { seed: 2 });
    expect(a.steps[0]).toBe(`canaries: 96 canaries (${kinds}) and 12 companions, seed 2`);
    const plain = table(600, 20);
    const b = await cancelledRun(plain, { seed: 2, image: { height: 5, width: 4, channels: 1 } });
    expect(b.steps[0]).toBe(`canaries: 96 canaries (${kinds}) and 12 companions, seed 2`);
    const c = await cancelledRun(plain, { seed: 2 });
    expect(c.steps[0]).toBe(
      'canaries: 56 canaries (random-flip, feature-trigger, outlier, near-duplicate) and 12 companions, seed 2',
    );
  });
});
