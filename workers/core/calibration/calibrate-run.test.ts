/**
 * What a finished calibration returns beside the ranking (calibrate.test.ts checks that): the analyst rows' shared
 * values counted among themselves, the cartography and embeddings of the analyst rows only, and the calibration's
 * own timings, read off a clock that moves by 1 ms at each reading.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, expect, it, vi } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { ScoringCancelledError } from '../scores/hooks';
import { CLEAR_TAIL_FLOOR } from '../scores/suspicion';
import type { TrainingData } from '../train/types';
import { calibratedScores } from './calibrate';
import type { FusionInput } from './fuse';
import { BLOB_SETTINGS, blobs } from './test-blobs';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A calibration of `data` on the CPU backend with the fusion's input it saw; no step hook is given. */
async function calibrate(data: TrainingData, epochs: number, cvEpochs: number) {
  await tf.setBackend('cpu');
  let input: FusionInput | null = null;
  const out = await calibratedScores(
    data,
    { ...BLOB_SETTINGS, epochs },
    { folds: 2, epochs: cvEpochs },
    { seed: 3 },
    { canary: { seed: 5 }, fusion: {} },
    {
      onFusionInput: (i) => {
        input = i;
      },
    },
  );
  if (out.kind !== 'done' || input === null) throw new Error(`calibration ${out.kind}`);
  return { out, run: input as FusionInput };
}

it('returns the analyst rows’ shared values, cartography, embeddings and the calibration’s timings', async () => {
  // The run's steps between the calibration's clock readings read no clock, so each of its own steps takes 1 ms.
  let clock = 1_000_000;
  vi.spyOn(performance, 'now').mockImplementation(() => {
    clock += 1;
    return clock;
  });
  // No step hook: the calibration calls only the hooks it is given.
  const { out, run } = await calibrate(blobs(900, 30, 1), 3, 2);
  // 68 canaries and 12 companions after the 900 rows (5 kinds, see calibrate-steps.test.ts).
  expect(run.rows).toBe(900);
  // A table is asked no pixel question.
  expect(run.pixelNeighbours).toBeUndefined();
  expect(out.scoreSet.pixelNeighbours).toBeUndefined();
  expect(run.scores.sharedValues.length).toBe(980);
  // Gaussian values: no value is held by 3 analyst rows, so among themselves no analyst row scores. One of them holds
  // the feature trigger's value (the trigger copies a row's value), and counted with the 20 canaries it would.
  const set = out.scoreSet;
  expect(set.scores.sharedValues.length).toBe(900);
  expect(set.scores.sharedValues.every((v) => v === 0)).toBe(true);
  // The feature trigger's canaries share their two values: counted with the analyst rows they score.
  const trigger = CANARY_KINDS.indexOf('feature-trigger');
  for (let j = 0; j < 80; j++) {
    if (run.kind[j] === trigger && run.role[j] !== CANARY_ROLE.companion) {
      expect(run.scores.sharedValues[900 + j]).toBeGreaterThan(0);
    }
  }
  expect(set.cartography.confidence.length).toBe(900);
  expect(set.cartography.variability.length).toBe(900);
  // The embedding is the hidden layer's 16 units.
  expect(out.embeddings.dim).toBe(16);
  expect(out.embeddings.values.length).toBe(900 * 16);
  // The canary step and the fusion step each read the clock twice in a row: 1 ms.
  expect(out.report.timings.canaries).toBe(1);
  expect(out.report.timings.fusion).toBe(1);
  expect(Object.keys(out.report.timings).sort()).toEqual([
    'canaries',
    'crossVal',
    'fusion',
    'score',
    'train',
  ]);
  for (const k of ['canaries', 'crossVal', 'fusion', 'score', 'train']) {
    expect(set.timings[k]).toBe(out.report.timings[k]);
  }
});

it('asks images the pixel question over every row of the run, analyst rows and canaries', async () => {
  // The same rows (8 features) read as 2 × 4 images: the patch and blend kinds join.
  const { out, run } = await calibrate({ ...blobs(900, 30, 1), image: { height: 2, width: 4 } }, 2, 1);
  const total = run.rows + run.role.length;
  expect(run.pixelNeighbours?.length).toBe(total);
  // The analyst rows' values go to the score set, for the review's evidence; a table's set has none (above).
  expect(Array.from(out.scoreSet.pixelNeighbours ?? [])).toEqual(
    Array.from(run.pixelNeighbours ?? []).slice(0, 900),
  );
  // Shares of 10 neighbours; the 30 flipped rows make some differ from every neighbour's label more than others.
  const values = Array.from(run.pixelNeighbours ?? []);
  expect(values.every((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-5)).toBe(true);
  expect(new Set(values).size).toBeGreaterThan(2);
  expect(
    out.report.model.detectors.filter((d) => d.ranking.includes('pixelNeighbours')).length,
  ).toBeGreaterThan(0);
});

it('cancels in the pixel question when the cancel comes once the fusion step has started', async () => {
  // 1,200 rows and their canaries are more than one tile of the exact search (1,024 rows), which checks between tiles.
  await tf.setBackend('cpu');
  let cancel = false;
  const done: string[] = [];
  const run = calibratedScores(
    { ...blobs(1200, 40, 1), image: { height: 2, width: 4 } },
    { ...BLOB_SETTINGS, epochs: 2 },
    { folds: 2, epochs: 1 },
    { seed: 3 },
    { canary: { seed: 5 }, fusion: {} },
    {
      onCalibrationStep: (step) => {
        if (step === 'fusion') cancel = true;
      },
      onFusionInput: () => done.push('fusion input'),
      cancelled: () => cancel,
    },
  );
  await expect(run).rejects.toBeInstanceOf(ScoringCancelledError);
  expect(done).toEqual([]);
});

it('lifts a clear tail of shared values in the analyst rows’ own suspicion, reading their labels', async () => {
  // 900 rows in 3 classes of 300, kept together by column 3 (rising with the row). Rows 0-7 share one value in each
  // of columns 0-2, inside the columns' range (so that no distance score lifts them), and are labelled 2 amid class 0; 25 spikes of 10 rows in column 0, each labelled against its
  // block, score about ln 10 each, so the 8 rows stand a clear gap above them (as in score-all.test.ts).
  const n = 900;
  const cols = 4;
  const features = new Float32Array(n * cols);
  const labels = Int32Array.from({ length: n }, (_, i) => (i < 8 ? 2 : Math.floor(i / 300)));
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) features[i * cols + j] = 1000 + i * 4 + j;
  for (let i = 0; i < 8; i++) for (let j = 0; j < 3; j++) features[i * cols + j] = 1000 + 16 * 4 + j + 0.5;
  for (let k = 0; k < 25; k++) {
    const first = 20 + 35 * k;
    for (let i = first; i < first + 10; i++) {
      features[i * cols] = 1000 + first * 4 + 0.5;
      labels[i] = (Math.floor(i / 300) + 1) % 3;
    }
  }
  const { run } = await calibrate({ features, featureCount: cols, labels, classCount: 3 }, 2, 1);
  for (let i = 0; i < 8; i++) expect(run.backbone[i]).toBeGreaterThanOrEqual(CLEAR_TAIL_FLOOR);
  expect(run.backbone.subarray(8, n).every((v) => v < CLEAR_TAIL_FLOOR)).toBe(true);
});
