import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { buildModel } from '../train/model';
import { evalChunkRows } from '../train/recorder';
import { trainModel } from '../train/trainer';
import type { TrainingData, TrainingDynamics } from '../train/types';
import {
  activationsPerSample,
  defaultEvalChunkRows,
  defaultKnnTileRows,
  estimateScoreMemory,
  estimateTrainMemory,
  type MemoryEstimate,
  parameterCount,
  remediesFor,
  type ScoreMemoryInput,
} from './estimate';
import { partOf, SCORE, TRAIN } from './test-shapes';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function part(e: MemoryEstimate, key: string): number {
  return partOf(e, key).bytes;
}

describe('model counts', () => {
  it('counts the weights buildModel makes, MLP and CNN', () => {
    const mlp = { model: 'mlp' as const, hidden: [8] };
    // 4·8 + 8 + 8·3 + 3
    expect(parameterCount(mlp, 4, 3)).toBe(67);
    const cnn = { model: 'cnn' as const, hidden: [32], image: { width: 8, height: 8 } };
    // conv 3·3·1·16+16, pool → 4×4, conv 3·3·16·32+32, pool → 2×2, dense 128·32+32, out 32·10+10
    expect(parameterCount(cnn, 64, 10)).toBe(160 + 4640 + 4128 + 330);
    for (const [shape, f, c] of [
      [mlp, 4, 3],
      [cnn, 64, 10],
      [{ model: 'mlp' as const, hidden: [16, 5] }, 7, 4],
    ] as const) {
      const m = buildModel(
        {
          kind: shape.model,
          featureCount: f,
          classCount: c,
          hidden: [...shape.hidden],
          ...('image' in shape ? { image: shape.image } : {}),
        },
        1,
      );
      try {
        expect(parameterCount(shape, f, c)).toBe(m.model.countParams());
      } finally {
        m.model.dispose();
      }
    }
  });

  it('sizes eval chunks as the recorder does', () => {
    for (const [shape, f, c] of [
      [{ model: 'mlp' as const, hidden: [64] }, 64, 10],
      [{ model: 'mlp' as const, hidden: [256, 16] }, 8, 2],
      [{ model: 'mlp' as const, hidden: [8] }, 5000, 3],
      [{ model: 'cnn' as const, hidden: [32], image: { width: 28, height: 28 } }, 784, 10],
    ] as const) {
      const spec = {
        kind: shape.model,
        featureCount: f,
        classCount: c,
        hidden: [...shape.hidden],
        ...('image' in shape ? { image: shape.image } : {}),
      };
      expect(defaultEvalChunkRows(shape, f, c)).toBe(evalChunkRows(spec));
    }
  });

  it('counts one sample’s layer outputs', () => {
    expect(activationsPerSample({ model: 'mlp', hidden: [8] }, 4, 3)).toBe(4 + 8 + 3);
    // input 64, conv1 8·8·16, pool 4·4·16, conv2 4·4·32, pool 2·2·32, dense 32, logits 10
    expect(activationsPerSample({ model: 'cnn', hidden: [32], image: { width: 8, height: 8 } }, 64, 10)).toBe(
      64 + 1024 + 256 + 512 + 128 + 32 + 10,
    );
  });
});

