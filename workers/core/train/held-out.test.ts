/**
 * A cross-validation fold's held-out softmax averaged over a window of epochs (held-out.ts): the count, the window
 * whose held-out loss is lowest, and the trainer's use of them, checked against folds that stop one epoch apart.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { DEFAULT_TRAIN_SETTINGS } from './defaults';
import { HeldOutWindow, heldOutEpochs } from './held-out';
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

/** One epoch's softmax of two held-out rows labelled 0 and 1, giving each label probability `p`. */
const snapshot = (p: number) => Float32Array.from([p, 1 - p, 1 - p, p]);

describe('HeldOutWindow', () => {
  it('averages the window of epochs whose held-out rows lose least under their labels', () => {
    const win = new HeldOutWindow(2, Int32Array.from([0, 1]));
    expect(win.mean()).toBeNull();
    for (const p of [0.6, 0.9, 0.8, 0.5, 0.4]) win.add(snapshot(p));
    // Windows (0,1) (1,2) (2,3) (3,4): epochs 1 and 2 lose least.
    expect(win.start()).toBe(1);
    Array.from(win.mean() ?? []).forEach((v, i) => {
      expect(v).toBeCloseTo([0.85, 0.15, 0.15, 0.85][i] as number, 6);
    });
  });

  it('keeps the last window while the loss falls, and the later of two that lose alike', () => {
    const falling = new HeldOutWindow(2, Int32Array.from([0, 1]));
    for (const p of [0.5, 0.6, 0.7, 0.8]) falling.add(snapshot(p));
    expect(falling.start()).toBe(2);
    const tied = new HeldOutWindow(1, Int32Array.from([0, 1]));
    for (const p of [0.7, 0.6, 0.7]) tied.add(snapshot(p));
    expect(tied.start()).toBe(2);
  });

  it('averages at least one epoch and at most all of them', () => {
    const one = new HeldOutWindow(0, Int32Array.from([0, 1]));
    for (const p of [0.9, 0.5, 0.6]) one.add(snapshot(p));
    expect([one.start(), Array.from(one.mean() ?? [])[0]]).toEqual([0, expect.closeTo(0.9, 6)]);
    const all = new HeldOutWindow(5, Int32Array.from([0, 1]));
    for (const p of [0.9, 0.5]) all.add(snapshot(p));
    expect([all.start(), Array.from(all.mean() ?? [])[0]]).toEqual([0, expect.closeTo(0.7, 6)]);
  });

  it('keeps the last window and passes a NaN on when a loss is not finite', () => {
    const win = new HeldOutWindow(1, Int32Array.from([0, 1]));
    win.add(snapshot(0.9));
    win.add(Float32Array.from([Number.NaN, 1, 0, 1]));
    win.add(snapshot(0.6));
    expect(win.start()).toBe(2);
    const nan = new HeldOutWindow(2, Int32Array.from([0, 1]));
    nan.add(Float32Array.from([Number.NaN, 1, 0, 1]));
    nan.add(snapshot(0.5));
    const mean = Array.from(nan.mean() ?? []);
    expect(mean[0]).toBeNaN();
    expect(mean[1]).toBeCloseTo(0.75, 6);
  });

  it('keeps its own copy of each softmax', () => {
    const win = new HeldOutWindow(1, Int32Array.from([0, 1]));
    const probs = snapshot(0.8);
    win.add(probs);
    probs.fill(0);
    expect(Array.from(win.mean() ?? [])[0]).toBeCloseTo(0.8, 6);
  });
});

describe('trainAndPredict averages the held-out softmax over the window that loses least', () => {
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

  it('stops early when the held-out rows lose more as the model learns: their labels contradict the training', async () => {
    // The held-out rows' given labels are the opposite of what their features say: the better the model learns, the
    // more they lose, so the window is the first one. Training never reads them, so its epochs are those of `fold`.
    const flipped = { ...data, labels: data.labels.map((l, r) => (r >= 100 ? 1 - l : l)) };
    const predict = async (epochs: number, last: number) => {
      const res = await trainAndPredict(
        flipped,
        train,
        held,
        { ...settings, epochs },
        {},
        { heldOutEpochs: last },
      );
      if (!res.probabilities) throw new Error('no softmax');
      return res.probabilities;
    };
    // Epochs 1 and 2 alone, read where the held-out labels agree (so the last epoch is taken).
    const after1 = await fold(1, 1);
    const after2 = await fold(2, 1);
    const early = await predict(5, 2);
    // The same training with the held-out labels agreeing averages its last two epochs, which differ.
    const late = await fold(5, 2);
    expect(Math.max(...early.map((v, i) => Math.abs(v - (late[i] as number))))).toBeGreaterThan(1e-3);
    early.forEach((v, i) => {
      expect(v).toBeCloseTo((after1[i] + after2[i]) / 2, 6);
    });
  });
});
