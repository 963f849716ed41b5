/**
 * The stops that learning rates alone never reached (issue 16, twenty-second round): a step whose loss is infinite
 * while its gradient norm is finite, one whose loss is finite while its gradient norm is not, and weights that are
 * no longer finite while every output of the epoch's pass is. A real tfjs MLP trains each time; the test sets its
 * initial weights by hand, through `buildModel` (the one place the trainer gets a model and its weights from),
 * wrapped here to call the real one and then `setWeights` when a test asks. Nothing else is mocked.
 *
 * The data: one feature, two classes, eight rows, +1 for class 0 and −1 for class 1 (so standardized they stay ±1),
 * all of them training rows, one batch of eight (or two of four), SGD with momentum. The expected reports are worked
 * out by hand below, in float32 (largest finite value 3.4028e38).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS } from './defaults';
import type { SiftModel } from './model';
import type { BatchReport, EpochReport } from './trainer';
import type { TrainingData, TrainSettings } from './types';

const hook = vi.hoisted(() => ({ weights: null as number[][] | null }));

vi.mock('./model', async (importOriginal) => {
  const real = await importOriginal<typeof import('./model')>();
  return {
    ...real,
    buildModel: (...args: Parameters<typeof real.buildModel>): SiftModel => {
      const m = real.buildModel(...args);
      const values = hook.weights;
      if (values) {
        const tensors = m.model.getWeights().map((w, i) => tf.tensor(values[i] ?? [], w.shape));
        m.model.setWeights(tensors);
        tf.dispose(tensors);
      }
      return m;
    },
  };
});

let trainModel: typeof import('./trainer').trainModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The trainer imported afresh, so that it gets the wrapped buildModel even where another test file has already
  // imported it in this worker (the mutation runs share one, vitest.mutate.config.ts).
  vi.resetModules();
  ({ trainModel } = await import('./trainer'));
});

afterEach(() => {
  hook.weights = null;
});

const data: TrainingData = {
  features: Float32Array.from({ length: 8 }, (_, r) => (r % 2 === 0 ? 1 : -1)),
  featureCount: 1,
  labels: Int32Array.from({ length: 8 }, (_, r) => r % 2),
  classCount: 2,
};
const split = { trainRows: Int32Array.from({ length: 8 }, (_, r) => r), valRows: new Int32Array(0) };
const settings: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  model: 'mlp',
  optimizer: 'sgd-momentum',
  learningRate: 0.01,
  epochs: 2,
  batchSize: 8,
  hidden: [1],
};

/** Trains `data` from the weights given (kernel 1, bias 1, kernel 2, bias 2, row-major), recording batches and epochs. */
async function trainFrom(weights: number[][], over: Partial<TrainSettings> = {}) {
  hook.weights = weights;
  const batches: BatchReport[] = [];
  const epochs: EpochReport[] = [];
  const res = await trainModel(
    data,
    { ...settings, ...over },
    { onBatch: (b) => batches.push(b), onEpoch: (e) => epochs.push(e) },
    {},
    split,
  );
  return { res, batches, epochs };
}

/** A run stopped at its first step (epoch 1, batch 1; nothing reported or kept) on `what`, whose value is Infinity. */
function expectFirstStepStop(run: Awaited<ReturnType<typeof trainFrom>>, what: string, named: string) {
  expect(run.res.status).toBe('non-finite');
  expect(run.res.nonFinite).toEqual({
    epoch: 0,
    step: 0,
    what,
    message: `Training stopped at epoch 1, batch 1: ${named} is Infinity. Try a lower learning rate; results up to the last finished epoch are kept.`,
  });
  expect(run.batches).toEqual([]);
  expect(run.epochs).toEqual([]);
  expect(run.res.dynamics).toBeNull();
}

