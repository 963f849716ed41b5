/**
 * The training job's input checks and the eval chunk rule, on their own: each refusal word for word at its bound,
 * the values just inside accepted, and chunk sizes worked out by hand from 2^20 floats per activation.
 */
import { describe, expect, it } from 'vitest';
import { checkData, checkSettings } from './checks';
import { evalChunkRows, PASS_STATS } from './chunks';
import type { TrainSettings } from './types';

const settings: TrainSettings = {
  model: 'mlp',
  hidden: [64],
  epochs: 1,
  batchSize: 1,
  optimizer: 'adam',
  learningRate: 1e-9,
  validationFraction: 0.2,
  seed: 0,
};

describe('checkSettings', () => {
  it('accepts the smallest settings that can train', () => {
    expect(() => checkSettings(settings)).not.toThrow();
    expect(() => checkSettings({ ...settings, seed: -5.5 })).not.toThrow();
  });

  it('refuses each bad setting with its sentence', () => {
    const cases: [Partial<TrainSettings>, string][] = [
      [{ epochs: 0 }, 'epochs must be ≥ 1, got 0'],
      [{ epochs: 1.5 }, 'epochs must be ≥ 1, got 1.5'],
      [{ batchSize: 0 }, 'batch size must be ≥ 1, got 0'],
      [{ batchSize: 2.5 }, 'batch size must be ≥ 1, got 2.5'],
      [{ learningRate: 0 }, 'learning rate must be a positive number, got 0'],
      [{ learningRate: -0.1 }, 'learning rate must be a positive number, got -0.1'],
      [{ learningRate: Number.POSITIVE_INFINITY }, 'learning rate must be a positive number, got Infinity'],
      [{ learningRate: Number.NaN }, 'learning rate must be a positive number, got NaN'],
      [{ seed: Number.NaN }, 'seed must be a number, got NaN'],
      [{ seed: Number.NEGATIVE_INFINITY }, 'seed must be a number, got -Infinity'],
    ];
    for (const [change, what] of cases) {
      expect(() => checkSettings({ ...settings, ...change }), what).toThrow(
        new RangeError(`Training settings: ${what}.`),
      );
    }
  });
});

describe('checkData', () => {
  const data = {
    features: new Float32Array(6),
    featureCount: 2,
    labels: Int32Array.from([0, 2, 1]),
    classCount: 3,
  };

  it('accepts arrays that agree, the last class code included', () => {
    expect(() => checkData(data)).not.toThrow();
  });

  it('refuses a feature count that is not a positive integer', () => {
    for (const featureCount of [0, -1, 1.5]) {
      expect(() => checkData({ ...data, featureCount })).toThrow(
        new RangeError(`Training data: featureCount must be a positive integer, got ${featureCount}.`),
      );
    }
  });

  it('refuses features that are not rows × featureCount, too few or too many', () => {
    expect(() => checkData({ ...data, features: new Float32Array(5) })).toThrow(
      new RangeError('Training data: 5 feature values for 3 rows × 2 features.'),
    );
    expect(() => checkData({ ...data, features: new Float32Array(7) })).toThrow(
      new RangeError('Training data: 7 feature values for 3 rows × 2 features.'),
    );
  });

  it('refuses a class code below 0 or at the class count, naming the row', () => {
    expect(() => checkData({ ...data, labels: Int32Array.from([0, 1, 3]) })).toThrow(
      new RangeError('Training data: row 2 has class code 3, outside 0..2.'),
    );
    expect(() => checkData({ ...data, labels: Int32Array.from([-1, 1, 0]) })).toThrow(
      new RangeError('Training data: row 0 has class code -1, outside 0..2.'),
    );
  });
});

describe('evalChunkRows', () => {
  it('fits the widest activation in 2^20 floats, between 1024 and 16384 rows', () => {
    expect(PASS_STATS).toBe(5);
    // Widest of 32 features, 10 + 5 outputs and 64 + 10 + 5 hidden: 79 → floor(1048576 / 79) = 13273.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 32, classCount: 10, hidden: [64] })).toBe(13273);
    // 300 features is the widest: floor(1048576 / 300) = 3495.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 300, classCount: 2, hidden: [16, 8] })).toBe(3495);
    // 60 classes + 5 = 65 is the widest: floor(1048576 / 65) = 16131.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 10, classCount: 60, hidden: [] })).toBe(16131);
    // The second hidden layer, 500 + 3 + 5 = 508: floor(1048576 / 508) = 2064.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 4, classCount: 3, hidden: [20, 500] })).toBe(2064);
    // Narrow models are capped at 16384; very wide ones kept at 1024.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 8, classCount: 2, hidden: [16] })).toBe(16384);
    expect(evalChunkRows({ kind: 'mlp', featureCount: 5000, classCount: 2, hidden: [16] })).toBe(1024);
  });

  it('counts a CNN 16 channels per pixel', () => {
    // 16 × 16 pixels × 16 = 4096 floats a row: 1048576 / 4096 = 256, raised to 1024.
    expect(evalChunkRows({ kind: 'cnn', featureCount: 256, classCount: 10, hidden: [64] })).toBe(1024);
    // 16 × 4 pixels = 64 floats a row (an MLP would count 64 + 10 + 5 = 79): 1048576 / 64 = 16384.
    expect(evalChunkRows({ kind: 'cnn', featureCount: 4, classCount: 10, hidden: [64] })).toBe(16384);
    // 16 × 40 = 640: floor(1048576 / 640) = 1638.
    expect(evalChunkRows({ kind: 'cnn', featureCount: 40, classCount: 2, hidden: [] })).toBe(1638);
  });
});
