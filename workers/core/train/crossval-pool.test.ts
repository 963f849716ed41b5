/**
 * Cross-validation through a fold pool, and a checkpoint's outputs for a few rows (issue 16, nineteenth round). The
 * pool here is a fake that trains nothing: each held-out row's "softmax" is (its row number, its fold, 1), so where a
 * value lands in the merged array shows which fold wrote it and for which row, without any training.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { checkpointOutputs } from './checkpoint';
import { crossValidatedProbabilities, type FoldPool } from './crossval';
import type { FoldOutcome, FoldTask } from './fold-pool';
import { DEFAULT_TRAIN_SETTINGS, type EpochReport, trainModel } from './trainer';
import type { TrainingData, TrainSettings } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 60 rows of three classes (row r of class r mod 3), 4 features. */
function blobs(rows = 60, seed = 5): TrainingData {
  const rng = createRng(seed);
  const features = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = r % 3;
    for (let f = 0; f < 4; f++) features[r * 4 + f] = (f === labels[r] ? 3 : 0) + rng.next();
  }
  return { features, featureCount: 4, labels, classCount: 3 };
}

const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 2, batchSize: 16, hidden: [8] };

const epochReport = (epoch: number): EpochReport => ({
  epoch,
  trainLoss: 1,
  trainAccuracy: Number.NaN,
  valLoss: Number.NaN,
  valAccuracy: Number.NaN,
  classLoss: new Float32Array(3),
  classMedianLoss: new Float32Array(3),
  learningRate: 0.01,
  elapsedMs: 0,
});

interface FakeOptions {
  size: number;
  /** Epochs each fold reports as it starts. */
  epochs?: number[];
  /** How long fold f takes, ms. */
  delay?: (fold: number) => number;
  /** What fold f ends with other than completed. */
  stop?: (fold: number) => FoldOutcome | null;
  /** Poll `cancelled` at the end of the fold and give it up when true. */
  polls?: boolean;
}

function fakePool(o: FakeOptions) {
  const log = { started: [] as number[], inFlight: 0, most: 0, settings: [] as TrainSettings[] };
  const pool: FoldPool = {
    size: o.size,
    async runFold(_data, s, task: FoldTask, onEpoch, cancelled): Promise<FoldOutcome> {
      log.started.push(task.fold);
      log.settings.push(s);
      log.inFlight++;
      log.most = Math.max(log.most, log.inFlight);
      for (const e of o.epochs ?? []) onEpoch(epochReport(e));
      await new Promise((r) => setTimeout(r, o.delay?.(task.fold) ?? 5));
      log.inFlight--;
      if (o.polls && cancelled()) return { status: 'cancelled', probabilities: null };
      const stopped = o.stop?.(task.fold);
      if (stopped) return stopped;
      const p = new Float32Array(task.heldRows.length * 3);
      for (let j = 0; j < task.heldRows.length; j++) p.set([task.heldRows[j] as number, task.fold, 1], j * 3);
      return { status: 'completed', probabilities: p };
    },
  };
  return { pool, log };
}

