/**
 * What a finished calibration returns beside the ranking (calibrate.test.ts checks that): the analyst rows' shared
 * values counted among themselves, the cartography and embeddings of the analyst rows only, and the calibration's
 * own timings, read off a clock that moves by 1 ms at each reading.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, expect, it, vi } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { calibratedScores } from './calibrate';
import type { FusionInput } from './fuse';
import { BLOB_SETTINGS, blobs } from './test-blobs';

afterEach(() => {
  vi.restoreAllMocks();
});

it('returns the analyst rows’ shared values, cartography, embeddings and the calibration’s timings', async () => {
  await tf.setBackend('cpu');
  // The run's steps between the calibration's clock readings read no clock, so each of its own steps takes 1 ms.
  let clock = 1_000_000;
  vi.spyOn(performance, 'now').mockImplementation(() => {
    clock += 1;
    return clock;
  });
  let input: FusionInput | null = null;
  // No step hook: the calibration calls only the hooks it is given.
  const out = await calibratedScores(
    blobs(900, 30, 1),
    { ...BLOB_SETTINGS, epochs: 3 },
    { folds: 2, epochs: 2 },
    { seed: 3 },
    { canary: { seed: 5 }, fusion: {} },
    {
      onFusionInput: (i) => {
        input = i;
      },
    },
  );
  if (out.kind !== 'done' || input === null) throw new Error(`calibration ${out.kind}`);
  const run = input as FusionInput;
  // 68 canaries and 12 companions after the 900 rows (5 kinds, see calibrate-steps.test.ts).
  expect(run.rows).toBe(900);
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