describe('estimateTrainMemory', () => {
  it('matches the hand count of a small run, part by part', () => {
    const e = estimateTrainMemory(TRAIN);
    expect(part(e, 'dataset')).toBe(2 * 100 * 4 * 4 + 100 * 4);
    expect(part(e, 'input-tensors')).toBe(100 * 4 * 4 + 100 * 4);
    // 67 weights × (weights, gradients, Adam's two moments)
    expect(part(e, 'model')).toBe(67 * 4 * 4);
    // 2 × 10 rows × (15 activations + 9 loss values) × 4 bytes
    expect(part(e, 'batch')).toBe(2 * 10 * 24 * 4);
    // 2 epochs × 100 rows × 17 bytes, softmax + embeddings 100 × 11 floats, 9 bytes of row arrays, classLoss 2 × 3
    expect(part(e, 'dynamics')).toBe(3400 + 4400 + 900 + 24);
    expect(part(e, 'checkpoints')).toBe(2 * 67 * 4);
    // 80 training rows in batches of 10: 16 steps × 2 floats; batch index 2 × 80 int32
    expect(part(e, 'curves')).toBe(128 + 640);
    // a chunk of 100 rows × 110 floats, then 100 rows × (2 × 17 bytes + 11 floats)
    expect(part(e, 'eval')).toBe(44_000 + 7_800);
    const held = 3600 + 2000 + 1072 + 8724 + 536 + 768;
    expect(e.total).toBe(held + Math.max(1920, 51_800));
  });

  it('counts what a real run records: its dynamics arrays and checkpoints, byte for byte', async () => {
    const rng = createRng(5);
    const data: TrainingData = {
      features: Float32Array.from({ length: 100 * 4 }, () => rng.next()),
      featureCount: 4,
      labels: Int32Array.from({ length: 100 }, (_, i) => i % 3),
      classCount: 3,
    };
    // Between batches the backend holds the input tensors, the weights and Adam's two moments (the gradients, the
    // fourth copy the estimate counts, live only inside a step), plus the optimizer's few scalars.
    let tensorBytes = 0;
    const result = await trainModel(
      data,
      {
        model: 'mlp',
        hidden: [8],
        epochs: 2,
        batchSize: 10,
        optimizer: 'adam',
        learningRate: 1e-2,
        validationFraction: 0.2,
        seed: 1,
      },
      { onBatch: () => (tensorBytes = Math.max(tensorBytes, tf.memory().numBytes)) },
    );
    const dyn = result.dynamics as TrainingDynamics;
    expect(dyn).not.toBeNull();
    const arrays = [
      dyn.sampleRows,
      dyn.inTraining,
      dyn.labels,
      dyn.probAssigned,
      dyn.margin,
      dyn.loss,
      dyn.correct,
      dyn.lastLayerGradSq,
      dyn.finalProbs,
      dyn.embeddings,
      dyn.classLoss,
    ];
    const e = estimateTrainMemory(TRAIN);
    expect(arrays.reduce((s, a) => s + a.byteLength, 0)).toBe(part(e, 'dynamics'));
    const checkpointBytes = dyn.checkpoints.reduce(
      (s, c) => s + c.weights.reduce((t, w) => t + w.byteLength, 0),
      0,
    );
    expect(checkpointBytes).toBe(part(e, 'checkpoints'));
    const atRest = part(e, 'input-tensors') + (part(e, 'model') * 3) / 4;
    expect(tensorBytes).toBeGreaterThanOrEqual(atRest);
    expect(tensorBytes).toBeLessThanOrEqual(atRest + 64);
    // The estimate's training rows (100 − round(20)) differ from the stratified split by at most one per class.
    expect(Math.abs(result.trainRows.length - 80)).toBeLessThanOrEqual(3);
  });

  it('grows with epochs through the recorded parts only, and with the batch through the batch part', () => {
    const base = estimateTrainMemory(TRAIN);
    const more = estimateTrainMemory({ ...TRAIN, epochs: 4 });
    // Per extra epoch: 100 rows × 17 bytes, 3 class losses, 67 weights, 8 steps × 2 floats, 80 index entries.
    expect(part(more, 'dynamics') - part(base, 'dynamics')).toBe(2 * (1700 + 12));
    expect(part(more, 'checkpoints')).toBe(2 * part(base, 'checkpoints'));
    expect(part(more, 'curves') - part(base, 'curves')).toBe(2 * (64 + 320));
    expect(part(more, 'dataset')).toBe(part(base, 'dataset'));
    const bigBatch = estimateTrainMemory({ ...TRAIN, batchSize: 40 });
    expect(part(bigBatch, 'batch')).toBe(4 * part(base, 'batch'));
    // A batch larger than the training rows is one batch of all of them (the trainer clamps it).
    expect(part(estimateTrainMemory({ ...TRAIN, batchSize: 1000 }), 'batch')).toBe(8 * part(base, 'batch'));
    // SGD with momentum keeps one slot, Adam two.
    expect(part(estimateTrainMemory({ ...TRAIN, optimizer: 'sgd-momentum' }), 'model')).toBe(67 * 4 * 3);
    // Ten times the rows: every row-sized part ten times larger, the model unchanged.
    const tenfold = estimateTrainMemory({ ...TRAIN, rows: 1000, evalBatchSize: 100 });
    expect(part(tenfold, 'dataset')).toBe(10 * part(base, 'dataset'));
    expect(part(tenfold, 'model')).toBe(part(base, 'model'));
    // (the 2 × 3 class losses do not depend on the rows)
    expect(part(tenfold, 'dynamics')).toBe(10 * (part(base, 'dynamics') - 24) + 24);
    expect(tenfold.total).toBeGreaterThan(base.total);
  });
});