describe('crossValidatedProbabilities through a pool', () => {
  it('runs five folds by default, size at a time, and puts each fold’s softmax on its held-out rows', async () => {
    const { pool, log } = fakePool({ size: 2 });
    const done: [number, number][] = [];
    const res = await crossValidatedProbabilities(blobs(), settings, undefined, {
      pool,
      onFoldsDone: (d, k) => done.push([d, k]),
    });
    expect(res.status).toBe('completed');
    expect(res.foldsDone).toBe(5);
    expect(done).toEqual([
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(log.started.slice().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(log.most).toBe(2);
    // The pool gets the run's settings; the fold's seed travels in its task.
    for (const s of log.settings) expect(s).toBe(settings);
    // Stratified: 20 rows of each class, 4 of each in every fold.
    for (let f = 0; f < 5; f++) {
      for (let y = 0; y < 3; y++) {
        expect(Array.from(res.folds).filter((v, r) => v === f && r % 3 === y)).toHaveLength(4);
      }
    }
    for (let r = 0; r < 60; r++) {
      expect(Array.from(res.probabilities.subarray(r * 3, r * 3 + 3))).toEqual([r, res.folds[r], 1]);
    }
  });

  it('passes on only epochs further than any passed since the last fold finished', async () => {
    // Fold 1 takes longest; every other fold starts right after one finished. Each fold reports 0, 2, 1, 3 at its
    // start: 1 is never further than 2. Fold 1 starts beside fold 0, after fold 0 reported 3: nothing of it passes.
    const { pool } = fakePool({ size: 2, epochs: [0, 2, 1, 3], delay: (f) => (f === 1 ? 60 : 5) });
    const passed: number[] = [];
    const res = await crossValidatedProbabilities(blobs(), settings, 5, {
      pool,
      onEpoch: (e) => passed.push(e.epoch),
    });
    expect(res.status).toBe('completed');
    expect(passed).toEqual([0, 2, 3, 0, 2, 3, 0, 2, 3, 0, 2, 3]);
  });

  it('lets the pool poll the cancel, and starts no fold once it is asked', async () => {
    let foldsDone = 0;
    const polled: boolean[] = [];
    const { pool, log } = fakePool({ size: 2, polls: true, delay: (f) => (f === 1 ? 40 : 5) });
    const watching: FoldPool = {
      size: pool.size,
      runFold: (d, s, t, onEpoch, cancelled) =>
        pool.runFold(d, s, t, onEpoch, () => {
          const c = cancelled();
          polled.push(c);
          return c;
        }),
    };
    const res = await crossValidatedProbabilities(blobs(), settings, 5, {
      pool: watching,
      onFoldsDone: (d) => {
        foldsDone = d;
      },
      shouldStop: () => (foldsDone >= 1 ? 'cancel' : 'continue'),
    });
    // Fold 0 finished before the cancel; fold 1, in flight, polled it and gave up; fold 2 was never handed over.
    expect(log.started).toEqual([0, 1]);
    expect(polled).toEqual([false, true]);
    expect(res.status).toBe('cancelled');
    expect(res.foldsDone).toBe(1);
    for (let r = 0; r < 60; r++) expect(Number.isNaN(res.probabilities[r * 3])).toBe(res.folds[r] !== 0);
  });

  it('counts no fold that stopped, and reports its stop', async () => {
    const nonFinite = { epoch: 1, step: 7, what: 'loss' as const, message: 'stopped' };
    // Folds 0, 1 and 2 start together; fold 2 stops first, so no further fold starts; 0 and 1 complete after it.
    const { pool, log } = fakePool({
      size: 3,
      delay: (f) => (f === 2 ? 1 : 30),
      stop: (f) => (f === 2 ? { status: 'non-finite', nonFinite, probabilities: null } : null),
    });
    const done: number[] = [];
    const res = await crossValidatedProbabilities(blobs(), settings, 5, {
      pool,
      onFoldsDone: (d) => done.push(d),
    });
    expect(res.status).toBe('non-finite');
    expect(res.nonFinite).toEqual(nonFinite);
    expect(res.foldsDone).toBe(2);
    expect(log.started).toEqual([0, 1, 2]);
    expect(done).toEqual([0, 1, 2]);
  });

  it('needs neither onEpoch nor shouldStop when the pool reports epochs and polls', async () => {
    const { pool } = fakePool({ size: 2, epochs: [0, 1], polls: true });
    const res = await crossValidatedProbabilities(blobs(), settings, 3, { pool });
    expect(res.status).toBe('completed');
    expect(res.foldsDone).toBe(3);
  });

  it('trains here, not in a pool of size 1', async () => {
    const { pool, log } = fakePool({ size: 1 });
    const res = await crossValidatedProbabilities(blobs(), settings, 3, { pool });
    expect(log.started).toEqual([]);
    expect(res.status).toBe('completed');
    expect(res.foldsDone).toBe(3);
    for (let r = 0; r < 60; r++) {
      const p = res.probabilities.subarray(r * 3, r * 3 + 3);
      expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
    }
  });
});

describe('checkpointOutputs', () => {
  it('gives the recorded softmax and embeddings of a few rows in the order asked, in small chunks', async () => {
    const data = blobs();
    const res = await trainModel(data, { ...settings, learningRate: 0.01 });
    const d = res.dynamics;
    if (!d?.modelSpec || !d.standardization) throw new Error('dynamics lack the model spec');
    const rows = Int32Array.from([47, 2, 31]);
    const before = tf.memory().numTensors;
    const out = await checkpointOutputs(
      d.modelSpec,
      d.standardization,
      d.checkpoints[1],
      data.features,
      rows,
      2,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(out.probs).toHaveLength(9);
    expect(out.embeddings).toHaveLength(3 * 8);
    rows.forEach((r, j) => {
      for (let c = 0; c < 3; c++) expect(out.probs[j * 3 + c]).toBeCloseTo(d.finalProbs[r * 3 + c], 5);
      for (let h = 0; h < 8; h++) expect(out.embeddings[j * 8 + h]).toBeCloseTo(d.embeddings[r * 8 + h], 4);
    });
  });
});
