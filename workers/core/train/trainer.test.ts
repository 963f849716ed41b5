import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { checkpointOutputs } from './checkpoint';
import { crossValidatedProbabilities } from './crossval';
import {
  type BatchReport,
  DEFAULT_TRAIN_SETTINGS,
  type EpochReport,
  trainAndPredict,
  trainModel,
} from './trainer';
import type { TrainingData, TrainSettings } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Three Gaussian blobs in 4-D, 60 rows each (row order interleaved), seeded. */
function blobs(seed = 3): TrainingData {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = [
    [3, 0, 0, 10],
    [0, 3, 0, 10],
    [0, 0, 3, 10],
  ];
  const rows = 180;
  const features = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = r % 3;
    labels[r] = y;
    for (let f = 0; f < 4; f++) features[r * 4 + f] = centres[y][f] + gauss();
  }
  return { features, featureCount: 4, labels, classCount: 3 };
}

const small: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  epochs: 4,
  batchSize: 16,
  hidden: [8],
  learningRate: 0.01,
};

describe('trainModel', () => {
  it('records E × N dynamics with consistent shapes and values', async () => {
    const data = blobs();
    const epochs: EpochReport[] = [];
    const batches: BatchReport[] = [];
    const res = await trainModel(data, small, {
      onEpoch: (e) => epochs.push(e),
      onBatch: (b) => batches.push(b),
    });
    expect(res.status).toBe('completed');
    const d = res.dynamics;
    expect(d).not.toBeNull();
    if (!d) return;
    const n = 180; // every row is recorded: 144 training rows and 36 held out (20% stratified validation)
    const e = 4;
    expect(res.trainRows.length).toBe(144);
    expect(res.valRows.length).toBe(36);
    expect(d.samples).toBe(n);
    expect(d.epochs).toBe(e);
    expect(Array.from(d.sampleRows)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Array.from(d.labels)).toEqual(Array.from(data.labels));
    expect(d.inTraining.length).toBe(n);
    for (const r of res.trainRows) expect(d.inTraining[r]).toBe(1);
    for (const r of res.valRows) expect(d.inTraining[r]).toBe(0);
    for (const a of [d.probAssigned, d.margin, d.loss, d.correct, d.lastLayerGradSq])
      expect(a.length).toBe(e * n);
    expect(d.finalProbs.length).toBe(n * 3);
    expect(d.embeddingDim).toBe(8);
    expect(d.embeddings.length).toBe(n * 8);
    expect(d.classLoss.length).toBe(e * 3);
    expect(d.checkpoints.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    expect(d.checkpoints[0].shapes).toEqual([[4, 8], [8], [8, 3], [3]]);
    expect(d.checkpoints[0].learningRate).toBe(small.learningRate);

    // Internal consistency: loss = -log p[y]; the last block of probAssigned is finalProbs[y].
    for (let i = 0; i < n; i += 17) {
      const at = (e - 1) * n + i;
      expect(d.loss[at]).toBeCloseTo(-Math.log(d.probAssigned[at]), 4);
      expect(d.probAssigned[at]).toBeCloseTo(d.finalProbs[i * 3 + d.labels[i]], 6);
      const rowSum = d.finalProbs[i * 3] + d.finalProbs[i * 3 + 1] + d.finalProbs[i * 3 + 2];
      expect(rowSum).toBeCloseTo(1, 5);
    }
    // The epoch report's train loss is the mean of the recorded block's training rows, its validation loss the
    // mean of the held-out rows.
    const last = d.loss.subarray((e - 1) * n);
    const meanOf = (rows: Int32Array) =>
      Array.from(rows, (r) => last[r]).reduce((s, v) => s + v, 0) / rows.length;
    expect(epochs[e - 1].trainLoss).toBeCloseTo(meanOf(res.trainRows), 5);
    expect(epochs[e - 1].valLoss).toBeCloseTo(meanOf(res.valRows), 5);
    expect(epochs.map((r) => r.epoch)).toEqual([0, 1, 2, 3]);

    // Batches: 9 of 16 rows per epoch, every training row exactly once per epoch.
    expect(batches.length).toBe(9 * e);
    expect(batches[batches.length - 1].step).toBe(9 * e - 1);
    expect(batches[0].totalSteps).toBe(9 * e);
    const seen = batches.filter((b) => b.epoch === 1).flatMap((b) => Array.from(b.sampleRows));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from(res.trainRows));
    expect(batches.every((b) => b.gradNorm > 0 && Number.isFinite(b.loss))).toBe(true);

    // Blobs are separable: it learns.
    expect(epochs[e - 1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(epochs[e - 1].valAccuracy).toBeGreaterThan(0.9);
  });

  it('same seed → identical curves and dynamics; another seed → different', async () => {
    const data = blobs();
    const run = async (seed: number) => {
      const losses: number[] = [];
      const res = await trainModel(
        data,
        { ...small, epochs: 2, seed },
        { onBatch: (b) => losses.push(b.loss) },
      );
      return { losses, res };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.losses).toEqual(b.losses);
    expect(a.res.epochs.map((e) => e.valLoss)).toEqual(b.res.epochs.map((e) => e.valLoss));
    expect(a.res.dynamics?.margin).toEqual(b.res.dynamics?.margin);
    expect(a.res.dynamics?.checkpoints[1].weights).toEqual(b.res.dynamics?.checkpoints[1].weights);
    expect(a.losses).not.toEqual(c.losses);
    expect(a.res.valRows).not.toEqual(c.res.valRows);
  });

  it('frees every tensor after a full run and after a cancel mid-epoch', async () => {
    const data = blobs();
    const before = tf.memory().numTensors;
    await trainModel(data, { ...small, epochs: 2 });
    expect(tf.memory().numTensors).toBe(before);
    await trainModel(data, { ...small, epochs: 2, optimizer: 'sgd-momentum' });
    expect(tf.memory().numTensors).toBe(before);

    // Cancel in the middle of the second epoch: the first epoch's dynamics are kept.
    let steps = 0;
    const res = await trainModel(data, small, {
      onBatch: () => steps++,
      shouldStop: () => (steps >= 13 ? 'cancel' : 'continue'),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('cancelled');
    expect(res.cancelled).toBe(true);
    expect(steps).toBe(13);
    expect(res.epochs.length).toBe(1);
    expect(res.dynamics?.epochs).toBe(1);
    expect(res.dynamics?.loss.length).toBe(180);
    expect(res.dynamics?.classLoss.length).toBe(3);
    expect(res.dynamics?.checkpoints.length).toBe(1);

    // Cancel before any epoch finished: nothing recorded, nothing leaked.
    const early = await trainModel(data, small, { shouldStop: () => 'cancel' });
    expect(early.dynamics).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pauses between batches until waitWhilePaused resolves', async () => {
    const data = blobs();
    let steps = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const run = trainModel(
      data,
      { ...small, epochs: 1 },
      {
        onBatch: () => steps++,
        waitWhilePaused: () => (steps >= 3 ? gate : Promise.resolve()),
      },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(steps).toBe(3);
    release();
    const res = await run;
    expect(res.status).toBe('completed');
    expect(steps).toBe(9);
  });

  it('stops with a clear reason on a non-finite loss, keeping finished epochs and freeing tensors', async () => {
    const data = blobs();
    const before = tf.memory().numTensors;
    const res = await trainModel(data, {
      ...small,
      epochs: 30,
      optimizer: 'sgd-momentum',
      learningRate: 1e12,
    });
    expect(res.status).toBe('non-finite');
    expect(res.cancelled).toBe(false);
    expect(res.nonFinite?.what).toMatch(/^(loss|gradient|weights|evaluation)$/);
    expect(res.nonFinite?.message).toMatch(/lower learning rate/);
    expect(res.epochs.length).toBeLessThan(30);
    expect(res.dynamics?.epochs ?? 0).toBe(res.epochs.length);
    for (const c of res.dynamics?.checkpoints ?? [])
      for (const w of c.weights) expect(w.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a checkpoint turns back into the recorded outputs', async () => {
    const data = blobs();
    const res = await trainModel(data, { ...small, epochs: 2 });
    const d = res.dynamics;
    if (!d?.modelSpec || !d.standardization) throw new Error('dynamics lack the model spec');
    const before = tf.memory().numTensors;
    const out = await checkpointOutputs(
      d.modelSpec,
      d.standardization,
      d.checkpoints[1],
      data.features,
      d.sampleRows,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(out.embeddingDim).toBe(8);
    for (let i = 0; i < d.finalProbs.length; i++) expect(out.probs[i]).toBeCloseTo(d.finalProbs[i], 5);
    for (let i = 0; i < d.embeddings.length; i++) expect(out.embeddings[i]).toBeCloseTo(d.embeddings[i], 4);
    // The first checkpoint differs from the last: outputs really come from the given weights.
    const first = await checkpointOutputs(
      d.modelSpec,
      d.standardization,
      d.checkpoints[0],
      data.features,
      d.sampleRows,
    );
    expect(first.probs).not.toEqual(out.probs);
  });

  it('trains the CNN on image-shaped data', async () => {
    // 8×8 images: class 0 a vertical bar, class 1 a horizontal bar, at random positions, with noise.
    const rng = createRng(4);
    const rows = 40;
    const features = new Float32Array(rows * 64);
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const y = r % 2;
      labels[r] = y;
      const at = 1 + rng.int(6);
      for (let k = 0; k < 64; k++) features[r * 64 + k] = rng.next() * 0.3;
      for (let t = 1; t < 7; t++) features[r * 64 + (y ? at * 8 + t : t * 8 + at)] += 1;
    }
    const data: TrainingData = {
      features,
      featureCount: 64,
      labels,
      classCount: 2,
      image: { width: 8, height: 8 },
    };
    const before = tf.memory().numTensors;
    const res = await trainModel(data, {
      ...small,
      model: 'cnn',
      hidden: [16],
      epochs: 3,
      learningRate: 0.01,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.dynamics?.modelSpec?.kind).toBe('cnn');
    expect(res.dynamics?.embeddingDim).toBe(16);
    // conv(k, b) ×2, dense(k, b) ×2
    expect(res.dynamics?.checkpoints[0].shapes).toEqual([
      [3, 3, 1, 16],
      [16],
      [3, 3, 16, 32],
      [32],
      [128, 16],
      [16],
      [16, 2],
      [2],
    ]);
    expect(res.epochs[res.epochs.length - 1].trainAccuracy).toBeGreaterThan(0.9);
  });

  it('rejects settings and data that cannot train, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    await expect(trainModel(blobs(), { ...small, epochs: 0 })).rejects.toThrow(/epochs must be ≥ 1/);
    await expect(trainModel(blobs(), { ...small, learningRate: -1 })).rejects.toThrow(/learning rate/);
    await expect(trainModel(blobs(), { ...small, model: 'cnn' })).rejects.toThrow(/CNN needs image data/);
    await expect(trainModel(blobs(), { ...small, hidden: [] })).rejects.toThrow(/Hidden sizes/);
    const short = { ...blobs(), features: new Float32Array(10) };
    await expect(trainModel(short, small)).rejects.toThrow(/10 feature values for 180 rows × 4 features/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainAndPredict (a cross-validation fold)', () => {
  const train = Int32Array.from({ length: 150 }, (_, i) => i);
  const held = Int32Array.from({ length: 30 }, (_, i) => 150 + i);

  it("reports each epoch's mean batch loss, without an evaluation pass", async () => {
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    const res = await trainAndPredict(blobs(), train, held, small, {
      onBatch: (b) => batches.push(b),
      onEpoch: (e) => epochs.push(e),
    });
    expect(res.status).toBe('completed');
    expect(res.probabilities).toHaveLength(30 * 3);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    for (const e of epochs) {
      const mine = batches.filter((b) => b.epoch === e.epoch).map((b) => b.loss);
      expect(mine.length).toBe(Math.ceil(150 / small.batchSize));
      expect(e.trainLoss).toBeCloseTo(mine.reduce((a, b) => a + b, 0) / mine.length, 6);
      expect(e.trainAccuracy).toBeNaN();
      expect(e.classLoss).toHaveLength(3);
    }
    expect(epochs[3]?.trainLoss).toBeLessThan(epochs[0]?.trainLoss ?? 0);
  });

  it('stops as non-finite with no predictions when the learning rate blows up, freeing tensors', async () => {
    const before = tf.memory().numTensors;
    const res = await trainAndPredict(blobs(), train, held, {
      ...small,
      epochs: 30,
      optimizer: 'sgd-momentum',
      learningRate: 1e12,
    });
    expect(res.status).toBe('non-finite');
    expect(res.nonFinite?.message).toMatch(/lower learning rate/);
    expect(res.probabilities).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('crossValidatedProbabilities', () => {
  it('gives out-of-fold softmax for every row, stratified folds, and frees tensors', async () => {
    const data = blobs();
    const before = tf.memory().numTensors;
    const folds: number[] = [];
    const res = await crossValidatedProbabilities(data, { ...small, epochs: 10 }, 3, {
      onFoldsDone: (done) => folds.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('completed');
    expect(folds).toEqual([0, 1, 2, 3]);
    expect(res.foldsDone).toBe(3);
    expect(res.probabilities.length).toBe(180 * 3);
    let correct = 0;
    for (let r = 0; r < 180; r++) {
      const p = Array.from(res.probabilities.subarray(r * 3, r * 3 + 3));
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (p.indexOf(Math.max(...p)) === data.labels[r]) correct++;
    }
    expect(correct / 180).toBeGreaterThan(0.9);
    for (let f = 0; f < 3; f++) expect(res.folds.filter((v) => v === f).length).toBe(60);
  });

  it('stops on cancel, keeping the finished folds', async () => {
    const data = blobs();
    const before = tf.memory().numTensors;
    let foldsDone = 0;
    const res = await crossValidatedProbabilities(data, { ...small, epochs: 2 }, 3, {
      onFoldsDone: (done) => {
        foldsDone = done;
      },
      shouldStop: () => (foldsDone >= 1 ? 'cancel' : 'continue'),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('cancelled');
    expect(res.foldsDone).toBe(1);
    for (let r = 0; r < 180; r++) {
      expect(Number.isNaN(res.probabilities[r * 3])).toBe(res.folds[r] !== 0);
    }
  });
});
