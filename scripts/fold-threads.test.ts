import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossValidatedProbabilities } from '../workers/core/train/crossval';
import { DEFAULT_TRAIN_SETTINGS } from '../workers/core/train/defaults';
import { syntheticData } from '../workers/train-backends';
import { createFoldThreads, type FoldThreads } from './fold-threads';

// Parallel folds must give the serial run's arrays exactly: each fold trains from its own task and seed.
describe('scan fold threads', () => {
  let threads: FoldThreads;
  const data = syntheticData(300, 6, 3, 11);
  const settings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 3, batchSize: 32, seed: 5 };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    threads = createFoldThreads(data, 4, 'cpu', 2);
  });
  afterAll(async () => {
    await threads.close();
  });

  it('gives the serial out-of-fold softmax, exactly, with two folds at a time', async () => {
    const serial = await crossValidatedProbabilities(data, settings, 4);
    const epochs: number[] = [];
    const announced: number[] = [];
    const parallel = await crossValidatedProbabilities(data, settings, 4, {
      onEpoch: (e) => epochs.push(e.epoch),
      onFoldsDone: (done) => announced.push(done),
      pool: threads,
    });
    expect(threads.size).toBe(2);
    expect(parallel.status).toBe('completed');
    expect(parallel.foldsDone).toBe(4);
    expect(Array.from(parallel.folds)).toEqual(Array.from(serial.folds));
    expect(serial.probabilities.some(Number.isNaN)).toBe(false);
    expect(Array.from(parallel.probabilities)).toEqual(Array.from(serial.probabilities));
    // Progress counts finished folds (0 of 4 at the start, then one more as each finishes, 4 at the end) and the
    // epochs heard between two counts only go forward.
    expect(announced).toEqual([0, 1, 2, 3, 4]);
    expect(epochs.length).toBeGreaterThanOrEqual(3);
    expect(epochs.length).toBeLessThanOrEqual(12);
  }, 120_000);
});
