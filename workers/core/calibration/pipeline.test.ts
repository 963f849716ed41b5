/**
 * The scoring pipeline as one call (pipeline.ts), on the CPU backend with small blobs: the hooks it forwards, its
 * timings, the fold pool it passes on, and each way it stops (cancelled in training, in cross-validation or after it, in
 * scoring; a training that diverges at once or after recording epochs, a fold that diverges).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScoringCancelledError } from '../scores/hooks';
import type { FoldPool } from '../train/crossval';
import { trainAndPredict } from '../train/trainer';
import { crossValAndScore, type PipelineHooks, runPipeline } from './pipeline';
import { BLOB_SETTINGS, blobs } from './test-blobs';

const SETTINGS = { ...BLOB_SETTINGS, epochs: 2 };
const PLAN = { folds: 2, epochs: 1 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A learning rate so large that Adam's first steps send the weights, then the loss, past float32. */
const DIVERGING = { ...SETTINGS, learningRate: 1e38 };

describe('runPipeline', () => {
  it('trains, cross-validates and scores, forwarding every hook, with each stage timed within the call', async () => {
    const calls = { epochs: 0, foldEpochs: 0, folds: [] as string[], progress: 0, between: 0 };
    const hooks: PipelineHooks = {
      onEpoch: () => calls.epochs++,
      onFoldEpoch: () => calls.foldEpochs++,
      onFoldsDone: (done, folds) => calls.folds.push(`${done}/${folds}`),
      onScoreProgress: () => calls.progress++,
      between: async () => {
        calls.between++;
      },
      cancelled: () => false,
    };
    const start = performance.now();
    const out = await runPipeline(blobs(240, 0, 1), SETTINGS, PLAN, { seed: 3 }, hooks);
    const elapsed = performance.now() - start;
    if (out.kind !== 'done') throw new Error(`pipeline ${out.kind}`);
    expect(out.run?.status).toBe('completed');
    expect(out.oofProbs).toHaveLength(240 * 3);
    expect(out.scoreSet.scores.aum).toHaveLength(240);
    expect(calls.epochs).toBe(2);
    expect(calls.foldEpochs).toBe(2);
    expect(calls.folds).toEqual(['0/2', '1/2', '2/2']);
    expect(calls.progress).toBeGreaterThan(0);
    expect(calls.between).toBeGreaterThan(0);
    for (const stage of ['train', 'crossVal', 'score']) {
      expect(out.timings[stage]).toBeGreaterThan(0);
      expect(out.timings[stage]).toBeLessThan(elapsed);
    }
    expect(out.timings.train + out.timings.crossVal + out.timings.score).toBeLessThanOrEqual(elapsed);
  });

  it('stops when cancelled during training, keeping the run, before any fold', async () => {
    let epochs = 0;
    const folds: number[] = [];
    const out = await runPipeline(
      blobs(240, 0, 1),
      { ...SETTINGS, epochs: 4 },
      PLAN,
      {},
      {
        onEpoch: () => epochs++,
        onFoldsDone: (done) => folds.push(done),
        cancelled: () => epochs >= 1,
      },
    );
    expect(out.kind).toBe('cancelled');
    expect(out.run?.status).toBe('cancelled');
    expect(epochs).toBeLessThan(4);
    expect(folds).toEqual([]);
  });

  it('stops when cancelled during cross-validation, or once it has finished, before scoring', async () => {
    for (const at of [1, 2]) {
      let stop = false;
      let progress = 0;
      const out = await runPipeline(
        blobs(240, 0, 1),
        SETTINGS,
        PLAN,
        {},
        {
          onFoldsDone: (done) => {
            if (done >= at) stop = true;
          },
          onScoreProgress: () => progress++,
          cancelled: () => stop,
        },
      );
      expect(out.kind).toBe('cancelled');
      expect(out.run?.status).toBe('completed');
      expect(progress).toBe(0);
    }
  });

  it('passes the cancel on to scoring, which throws ScoringCancelledError at its next step', async () => {
    let progress = 0;
    const run = runPipeline(
      blobs(240, 0, 1),
      SETTINGS,
      PLAN,
      {},
      {
        onScoreProgress: () => progress++,
        cancelled: () => progress > 0,
      },
    );
    await expect(run).rejects.toBeInstanceOf(ScoringCancelledError);
    expect(progress).toBeGreaterThan(0);
  });

  it('fails with the trainer’s message when its loss stops being finite, and starts no fold', async () => {
    const folds: number[] = [];
    const out = await runPipeline(
      blobs(240, 0, 1),
      DIVERGING,
      PLAN,
      {},
      { onFoldsDone: (d) => folds.push(d) },
    );
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') throw new Error(out.kind);
    expect(out.message).toMatch(/^Training stopped (at|after) epoch 1\b.*Try a lower learning rate/);
    expect(out.run?.status).toBe('non-finite');
    expect(folds).toEqual([]);
  });

  it('fails, starting no fold, when training diverges after it has recorded epochs', async () => {
    // SGD with momentum at learning rate 300 grows the weights step by step: on these blobs the loss leaves float32
    // in the third epoch, after two epochs were recorded (measured on the CPU backend; 10 completes, 1e4 diverges in
    // the first epoch). The run has dynamics, and the pipeline still stops with the trainer's message.
    const folds: number[] = [];
    const settings = { ...SETTINGS, epochs: 6, optimizer: 'sgd-momentum' as const, learningRate: 300 };
    const out = await runPipeline(
      blobs(240, 0, 1),
      settings,
      PLAN,
      {},
      { onFoldsDone: (d) => folds.push(d) },
    );
    expect(out.run?.status).toBe('non-finite');
    expect(out.run?.dynamics).toBeDefined();
    expect(out.run?.nonFinite?.epoch).toBeGreaterThan(0);
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') throw new Error(out.kind);
    expect(out.message).toBe(out.run?.nonFinite?.message);
    expect(out.message).toMatch(/^Training stopped at epoch [2-6], batch \d+: .*Try a lower learning rate/);
    expect(folds).toEqual([]);
  });
});

describe('runPipeline with a fold pool', () => {
  it('runs the cross-validation folds through the pool it is given', async () => {
    // An in-process pool of size 2 that trains each fold as a fold worker does (workers/fold.service.ts).
    const ran: number[] = [];
    const foldPool: FoldPool = {
      size: 2,
      async runFold(d, s, task, onEpoch) {
        ran.push(task.fold);
        const fold = await trainAndPredict(
          d,
          task.trainRows,
          task.heldRows,
          { ...s, seed: task.seed },
          { onEpoch },
        );
        return { status: fold.status, probabilities: fold.probabilities };
      },
    };
    const out = await runPipeline(blobs(240, 0, 1), SETTINGS, PLAN, {}, { foldPool });
    expect(out.kind).toBe('done');
    expect(ran.sort()).toEqual([0, 1]);
  });
});

describe('crossValAndScore', () => {
  it('fails with the fold’s message when a fold’s loss is not finite', async () => {
    const run = await runPipeline(blobs(240, 0, 1), SETTINGS, PLAN, {}, {});
    if (run.kind !== 'done' || !run.run?.dynamics) throw new Error(`pipeline ${run.kind}`);
    const dynamics = run.run.dynamics;
    const out = await crossValAndScore(blobs(240, 0, 1), dynamics, dynamics.sampleRows, DIVERGING, PLAN, {});
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') throw new Error(out.kind);
    expect(out.message).toMatch(/Try a lower learning rate/);
  });
});