describe('estimateScoreMemory', () => {
  it('matches the hand count of a small exact scoring', () => {
    const e = estimateScoreMemory(SCORE);
    expect(part(e, 'dataset')).toBe(1600 + 400);
    expect(part(e, 'run')).toBe(8724 + 536);
    expect(part(e, 'label-probs')).toBe(2 * 100 * 3 * 4);
    // 13 scores, 4 families, suspicion and 2 cartography axes at 4 bytes (80), 4 flags and label issues (5),
    // suggested labels (4): 89 bytes a sample; the class counts 3 × 4.
    expect(part(e, 'scores')).toBe(100 * 89 + 12);
    expect(part(e, 'cv-inputs')).toBe(3200 + 400);
    expect(part(e, 'cv-model')).toBe(1072);
    expect(part(e, 'cv-batch')).toBe(1920);
    expect(part(e, 'cv-eval')).toBe(44_000 + 100 * (17 + 12));
    // candidates [x; ‖x‖²] 9 × 100 as array and tensor; a tile of all 100 rows: queries 2 · 100 · 9 and 100 norms,
    // the 100 × 100 product, topk 4 · 100 · 11; the result 100 · 10 · 2
    expect(part(e, 'knn')).toBe(7200 + (1800 + 100 + 10_000 + 4400) * 4 + 8000);
    // class lists 100 int32; the largest class (all 100 rows by default): 4 · 100 · 8 floats and 100 · 8 PCA points;
    // 3 scatter and whitening matrices 8 × 8 float64, twice
    expect(part(e, 'embedding')).toBe(400 + 12_800 + 3200 + 3072);
    // Balanced classes: the per-class parts follow the largest class.
    expect(part(estimateScoreMemory({ ...SCORE, largestClass: 34 }), 'embedding')).toBe(
      400 + 4 * 34 * 8 * 4 + 34 * 8 * 4 + 3072,
    );
    const held = 2000 + 9260 + 2400 + 8912;
    const cv = 3600 + 1072 + 1920 + 46_900;
    expect(e.total).toBe(held + Math.max(cv, 80_400, 19_472));
  });

  it('counts the whole dataset where the worker gets it, when a retrain left rows out', () => {
    const base = estimateScoreMemory(SCORE);
    const retrain = estimateScoreMemory({ ...SCORE, rows: 80, datasetRows: 100 });
    // The dataset and the fold inputs are the dataset's 100 rows; the run's arrays are its 80.
    expect(part(retrain, 'dataset')).toBe(part(base, 'dataset'));
    expect(part(retrain, 'cv-inputs')).toBe(part(base, 'cv-inputs'));
    expect(part(retrain, 'label-probs')).toBe((100 + 80) * 3 * 4);
    expect(part(retrain, 'scores')).toBe(80 * 89 + 12);
  });

  it('follows knn.ts’s tile rule: tiles of about 4M distances, 16 to 1024 rows', () => {
    expect(defaultKnnTileRows(100)).toBe(1024);
    expect(defaultKnnTileRows(10_000)).toBe(419);
    expect(defaultKnnTileRows(1_000_000)).toBe(16);
    const small = estimateScoreMemory({ ...SCORE, tileRows: 10 });
    expect(part(small, 'knn')).toBeLessThan(part(estimateScoreMemory(SCORE), 'knn'));
  });

  it('makes the approximate search smaller than the exact one on a large set, and folds change nothing', () => {
    const large: ScoreMemoryInput = { ...SCORE, rows: 200_000, features: 64, classes: 10, hidden: [64] };
    const exact = estimateScoreMemory(large);
    const ivf = estimateScoreMemory({ ...large, knnMode: 'ivf' });
    // The exact search's tiles are capped (about 4M distances), so IVF saves the N × d candidate tensors, not more.
    expect(part(ivf, 'knn')).toBeLessThan(part(exact, 'knn'));
    // auto switches above approximateAbove, as score-all.ts does
    expect(part(estimateScoreMemory({ ...large, knnMode: 'auto' }), 'knn')).toBe(part(ivf, 'knn'));
    expect(estimateScoreMemory({ ...large, folds: 10 }).total).toBe(exact.total);
    // more neighbours: a larger result
    expect(part(estimateScoreMemory({ ...large, k: 50 }), 'knn')).toBeGreaterThan(part(exact, 'knn'));
  });

  it('suggests what shrinks the largest parts', () => {
    const large: ScoreMemoryInput = { ...SCORE, rows: 20_000, features: 64, classes: 10, hidden: [64] };
    expect(remediesFor(estimateScoreMemory(large))[0]).toBe('approximate-knn');
    const longRun = estimateTrainMemory({ ...TRAIN, rows: 20_000, features: 64, epochs: 500, hidden: [64] });
    expect(remediesFor(longRun)[0]).toBe('fewer-epochs');
  });
});