describe('a stop on the gradient norm or the loss alone', () => {
  it('stops on an infinite loss whose gradient norm is finite, and prints the loss', async () => {
    // Hidden unit h = relu(x): 1 on class 0 rows, 0 on class 1 rows. Logits z = h·[−1e37, 1e37] + [1.75e38, −1.75e38].
    // Class 0 rows: z = [1.65e38, −1.65e38], log-softmax [0, −3.3e38] (finite), softmax [1, 0] = the target, so their
    // loss and every gradient through them are 0. Class 1 rows: z = [1.75e38, −1.75e38], z₁ − z₀ = −3.5e38 rounds to
    // −Infinity, so their loss is +Infinity and the batch's too; their logit gradient is ([1, 0] − [0, 1]) / 8, which
    // reaches the second bias only (h = 0 there, and relu's gradient at −1 is 0): the bias gradient is 4 × that,
    // [0.5, −0.5], and the gradient norm √0.5, finite.
    expectFirstStepStop(await trainFrom([[1], [0], [-1e37, 1e37], [1.75e38, -1.75e38]]), 'loss', 'the loss');
  });

  it('stops on an infinite gradient norm whose loss is finite, and prints the norm', async () => {
    // h = relu(0·x + 1e22) = 1e22 on every row; z = h·[1e-27, 1e-27] + [10, 0] = [10.00001, 0.00001] on every row:
    // softmax ≈ [0.99995, 0.0000454], a finite loss (≈ 5, half the rows' targets are class 1). The logit gradients
    // summed over the batch are Σ (softmax − target) / 8 ≈ [0.5, −0.5], so the second kernel's gradient is
    // 1e22 × [0.5, −0.5] = [5e21, −5e21], whose squares (2.5e43) overflow float32: the norm is Infinity.
    expectFirstStepStop(
      await trainFrom([[0], [1e22], [1e-27, 1e-27], [10, 0]]),
      'gradient',
      'the gradient norm',
    );
  });

  it('trains on when the hidden unit is 1 instead of 1e22 (the same logits, finite gradients)', async () => {
    // h = relu(0·x + 1) = 1, z = [10, 0] + h·[1e-27, 1e-27]: the second kernel's gradient is [0.5, −0.5], finite.
    const { res, batches } = await trainFrom([[0], [1], [1e-27, 1e-27], [10, 0]]);
    expect(res.status).toBe('completed');
    expect(res.nonFinite).toBeUndefined();
    expect(batches.map((b) => b.step)).toEqual([0, 1]);
    for (const b of batches) {
      expect(Number.isFinite(b.loss)).toBe(true);
      expect(Number.isFinite(b.gradNorm)).toBe(true);
    }
  });
});

describe('a stop on the weights', () => {
  it('stops after the epoch whose weights hold −Infinity while every output is finite', async () => {
    // Two hidden units: relu(x) and relu(0·x − Infinity) = relu(−Infinity) = 0, a dead unit. The outputs only ever see
    // 0 from it; its gradients are 0 (relu's gradient at −Infinity is 0, and h = 0 times anything), so SGD leaves its
    // bias at −Infinity: the losses and norms of both steps (two batches of four) and the epoch's pass are finite, and
    // the checkpoint read after the epoch holds −Infinity.
    const { res, batches, epochs } = await trainFrom(
      [
        [1, 0],
        [0, Number.NEGATIVE_INFINITY],
        [1, -1, 0.5, 0.5],
        [0, 0],
      ],
      { hidden: [2], batchSize: 4 },
    );
    expect(res.status).toBe('non-finite');
    expect(res.nonFinite).toEqual({
      epoch: 0,
      step: 1,
      what: 'weights',
      message: 'Training stopped after epoch 1: some weights are NaN or infinite. Try a lower learning rate.',
    });
    expect(batches.map((b) => b.step)).toEqual([0, 1]);
    for (const b of batches) {
      expect(Number.isFinite(b.loss)).toBe(true);
      expect(Number.isFinite(b.gradNorm)).toBe(true);
    }
    expect(epochs).toEqual([]);
    expect(res.epochs).toEqual([]);
    expect(res.dynamics).toBeNull();
  });

  it('keeps training when the same dead unit has a finite bias', async () => {
    const { res, epochs } = await trainFrom(
      [
        [1, 0],
        [0, -5],
        [1, -1, 0.5, 0.5],
        [0, 0],
      ],
      { hidden: [2], batchSize: 4 },
    );
    expect(res.status).toBe('completed');
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
  });
});
