/**
 * How a training run stops and what it then reports (issue 16, nineteenth round): the step, epoch and sentence of a
 * non-finite stop, a cancel inside the recording pass or before the held-out prediction, the batch sizes and the
 * progress numbers under a clock the test sets. The expected values are worked out by hand from the settings, never
 * read back from the trainer.
 *
 * The non-finite runs use Adam with a learning rate of 1e30: its first step moves every weight with a non-zero
 * gradient by about ±1e30 (m̂ / √v̂ = g / |g|), so the second forward pass multiplies two layers of ~1e30 weights and
 * the logits overflow float32 (3.4e38) to ±Infinity, and log-softmax (Infinity − Infinity) gives NaN. The first
 * step's loss, at the initial weights, is finite.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRng } from '../random';
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

afterEach(() => {
  vi.restoreAllMocks();
});

/** Three Gaussian blobs in 4-D, `rows` rows (row r of class r mod 3), seeded. */
function blobs(rows = 180, seed = 3): TrainingData {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const features = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = r % 3;
    for (let f = 0; f < 4; f++) features[r * 4 + f] = (f === labels[r] ? 3 : 0) + gauss();
  }
  return { features, featureCount: 4, labels, classCount: 3 };
}

const small: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  epochs: 3,
  batchSize: 16,
  hidden: [8],
  learningRate: 0.01,
};
/** Adam at 1e30: the second step's loss is NaN (see the file's comment). */
const blowUp: TrainSettings = { ...small, optimizer: 'adam', learningRate: 1e30 };

/** The report of a stop on a NaN loss at `step`, the epoch and batch written from 1 as the analyst reads them. */
const nanLoss = (epoch: number, step: number, where: string) => ({
  epoch,
  step,
  what: 'loss',
  message: `Training stopped at ${where}: the loss is NaN. Try a lower learning rate; results up to the last finished epoch are kept.`,
});
const EVAL_STOP =
  "Training stopped after epoch 1: the model's outputs are no longer finite numbers. Try a lower learning rate.";

const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

describe('a non-finite stop', () => {
  it('stops at the batch whose loss is NaN, naming the epoch and batch from 1', async () => {
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    const res = await trainModel(blobs(), blowUp, {
      onBatch: (b) => batches.push(b),
      onEpoch: (e) => epochs.push(e),
    });
    expect(res.status).toBe('non-finite');
    expect(res.cancelled).toBe(false);
    // Only the first batch (step 0) was finite and reported; step 1 (epoch 0, batch 1) stopped the run.
    expect(batches.map((b) => b.step)).toEqual([0]);
    expect(res.nonFinite).toEqual(nanLoss(0, 1, 'epoch 1, batch 2'));
    expect(epochs).toEqual([]);
    expect(res.epochs).toEqual([]);
    expect(res.dynamics).toBeNull();
  });

  it("counts a later epoch's batch from 1 and the step over the whole run", async () => {
    // A fold of 150 training rows in one batch: step 0 is epoch 0's only batch, step 1 epoch 1's.
    const res = await trainAndPredict(blobs(), range(0, 150), range(150, 180), { ...blowUp, batchSize: 512 });
    expect(res.status).toBe('non-finite');
    expect(res.probabilities).toBeNull();
    expect(res.nonFinite).toEqual(nanLoss(1, 1, 'epoch 2, batch 1'));
    expect(res.epochs.map((e) => e.epoch)).toEqual([0]);
  });

  it("stops after the epoch whose evaluation pass is NaN, at the epoch's last step", async () => {
    // One batch per epoch: the one step is finite, the recording pass after it sees the ~1e30 weights.
    const res = await trainModel(blobs(), { ...blowUp, batchSize: 512 });
    expect(res.status).toBe('non-finite');
    expect(res.nonFinite).toEqual({ epoch: 0, step: 0, what: 'evaluation', message: EVAL_STOP });
    expect(res.epochs).toEqual([]);
    expect(res.dynamics).toBeNull();
  });

  it('stops a fold whose held-out softmax is NaN after its last epoch, reporting that epoch', async () => {
    // One epoch of one step: the fold makes no evaluation pass, so only the held-out prediction sees it.
    const epochs: EpochReport[] = [];
    const res = await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...blowUp, batchSize: 512, epochs: 1 },
      { onEpoch: (e) => epochs.push(e) },
    );
    expect(res.status).toBe('non-finite');
    expect(res.probabilities).toBeNull();
    expect(res.nonFinite).toEqual({ epoch: 0, step: 0, what: 'evaluation', message: EVAL_STOP });
    expect(epochs.map((e) => e.epoch)).toEqual([0]);
    expect(Number.isFinite(epochs[0]?.trainLoss)).toBe(true);
  });
});

