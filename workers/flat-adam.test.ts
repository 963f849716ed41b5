/**
 * FlatAdam (workers/core/train/flat-adam.ts) against tfjs's own Adam: bit-identical weights after several steps, on
 * the CPU and WASM backends. Here rather than beside the core file, because only workers/ may load a backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from './core/random';
import { FlatAdam } from './core/train/flat-adam';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPES = [[5, 7], [7], [7, 3], [3]];

/** Seeded values in [-scale, scale). */
function values(n: number, seed: number, scale: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
}

/** Trains two copies of the same variables for `steps` steps on the same gradients; returns both weight sets. */
function trainBoth(steps: number, learningRate: number) {
  const start = (s: number[], i: number) =>
    tf.tidy(() => tf.variable(tf.tensor(values(tf.util.sizeFromShape(s), 10 + i, 1), s)));
  const own = SHAPES.map(start);
  const theirs = SHAPES.map(start);
  const flat = new FlatAdam(own, learningRate);
  const adam = tf.train.adam(learningRate);
  const norms: Array<[number, number]> = [];
  for (let step = 0; step < steps; step++) {
    const raw = SHAPES.map((s, i) => values(tf.util.sizeFromShape(s), 100 * step + i, 3));
    const gradsOwn: tf.NamedTensorMap = {};
    const gradsTheirs: tf.NamedTensorMap = {};
    SHAPES.forEach((s, i) => {
      const g = raw[i] ?? new Float32Array(0);
      gradsOwn[own[i]?.name ?? ''] = tf.tensor(g, s);
      gradsTheirs[theirs[i]?.name ?? ''] = tf.tensor(g, s);
    });
    const norm = flat.step(gradsOwn);
    let sq = 0;
    for (const g of raw) for (const x of g) sq += x * x;
    norms.push([norm.dataSync()[0] ?? Number.NaN, Math.sqrt(sq)]);
    norm.dispose();
    (adam as tf.Optimizer).applyGradients(gradsTheirs);
    tf.dispose([...Object.values(gradsOwn), ...Object.values(gradsTheirs)]);
  }
  const result = {
    own: own.map((v) => v.dataSync().slice()),
    theirs: theirs.map((v) => v.dataSync().slice()),
    norms,
  };
  flat.dispose();
  adam.dispose();
  tf.dispose([...own, ...theirs]);
  return result;
}

describe('FlatAdam', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`gives bit-identical weights to tf.train.adam on ${backend}, and the global gradient norm`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const { own, theirs, norms } = trainBoth(12, 0.01);
      expect(tf.memory().numTensors).toBe(before);
      expect(own).toHaveLength(SHAPES.length);
      own.forEach((mine, i) => {
        // The weights moved, and by exactly what tfjs's Adam moved them.
        expect(mine).not.toEqual(values(mine.length, 10 + i, 1));
        const reference = theirs[i] ?? new Float32Array(0);
        expect(Buffer.from(mine.buffer).equals(Buffer.from(reference.buffer)), `variable ${i}`).toBe(true);
      });
      for (const [got, expected] of norms) expect(got).toBeCloseTo(expected, 4);
    });
  }
});
