/**
 * A cross-validation fold's held-out softmax averaged over its last epochs (held-out.ts): the count, the running
 * mean, and the trainer's use of them, checked against folds that stop one epoch apart.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { DEFAULT_TRAIN_SETTINGS } from './defaults';
import { HeldOutAverage, heldOutEpochs } from './held-out';
import { trainAndPredict } from './trainer';
import type { TrainingData, TrainSettings } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('heldOutEpochs', () => {
  it('is a quarter of the epochs, rounded up, at least one', () => {
    expect([1, 2, 4, 5, 8, 9, 10, 20].map(heldOutEpochs)).toEqual([1, 1, 1, 2, 2, 3, 3, 5]);
  });
});

describe('HeldOutAverage', () => {
  it('wants the last epochs only and averages what it is given', () => {
    const avg = new HeldOutAverage(10, 3);
    expect([6, 7, 9].map((e) => avg.wants(e))).toEqual([false, true, true]);
    expect(avg.mean()).toBeNull();
    avg.add(Float32Array.from([0.25, 0.75]));
    avg.add(Float32Array.from([0.75, 0.25]));
    avg.add(Float32Array.from([0.5, 0.5]));
    expect(Array.from(avg.mean() ?? [])).toEqual([0.5, 0.5]);
  });

  it('keeps at least the last epoch and at most all of them', () => {
    expect(new HeldOutAverage(4, 0).from).toBe(3);
    expect(new HeldOutAverage(2, 5).from).toBe(0);
  });

  it('passes a NaN on', () => {
    const avg = new HeldOutAverage(2, 2);
    avg.add(Float32Array.from([Number.NaN, 1]));
    avg.add(Float32Array.from([0, 1]));
    const mean = Array.from(avg.mean() ?? []);
    expect(mean[0]).toBeNaN();
    expect(mean[1]).toBe(1);
  });
});

describe('trainAndPredict averages the held-out softmax of its last epochs', () => {
  const rng = createRng(7);
  const rows = 120;
  const features = Float32Array.from(
    { length: rows * 3 },
    (_, i) => (i % 3 === 0 ? (Math.floor(i / 3) % 2) * 2 : 0) + rng.next(),
  );
  const data: TrainingData = {
    features,
    featureCount: 3,
    labels: Int32Array.from({ length: rows }, (_, r) => r % 2),
    classCount: 2,
  };
  const train = Int32Array.from({ length: 100 }, (_, i) => i);
  const held = Int32Array.from({ length: 20 }, (_, i) => 100 + i);
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN_SETTINGS,
    batchSize: 16,
    hidden: [4],
    learningRate: 0.05,
  };
  const fold = async (epochs: number, last?: number) => {
    const res = await trainAndPredict(
      data,
      train,
      held,
      { ...settings, epochs },
      {},
      last ? { heldOutEpochs: last } : {},
    );
    if (!res.probabilities) throw new Error(`the fold of ${epochs} epochs gave no softmax`);
    return res.probabilities;
  };

  it('the mean of the softmax after epochs 4 and 5 when it averages two of five', async () => {
    const after4 = await fold(4, 1);
    const after5 = await fold(5, 1);
    const both = await fold(5, 2);
    // The folds differ: the check below would hold trivially if the fifth epoch changed nothing.
    expect(Math.max(...after4.map((v, i) => Math.abs(v - after5[i])))).toBeGreaterThan(1e-3);
    both.forEach((v, i) => {
      expect(v).toBeCloseTo((after4[i] + after5[i]) / 2, 6);
    });
  });

  it('averages two of five by default', async () => {
    expect(Array.from(await fold(5))).toEqual(Array.from(await fold(5, 2)));
  });
});