describe('a cancel', () => {
  it('inside the recording pass after the last batch drops the epoch', async () => {
    let steps = 0;
    const epochs: EpochReport[] = [];
    // 144 training rows in batches of 16: 9 steps, then the pass, which sees the cancel first.
    const res = await trainModel(
      blobs(),
      { ...small, epochs: 2 },
      {
        onBatch: () => steps++,
        onEpoch: (e) => epochs.push(e),
        shouldStop: () => (steps >= 9 ? 'cancel' : 'continue'),
      },
    );
    expect(steps).toBe(9);
    expect(res.status).toBe('cancelled');
    expect(res.cancelled).toBe(true);
    expect(res.nonFinite).toBeUndefined();
    expect(epochs).toEqual([]);
    expect(res.dynamics).toBeNull();
  });

  it('inside the recording pass of a run without validation rows', async () => {
    let steps = 0;
    const split = { trainRows: range(0, 180), valRows: new Int32Array(0) };
    // 180 rows in batches of 16: ceil(180 / 16) = 12 steps, then the pass sees the cancel.
    const res = await trainModel(
      blobs(),
      small,
      { onBatch: () => steps++, shouldStop: () => (steps >= 12 ? 'cancel' : 'continue') },
      {},
      split,
    );
    expect(steps).toBe(12);
    expect(res.status).toBe('cancelled');
    expect(res.epochs).toEqual([]);
  });

  it('inside the held-out pass after the last batch of a fold gives no held-out softmax', async () => {
    let steps = 0;
    let epochsDone = 0;
    // 150 rows in batches of 16: ceil(150 / 16) = 10 steps an epoch, 3 epochs; a fold of 3 epochs predicts its
    // held-out rows after every epoch, and the last epoch's pass sees the cancel before the epoch reports.
    const res = await trainAndPredict(blobs(), range(0, 150), range(150, 180), small, {
      onBatch: () => steps++,
      onEpoch: () => epochsDone++,
      shouldStop: () => (steps >= 30 ? 'cancel' : 'continue'),
    });
    expect(steps).toBe(30);
    expect(epochsDone).toBe(2);
    expect(res.status).toBe('cancelled');
    expect(res.probabilities).toBeNull();
    expect(res.nonFinite).toBeUndefined();
  });

  it('only on "cancel": "continue" trains every batch', async () => {
    let steps = 0;
    const res = await trainModel(
      blobs(),
      { ...small, epochs: 1 },
      {
        onBatch: () => steps++,
        shouldStop: () => 'continue',
      },
    );
    expect(res.status).toBe('completed');
    expect(res.cancelled).toBe(false);
    expect(steps).toBe(9);
  });
});

