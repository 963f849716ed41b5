/**
 * optimizer.ts and flat-adam.ts on CPU: SGD with momentum and Adam steps against values worked by hand or by a
 * Float64 loop of the published update (never by tfjs), the gradient norms, the refusals, every tensor freed; the
 * yielder's turns with a stubbed clock; checkpoints copied off the model.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlatAdam } from './flat-adam';
import { buildModel } from './model';
import { makeOptimizer, makeYielder, readCheckpoint } from './optimizer';
import type { TrainSettings } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const SETTINGS: TrainSettings = {
  model: 'mlp',
  hidden: [4],
  epochs: 1,
  batchSize: 4,
  optimizer: 'sgd-momentum',
  learningRate: 0.1,
  validationFraction: 0.2,
  seed: 1,
};

/** Steps `opt` over `vars` with each set of gradients (by variable index); the norms and the final values. */
function steps(opt: ReturnType<typeof makeOptimizer>, vars: tf.Variable[], grads: number[][][]) {
  const norms: number[] = [];
  for (const g of grads) {
    const named: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      named[v.name] = tf.tensor(g[i] ?? [], v.shape);
    });
    const norm = opt.step(named);
    norms.push(norm.dataSync()[0] ?? Number.NaN);
    tf.dispose([norm, ...Object.values(named)]);
  }
  return { norms, values: vars.map((v) => Array.from(v.dataSync())) };
}

describe('makeOptimizer', () => {
  it('steps SGD with momentum 0.9 as worked by hand, gives √Σg², and frees every tensor it made', () => {
    const before = tf.memory().numTensors;
    const vars = tf.tidy(() => [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor1d([3]))]);
    const opt = makeOptimizer({ ...SETTINGS, optimizer: 'sgd-momentum', learningRate: 0.1 }, vars);
    expect(opt).not.toBeInstanceOf(FlatAdam);
    const { norms, values } = steps(opt, vars, [
      [[0.5, -1], [2]],
      [[0.25, 0.5], [-1]],
    ]);
    // Step 1: a = g, w − 0.1·a = [0.95, 2.1], [2.8]. Step 2: a = 0.9·a + g = [0.7, −0.4], [0.8]: [0.88, 2.14], [2.72].
    expect(values[0]?.[0]).toBeCloseTo(0.88, 6);
    expect(values[0]?.[1]).toBeCloseTo(2.14, 6);
    expect(values[1]?.[0]).toBeCloseTo(2.72, 6);
    expect(norms[0]).toBeCloseTo(Math.sqrt(0.25 + 1 + 4), 6);
    expect(norms[1]).toBeCloseTo(Math.sqrt(0.0625 + 0.25 + 1), 6);
    opt.dispose();
    tf.dispose(vars);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes Adam over the flat vector, as Kingma and Ba’s update in Float64', () => {
    const before = tf.memory().numTensors;
    const start = [
      [0.5, -1, 2],
      [0.25, 3],
    ];
    const vars = tf.tidy(() => start.map((v) => tf.variable(tf.tensor1d(v))));
    const opt = makeOptimizer({ ...SETTINGS, optimizer: 'adam', learningRate: 0.05 }, vars);
    expect(opt).toBeInstanceOf(FlatAdam);
    const grads = [
      [
        [1, -2, 0.5],
        [3, -0.25],
      ],
      [
        [-0.5, 1, 0.5],
        [1, 2],
      ],
      [
        [2, 0, -1],
        [-3, 0.5],
      ],
    ];
    const { norms, values } = steps(opt, vars, grads);
    const expected = adam(
      start.flat(),
      grads.map((g) => g.flat()),
      0.05,
      0.9,
      0.999,
      tf.backend().epsilon(),
    );
    expect(maxRel(values.flat(), expected.values)).toBeLessThan(1e-5);
    expect(maxRel(norms, expected.norms)).toBeLessThan(1e-6);
    opt.dispose();
    tf.dispose(vars);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Adam in Float64: m, v, bias-corrected by 1 − βᵗ, w − lr·m̂/(√v̂ + ε); and √Σg² per step. */
function adam(w0: number[], grads: number[][], lr: number, b1: number, b2: number, eps: number) {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const norms: number[] = [];
  grads.forEach((g, t) => {
    let sq = 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] ?? 0;
      sq += gi * gi;
      m[i] = b1 * (m[i] ?? 0) + (1 - b1) * gi;
      v[i] = b2 * (v[i] ?? 0) + (1 - b2) * gi * gi;
      const mHat = (m[i] ?? 0) / (1 - b1 ** (t + 1));
      const vHat = (v[i] ?? 0) / (1 - b2 ** (t + 1));
      w[i] = (w[i] ?? 0) - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    norms.push(Math.sqrt(sq));
  });
  return { values: w, norms };
}

function maxRel(a: number[], b: number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - (b[i] ?? Number.NaN)) / Math.max(1, Math.abs(b[i] ?? 0))));
}

