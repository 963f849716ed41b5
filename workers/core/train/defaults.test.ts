import { describe, expect, it } from 'vitest';
import {
  batchSizeFor,
  crossValEpochsFor,
  DEFAULT_TRAIN_SETTINGS,
  learningRateFor,
  MAX_DEFAULT_BATCH_SIZE,
  trainSettingsFor,
} from './defaults';

describe('size-dependent training defaults', () => {
  it('keeps batch 64 for small sets and grows it by powers of two up to the cap', () => {
    // breast cancer, digits, and anything up to ~3,600 rows: the measured small-set default.
    for (const rows of [1, 569, 1797, 2560, 3600]) expect(batchSizeFor(rows)).toBe(64);
    expect(batchSizeFor(5_000)).toBe(128);
    expect(batchSizeFor(10_000)).toBe(256);
    expect(batchSizeFor(20_000)).toBe(512);
    expect(batchSizeFor(200_000)).toBe(MAX_DEFAULT_BATCH_SIZE);
    // Never shrinks as rows grow.
    let last = 0;
    for (let rows = 100; rows < 300_000; rows = Math.ceil(rows * 1.1)) {
      const b = batchSizeFor(rows);
      expect(b).toBeGreaterThanOrEqual(last);
      expect(Math.log2(b) % 1).toBe(0);
      last = b;
    }
  });

  it('scales the learning rate by the square root of the batch ratio', () => {
    expect(learningRateFor(64)).toBeCloseTo(2e-3, 12);
    expect(learningRateFor(256)).toBeCloseTo(4e-3, 12);
    expect(learningRateFor(1024)).toBeCloseTo(8e-3, 12);
    // √8 × 2e-3 = 0.0056568…, kept to three significant digits.
    expect(learningRateFor(512)).toBe(0.00566);
  });

  it('gives the small-set defaults unchanged and a fresh hidden array', () => {
    const s = trainSettingsFor(1797);
    expect(s).toEqual(DEFAULT_TRAIN_SETTINGS);
    expect(s.hidden).not.toBe(DEFAULT_TRAIN_SETTINGS.hidden);
    expect(trainSettingsFor(20_000)).toMatchObject({ batchSize: 512, epochs: DEFAULT_TRAIN_SETTINGS.epochs });
    expect(trainSettingsFor(20_000).learningRate).toBe(0.00566);
  });

  it('trains image files with the CNN by default, rows with the MLP', () => {
    expect(trainSettingsFor(400, 'images').model).toBe('cnn');
    expect(trainSettingsFor(400, 'rows').model).toBe('mlp');
    expect(trainSettingsFor(400).model).toBe('mlp');
    expect(trainSettingsFor(6000, 'images')).toMatchObject({ batchSize: 128, learningRate: 0.00283 });
  });

  it('gives cross-validation folds half the run’s epochs, at least one', () => {
    expect(crossValEpochsFor(20)).toBe(10);
    expect(crossValEpochsFor(7)).toBe(4);
    expect(crossValEpochsFor(1)).toBe(1);
  });
});