describe('batches and progress numbers', () => {
  it('splits 150 rows into ten batches of 15, each row once per epoch', async () => {
    const batches: BatchReport[] = [];
    const res = await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...small, epochs: 2 },
      {
        onBatch: (b) => batches.push(b),
      },
    );
    expect(res.status).toBe('completed');
    // ceil(150 / 16) = 10 steps; rows floor(b·150/10) .. floor((b+1)·150/10): 15 each.
    expect(batches.map((b) => b.sampleRows.length)).toEqual(new Array(20).fill(15));
    expect(batches.map((b) => b.batch)).toEqual([...range(0, 10), ...range(0, 10)]);
    expect(batches.map((b) => b.epoch)).toEqual([...new Array(10).fill(0), ...new Array(10).fill(1)]);
    expect(batches.map((b) => b.step)).toEqual(Array.from(range(0, 20)));
    expect(batches.every((b) => b.totalSteps === 20)).toBe(true);
    for (const epoch of [0, 1]) {
      const seen = batches.filter((b) => b.epoch === epoch).flatMap((b) => Array.from(b.sampleRows));
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from(range(0, 150)));
    }
  });

  it('caps the batch at the training rows: one step per epoch', async () => {
    const batches: BatchReport[] = [];
    await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...small, batchSize: 1000 },
      {
        onBatch: (b) => batches.push(b),
      },
    );
    expect(batches.map((b) => b.sampleRows.length)).toEqual([150, 150, 150]);
    expect(batches.map((b) => b.totalSteps)).toEqual([3, 3, 3]);
  });

  it('reports rows per second and elapsed time by the clock', async () => {
    // The clock moves only when the test moves it: 2 s before every batch.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    const res = await trainModel(
      blobs(),
      { ...small, epochs: 2 },
      {
        onBatch: (b) => batches.push(b),
        onEpoch: (e) => epochs.push(e),
        waitWhilePaused: async () => {
          now += 2000;
        },
      },
    );
    expect(res.status).toBe('completed');
    // Batch b of an epoch: 16(b+1) rows done in 2(b+1) s of that epoch, 8 rows a second.
    expect(batches.map((b) => b.samplesPerSecond)).toEqual(new Array(18).fill(8));
    // Nine batches of 2 s an epoch, counted from the start of the run.
    expect(epochs.map((e) => e.elapsedMs)).toEqual([18000, 36000]);
    expect(res.elapsedMs).toBe(36000);
  });

  it("times a fold's epochs from the start of the run, on a clock that did not start at 0", async () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...small, epochs: 2 },
      {
        onBatch: (b) => batches.push(b),
        onEpoch: (e) => epochs.push(e),
        waitWhilePaused: async () => {
          now += 2000;
        },
      },
    );
    // Ten batches of 15 rows an epoch, 2 s each: 7.5 rows a second, 20 s an epoch.
    expect(batches.map((b) => b.samplesPerSecond)).toEqual(new Array(20).fill(7.5));
    expect(epochs.map((e) => e.elapsedMs)).toEqual([20000, 40000]);
  });

  it('reports 0 rows a second while no time has passed', async () => {
    vi.spyOn(performance, 'now').mockImplementation(() => 5);
    const batches: BatchReport[] = [];
    const res = await trainModel(blobs(), { ...small, epochs: 1 }, { onBatch: (b) => batches.push(b) });
    expect(batches.map((b) => b.samplesPerSecond)).toEqual(new Array(9).fill(0));
    expect(res.epochs[0]?.elapsedMs).toBe(0);
    expect(res.elapsedMs).toBe(0);
  });
});