describe('FlatAdam', () => {
  it('steps one variable of any shape, with its own betas and epsilon', () => {
    const before = tf.memory().numTensors;
    const w0 = [1, -2, 0.5, 4, -0.75, 2];
    const v = tf.tidy(() => tf.variable(tf.tensor2d(w0, [2, 3])));
    const opt = new FlatAdam([v], 0.1, 0.5, 0.75, 0.25);
    const grads = [
      [0.5, 1, -1, 2, 0, -0.5],
      [1, -1, 0.25, 0.5, 3, 1],
    ];
    const { norms, values } = steps(
      opt,
      [v],
      grads.map((g) => [g]),
    );
    const expected = adam(w0, grads, 0.1, 0.5, 0.75, 0.25);
    expect(v.shape).toEqual([2, 3]);
    expect(maxRel(values.flat(), expected.values)).toBeLessThan(1e-6);
    expect(maxRel(norms, expected.norms)).toBeLessThan(1e-6);
    opt.dispose();
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a step without a gradient for every variable, and leaves the weights', () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'm16r-a');
    const b = tf.variable(tf.tensor1d([3]), true, 'm16r-b');
    const opt = new FlatAdam([a, b], 0.1);
    const g = tf.tensor1d([1, 1]);
    const before = tf.memory().numTensors;
    expect(() => opt.step({ 'm16r-a': g })).toThrow(new Error('No gradient for variable m16r-b.'));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a.dataSync())).toEqual([1, 2]);
    tf.dispose([g, a, b]);
    opt.dispose();
  });
});

describe('makeYielder', () => {
  /** Whether `pause()` let a macrotask turn pass: 1,000 chained microtasks all ran before it resolved. */
  async function yielded(pause: () => Promise<void>): Promise<boolean> {
    let ticks = 0;
    const spin = (async () => {
      for (let i = 0; i < 1000; i++) {
        await Promise.resolve();
        ticks++;
      }
    })();
    await pause();
    const all = ticks === 1000;
    await spin;
    return all;
  }

  it('yields once the interval has passed since the last yield, by the clock', async () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const pause = makeYielder(10);
    expect(await yielded(pause)).toBe(false);
    now = 1009.5;
    expect(await yielded(pause)).toBe(false);
    now = 1010;
    expect(await yielded(pause)).toBe(true);
    // The clock restarts at the yield.
    now = 1019;
    expect(await yielded(pause)).toBe(false);
    now = 1021;
    expect(await yielded(pause)).toBe(true);
    expect(await yielded(makeYielder(0))).toBe(true);
  });
});

describe('readCheckpoint', () => {
  it('copies every weight off the model with its shape, epoch and learning rate', async () => {
    const m = buildModel({ kind: 'mlp', featureCount: 3, classCount: 2, hidden: [4] }, 9);
    try {
      const c = await readCheckpoint(m, 7, 0.25);
      expect(c.epoch).toBe(7);
      expect(c.learningRate).toBe(0.25);
      expect(c.shapes).toEqual([[3, 4], [4], [4, 2], [2]]);
      const live = m.model.getWeights();
      expect(c.weights.map((w) => Array.from(w))).toEqual(live.map((w) => Array.from(w.dataSync())));
      // Copies: changing them leaves the model alone.
      c.weights[0]?.fill(5);
      expect(m.model.getWeights()[0]?.dataSync()[0]).not.toBe(5);
    } finally {
      m.model.dispose();
    }
  });
});

describe('FlatAdam’s own state', () => {
  it('adds no trainable variable: its moments and beta powers are not for training', () => {
    const trainable = () => Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const before = trainable();
    const opt = new FlatAdam([v], 0.1);
    expect(Object.keys(tf.engine().registeredVariables).length).toBeGreaterThanOrEqual(5);
    expect(trainable()).toBe(before);
    opt.dispose();
    v.dispose();
  });
});
