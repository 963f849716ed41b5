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

async function convGrads(
  stride: number,
  pad: 'same' | 'valid',
  shape: [number, number, number, number],
  kernel = 3,
) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const w = tf.randomNormal([kernel, kernel, shape[3], 5], 0, 1, 'float32', 2);
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

/**
 * The largest difference relative to the largest entry of `b` (at least 1). CPU sums a convolution's gradient in
 * float64 and WASM in float32: an entry that is a small sum of large terms differs by float32 rounding of the terms'
 * size, ~1e-5 of itself at these shapes, whichever way WASM composes the kernel; against the gradient's scale the
 * difference is ~3e-7.
 */
function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] ?? Number.NaN));
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - (b[i] ?? Number.NaN)));
  return worst / scale;
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
  // Odd sizes, batch 1 and more, one channel and several.
  const SHAPES: Array<[number, number, number, number]> = [
    [3, 9, 8, 2],
    [2, 10, 10, 3],
    [1, 7, 9, 1],
    [4, 5, 6, 1],
    [1, 11, 7, 4],
  ];

  it('free every intermediate buffer on WASM', async () => {
    await on('wasm', async () => {
      const held = () => tf.backend().numDataIds();
      for (const [stride, pad] of VARIANTS) {
        for (const shape of SHAPES) {
          const before = held();
          await convGrads(stride, pad, shape);
          await poolGrads(shape, 3, stride, pad);
          expect(held(), `${stride} ${pad}`).toBe(before);
        }
      }
    });
  });

  it('match CPU on strides 1 and 2, same and valid padding, odd shapes and filter sizes', async () => {
    for (const [stride, pad] of VARIANTS) {
      for (const shape of SHAPES) {
        // 2 and 4: 'same' pads one more row and column after than before; 5: overhangs two rows and columns.
        for (const kernel of [3, 2, 4, 5]) {
          const cpu = await on('cpu', () => convGrads(stride, pad, shape, kernel));
          const wasm = await on('wasm', () => convGrads(stride, pad, shape, kernel));
          for (const k of ['dx', 'dw', 'm', 'mt'] as const) {
            const what = `${k} stride ${stride} ${pad} ${shape.join('×')} kernel ${kernel}`;
            expect(maxScaledDiff(wasm[k], cpu[k]), what).toBeLessThan(1e-5);
          }
        }
      }
    }
  });

  it('give a hand-worked filter gradient', async () => {
    // x = [[1, 2], [3, 4]] (one image, one channel), a 2 × 2 'valid' filter: one output, so dW = dy · x.
    const dw = await on('wasm', async () => {
      const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const w = tf.zeros([2, 2, 1, 1]);
      const g = tf.grad((f) =>
        tf
          .conv2d(x, f as tf.Tensor4D, 1, 'valid')
          .mul(3)
          .sum(),
      )(w);
      const out = await g.data();
      tf.dispose([x, w, g]);
      return Array.from(out);
    });
    expect(dw).toEqual([3, 6, 9, 12]);
  });

  /**
   * Max-pool gradients of relu'd, rounded values: many ties, at zero and above. With `holes`, every fifth value and
   * the whole first 2 × 2 corner of each image and channel are NaN (no number: no gradient, as on CPU), and the
   * gradient arriving from above is seeded noise.
   */
  async function poolGrads(
    shape: [number, number, number, number],
    size: number,
    stride: number,
    pad: 'same' | 'valid',
    holes = false,
  ) {
    const x = tf.tidy(() => {
      const v = tf.randomNormal(shape, 0, 2, 'float32', 4).round().relu();
      if (!holes) return v;
      const [n, h, w, c] = shape;
      const nan = new Uint8Array(n * h * w * c);
      for (let i = 0; i < nan.length; i++) {
        const row = Math.floor(i / (w * c)) % h;
        const col = Math.floor(i / c) % w;
        nan[i] = i % 5 === 0 || (row < 2 && col < 2) ? 1 : 0;
      }
      return tf.where(tf.tensor(nan, shape, 'bool'), tf.fill(shape, Number.NaN), v);
    });
    const pool = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad);
    // With holes the pooled values are NaN in places: the upstream gradient is then given, not derived from them.
    const upstream = holes ? tf.tidy(() => tf.randomNormal(pool(x).shape, 0, 1, 'float32', 5)) : undefined;
    const g = upstream ? tf.grad(pool)(x, upstream) : tf.grad((a) => pool(a).square().sum())(x);
    const out = await g.data();
    tf.dispose([x, g, ...(upstream ? [upstream] : [])]);
    return out;
  }

  it('pool gradients as CPU does, ties going to the first maximum', async () => {
    const cases = [
      [[2, 8, 8, 3], 2, 2, 'valid'],
      [[1, 7, 9, 1], 2, 2, 'valid'],
      [[3, 7, 7, 2], 3, 2, 'same'],
      [[1, 6, 5, 4], 3, 1, 'same'],
      [[2, 9, 9, 1], 3, 3, 'valid'],
      // 2 × 2 windows that tile the image, cut at its edge by 'same' padding, or with gaps between them.
      [[3, 7, 9, 5], 2, 2, 'same'],
      [[1, 8, 7, 2], 2, 3, 'valid'],
      [[2, 6, 6, 3], 2, 3, 'same'],
    ] as const;
    for (const [shape, size, stride, pad] of cases) {
      const cpu = await on('cpu', () => poolGrads([...shape], size, stride, pad));
      const wasm = await on('wasm', () => poolGrads([...shape], size, stride, pad));
      expect(
        maxScaledDiff(wasm, cpu),
        `${shape.join('×')} pool ${size} stride ${stride} ${pad}`,
      ).toBeLessThan(1e-5);
      expect(Array.from(cpu).some((v) => v !== 0)).toBe(true);
    }
  });

  it('pool gradients past values that are no number as CPU does', async () => {
    const cases = [
      [[2, 8, 8, 3], 2, 2, 'valid'],
      [[1, 7, 9, 2], 2, 2, 'same'],
      [[2, 7, 7, 2], 3, 2, 'same'],
    ] as const;
    for (const [shape, size, stride, pad] of cases) {
      const cpu = await on('cpu', () => poolGrads([...shape], size, stride, pad, true));
      const wasm = await on('wasm', () => poolGrads([...shape], size, stride, pad, true));
      const what = `${shape.join('×')} pool ${size} stride ${stride} ${pad}`;
      expect(Array.from(wasm).every(Number.isFinite), what).toBe(true);
      expect(maxScaledDiff(wasm, cpu), what).toBeLessThan(1e-5);
      // The all-NaN corner window of image 0, channel 0 passes nothing; others do.
      expect([wasm[0], wasm[shape[3]]], what).toEqual([0, 0]);
      expect(Array.from(cpu).some((v) => v !== 0)).toBe(true);
    }
  });

  it('gather rows as CPU does, and refuse an index outside the rows', async () => {
    const gathered = async () => {
      const x = tf.tensor3d(
        Float32Array.from({ length: 5 * 3 * 2 }, (_, i) => i * 0.5 - 3),
        [5, 3, 2],
      );
      const y = tf.tensor1d([4, 0, 2, 1, 3], 'int32');
      const idx = tf.tensor1d([4, 0, 4, 2], 'int32');
      const idx2 = tf.tensor2d([3, 1, 1, 0], [2, 2], 'int32');
      const parts = [
        tf.gather(x, idx),
        tf.gather(y, idx),
        tf.gather(x, idx2),
        tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'), 1),
      ];
      const out = await Promise.all(
        parts.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) })),
      );
      tf.dispose([x, y, idx, idx2, ...parts]);
      return out;
    };
    const cpu = await on('cpu', gathered);
    const wasm = await on('wasm', gathered);
    expect(wasm).toEqual(cpu);
    expect(wasm[1]?.values).toEqual([3, 4, 3, 2]);
    await on('wasm', async () => {
      const x = tf.zeros([3, 2]);
      const held = tf.backend().numDataIds();
      expect(() => tf.gather(x, tf.tensor1d([1, 3], 'int32'))).toThrow(/index value 3/);
      expect(tf.backend().numDataIds()).toBe(held + 1);
      x.dispose();
    });
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