describe('what a run reports besides its batches', () => {
  it('polls shouldStop before every batch and every chunk of evalBatchSize rows of a pass', async () => {
    let calls = 0;
    const count = () => {
      calls++;
      return 'continue' as const;
    };
    // 9 batches, then one pass over all 180 rows: one chunk by default (at least 1024 rows), 4 of 50 rows.
    await trainModel(blobs(), { ...small, epochs: 1 }, { shouldStop: count });
    expect(calls).toBe(9 + 1);
    calls = 0;
    await trainModel(blobs(), { ...small, epochs: 1 }, { shouldStop: count }, { evalBatchSize: 50 });
    expect(calls).toBe(9 + 4);
    // A fold: 10 batches of 150 rows, no pass per epoch, then its 30 held-out rows in chunks of 7: 5.
    calls = 0;
    await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...small, epochs: 1 },
      { shouldStop: count },
      {
        evalBatchSize: 7,
      },
    );
    expect(calls).toBe(10 + 5);
  });

  it("gives a fold's epochs no evaluation numbers: NaN but the batch loss and the learning rate", async () => {
    const epochs: EpochReport[] = [];
    await trainAndPredict(
      blobs(),
      range(0, 150),
      range(150, 180),
      { ...small, epochs: 1 },
      {
        onEpoch: (e) => epochs.push(e),
      },
    );
    expect(epochs).toHaveLength(1);
    const e = epochs[0] as EpochReport;
    expect([e.trainAccuracy, e.valLoss, e.valAccuracy]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(e.classLoss)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(e.classMedianLoss)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(e.classMedianLoss).not.toBe(e.classLoss);
    expect(e.learningRate).toBe(0.01);
    expect(Number.isFinite(e.trainLoss)).toBe(true);
  });

  it('trains on a given split without validation rows: every row in training, no validation numbers', async () => {
    const split = { trainRows: range(0, 180), valRows: new Int32Array(0) };
    const res = await trainModel(blobs(), { ...small, epochs: 2 }, {}, {}, split);
    expect(res.status).toBe('completed');
    expect(res.trainRows).toBe(split.trainRows);
    expect(res.valRows).toBe(split.valRows);
    expect(res.epochs.map((e) => [e.epoch, e.valLoss, e.valAccuracy])).toEqual([
      [0, Number.NaN, Number.NaN],
      [1, Number.NaN, Number.NaN],
    ]);
    // A recording run still evaluates its training rows and records both epochs.
    for (const e of res.epochs) expect(e.trainAccuracy).toBeGreaterThan(0);
    expect(res.dynamics?.epochs).toBe(2);
    expect(Array.from(res.dynamics?.inTraining ?? [])).toEqual(new Array(180).fill(1));
  });

  it('rejects a split without training rows', async () => {
    const split = { trainRows: new Int32Array(0), valRows: range(0, 180) };
    await expect(trainModel(blobs(), small, {}, {}, split)).rejects.toThrow('There are no training rows.');
  });

  it("reports each class's mean and median loss over its training rows, as recorded", async () => {
    const res = await trainModel(blobs(), { ...small, epochs: 1 });
    const d = res.dynamics;
    if (!d) throw new Error('no dynamics');
    const e = res.epochs[0] as EpochReport;
    for (let y = 0; y < 3; y++) {
      const mine = Array.from(res.trainRows)
        .filter((r) => r % 3 === y)
        .map((r) => d.loss[r] as number)
        .sort((a, b) => a - b);
      // 48 training rows a class (144 stratified): the median is the mean of the 24th and 25th.
      expect(mine).toHaveLength(48);
      expect(e.classLoss[y]).toBeCloseTo(mine.reduce((a, b) => a + b, 0) / 48, 5);
      expect(e.classMedianLoss[y]).toBeCloseTo(((mine[23] as number) + (mine[24] as number)) / 2, 5);
    }
  });

  it("returns a copy of the settings it ran with, and its model's spec", async () => {
    const settings = { ...small, epochs: 1, hidden: [5] };
    const res = await trainModel(blobs(), settings);
    expect(res.settings).toEqual(settings);
    expect(res.settings.hidden).not.toBe(settings.hidden);
    expect(res.modelSpec).toEqual({ kind: 'mlp', featureCount: 4, classCount: 3, hidden: [5] });
    // Standardised with the training rows' means only (a plain Float64 mean here).
    const data = blobs();
    for (let f = 0; f < 4; f++) {
      let sum = 0;
      for (const r of res.trainRows) sum += data.features[r * 4 + f] as number;
      expect(res.standardization.mean[f]).toBeCloseTo(sum / res.trainRows.length, 5);
    }
  });
});
