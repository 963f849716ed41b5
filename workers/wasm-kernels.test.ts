/**
 * The kernels composed for WASM by workers/core/train/backend-kernels.ts (tfjs 4.22 lacks Conv2D's filter gradient
 * there) give CPU's gradients, free every intermediate, and let the CNN train: a few seeded steps on WASM track the
 * same steps on CPU. Here rather than beside the core file, because only workers/ may load a backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from './core/random';
import { prepareKernels } from './core/train/backend-kernels';
import { trainModel } from './core/train/trainer';
import type { TrainingData } from './core/train/types';

async function on<T>(backend: string, f: () => Promise<T>): Promise<T> {
  await tf.setBackend(backend);
  await tf.ready();
  prepareKernels();
  return f();
}

async function convGrads(stride: number, pad: 'same' | 'valid', shape: [number, number, number, number]) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const w = tf.randomNormal([3, 3, shape[3], 5], 0, 1, 'float32', 2);
  const [dx = tf.scalar(Number.NaN), dw = tf.scalar(Number.NaN)] = tf.grads((a, b) =>
    tf
      .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
      .square()
      .sum(),
  )([x, w]);
  // A Dense-layer product with each transpose, as its gradients take them.
  const flat = x.reshape([shape[0], -1]);
  const m = tf.matMul(flat, flat, true, false);
  const mt = tf.matMul(flat, flat, false, true);
  const out = { dx: await dx.data(), dw: await dw.data(), m: await m.data(), mt: await mt.data() };
  tf.dispose([x, w, dx, dw, flat, m, mt]);
  return out;
}

function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? Number.NaN;
    const y = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return worst;
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('composed kernels', () => {
  it('WASM lacks the filter gradient until prepared, then has it', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    prepareKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  const VARIANTS = [
    [1, 'same'],
    [2, 'same'],
    [1, 'valid'],
    [2, 'valid'],
  ] as const;
  const SHAPES: Array<[number, number, number, number]> = [
    [3, 9, 8, 2],
    [2, 10, 10, 3],
  ];

  it('free every intermediate buffer on WASM', async () => {
    await on('wasm', async () => {
      const held = () => tf.backend().numDataIds();
      for (const [stride, pad] of VARIANTS) {
        for (const shape of SHAPES) {
          const before = held();
          await convGrads(stride, pad, shape);
          expect(held(), `${stride} ${pad}`).toBe(before);
        }
      }
    });
  });

  it('match CPU on strides 1 and 2, same and valid padding', async () => {
    for (const [stride, pad] of VARIANTS) {
      for (const shape of SHAPES) {
        const cpu = await on('cpu', () => convGrads(stride, pad, shape));
        const wasm = await on('wasm', () => convGrads(stride, pad, shape));
        for (const k of ['dx', 'dw', 'm', 'mt'] as const) {
          expect(maxRelativeDiff(wasm[k], cpu[k]), `${k} ${stride} ${pad}`).toBeLessThan(1e-4);
        }
      }
    }
  });

  it('train the CNN on WASM as on CPU for a few seeded steps', { timeout: 300_000 }, async () => {
    const rng = createRng(5);
    const rows = 96;
    const features = new Float32Array(rows * 144);
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = r % 3;
      labels[r] = label;
      for (let k = 0; k < 144; k++)
        features[r * 144 + k] = rng.next() * 0.5 + (k % 12 === 4 * label ? 0.5 : 0);
    }
    const data: TrainingData = {
      features,
      featureCount: 144,
      labels,
      classCount: 3,
      image: { width: 12, height: 12, channels: 1 },
    };
    const settings = {
      model: 'cnn' as const,
      hidden: [16],
      epochs: 2,
      batchSize: 16,
      optimizer: 'adam' as const,
      learningRate: 0.005,
      validationFraction: 0.2,
      seed: 3,
    };
    const losses = async () => {
      const batch: number[] = [];
      const run = await trainModel(data, settings, { onBatch: (b) => batch.push(b.loss) });
      return { batch, final: run.epochs.map((e) => e.trainLoss) };
    };
    const cpu = await on('cpu', losses);
    const wasm = await on('wasm', losses);
    expect(wasm.batch.length).toBe(cpu.batch.length);
    expect(maxRelativeDiff(wasm.batch, cpu.batch)).toBeLessThan(1e-3);
    expect(maxRelativeDiff(wasm.final, cpu.final)).toBeLessThan(1e-3);
    expect(wasm.final[1]).toBeLessThan(wasm.final[0] ?? Number.NaN);
  });
});
