/**
 * The heap kernels (workers/core/train/heap-kernels.ts) of this checkout against another's, on WASM in Node (one
 * thread), called alternately in one process at the CNN's shapes for 28 × 28 × 1 images at batch 128: the filter
 * gradient of the stem (28 × 28 × 1 → 16, stride 2) and of the block (14 × 14 × 16 → 32, stride 1), and the block's
 * 2 × 2 max-pool gradient. Also times the filter gradient's MatMul alone (colᵀ · dy), and whole training steps of
 * the CNN with the other checkout's two gradients and with this one's, alternately (stepWith).
 * Prints each one's median and fastest ms over `--calls` alternating calls and the load average.
 *
 *   npx tsx bench/heap-kernels-ab.ts --before /path/to/other/checkout [--calls 30] [--out heap-kernels-ab]
 */
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../workers/core/random';
import { trainSettingsFor } from '../workers/core/train/defaults';
import { FlatAdam } from '../workers/core/train/flat-adam';
import * as after from '../workers/core/train/heap-kernels';
import type { Info } from '../workers/core/train/kernel-call';
import { buildModel, modelSpecFor, trainableVariables } from '../workers/core/train/model';
import { trainStep } from '../workers/core/train/trainer';
import { arg } from './dawn';
import { reportHeader, saveReport } from './report';

type Kernels = Partial<typeof after>;

const ROWS = 6000;
const SIDE = 28;
const CLASSES = 10;
const median = (v: number[]) => [...v].sort((a, c) => a - c)[Math.floor(v.length / 2)] ?? Number.NaN;

/**
 * One training step of the shipped CNN (as bench/cnn-step.ts: 28 × 28 × 1, 10 classes, the image defaults for 6,000
 * rows, batch 128) timed with `before`'s filter and max-pool gradients, and with this checkout's: the two kernels are
 * registered anew before each step; every other kernel is this checkout's (prepareKernels).
 */
async function stepWith(before: Kernels): Promise<[() => Promise<number>, () => Promise<number>]> {
  const settings = trainSettingsFor(ROWS, 'images');
  const image = { width: SIDE, height: SIDE, channels: 1 };
  const m = buildModel(modelSpecFor(settings, { featureCount: SIDE * SIDE, classCount: CLASSES, image }), 1);
  const vars = trainableVariables(m);
  const optimizer = new FlatAdam(vars, settings.learningRate);
  const rng = createRng(7);
  const b = settings.batchSize;
  const pixels = Float32Array.from({ length: b * SIDE * SIDE }, () => rng.next() * 2 - 1);
  const oneHot = Float32Array.from({ length: b * CLASSES }, (_, i) =>
    i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0,
  );
  const use = (k: Kernels) => {
    const filter = k.conv2dBackpropFilterOnHeap?.('wasm');
    const pool = k.maxPoolGradOnHeap?.();
    if (!filter || !pool) throw new Error('A checkout lacks a heap kernel.');
    for (const [kernelName, kernelFunc] of [
      ['Conv2DBackpropFilter', filter],
      ['MaxPoolGrad', pool],
    ] as const) {
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    }
  };
  const step = (k: Kernels) => async () => {
    use(k);
    const t0 = performance.now();
    const xb = tf.tensor2d(pixels, [b, SIDE * SIDE]);
    const yb = tf.tensor2d(oneHot, [b, CLASSES]);
    const packed = trainStep(m, vars, optimizer, xb, yb);
    tf.dispose([xb, yb]);
    await packed.data();
    packed.dispose();
    return performance.now() - t0;
  };
  return [step(before), step(after)];
}

async function main(): Promise<void> {
  const otherDir = arg('before');
  if (!otherDir) throw new Error('--before <checkout> is required.');
  const before: Kernels = await import(path.resolve(otherDir, 'workers/core/train/heap-kernels.ts'));
  const calls = Number(arg('calls') ?? 30);
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const backend = tf.backend() as unknown as tf.KernelBackend & { disposeData(id: object): void };
  const run = (f: tf.KernelFunc, inputs: Record<string, tf.Tensor>, attrs: object) => {
    const t0 = performance.now();
    const out = f({
      inputs: inputs as unknown as tf.NamedTensorInfoMap,
      backend,
      attrs: attrs as unknown as tf.NamedAttrMap,
    }) as Info;
    const ms = performance.now() - t0;
    backend.disposeData(out.dataId);
    return ms;
  };
  const filter = (x: number[], co: number, strides: number) => ({
    inputs: {
      x: tf.randomNormal(x, 0, 1, 'float32', 1),
      dy: tf.randomNormal([x[0] ?? 1, 14, 14, co], 0, 1, 'float32', 2),
    },
    attrs: { strides, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, x[3] ?? 1, co] },
  });
  const stem = filter([128, 28, 28, 1], 16, 2);
  const block = filter([128, 14, 14, 16], 32, 1);
  const pool = {
    inputs: {
      input: tf.randomNormal([128, 14, 14, 32], 0, 1, 'float32', 3).relu(),
      dy: tf.randomNormal([128, 7, 7, 32], 0, 1, 'float32', 4),
    },
    attrs: { filterSize: 2, strides: 2, pad: 'valid' },
  };
  const matmul = {
    inputs: { a: tf.randomNormal([1, 144, 25088]), b: tf.randomNormal([1, 25088, 32]) },
    attrs: { transposeA: false, transposeB: false },
  };
  const cases: Array<[string, (k: Kernels) => tf.KernelFunc | undefined, { inputs: object; attrs: object }]> =
    [
      ['filter gradient, stem', (k) => k.conv2dBackpropFilterOnHeap?.('wasm'), stem],
      ['filter gradient, block', (k) => k.conv2dBackpropFilterOnHeap?.('wasm'), block],
      ['filter gradient, its MatMul', () => tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, matmul],
      ['max-pool gradient', (k) => k.maxPoolGradOnHeap?.(), pool],
    ];
  const results: Array<Record<string, number | string>> = [];
  /** `calls` rounds of both, alternating which goes first, after 3 rounds of warm-up. */
  const alternate = async (name: string, both: [() => Promise<number>, () => Promise<number>]) => {
    const ms: number[][] = [[], []];
    for (let i = 0; i < calls + 3; i++) {
      for (const j of i % 2 ? [1, 0] : [0, 1]) {
        const t = await (both[j] as () => Promise<number>)();
        if (i >= 3) ms[j]?.push(t);
      }
    }
    const [b = [], a = []] = ms;
    const row = {
      name,
      beforeMedianMs: median(b),
      beforeFastestMs: Math.min(...b),
      afterMedianMs: median(a),
      afterFastestMs: Math.min(...a),
    };
    results.push(row);
    console.log(
      `${name.padEnd(28)} before ${row.beforeMedianMs.toFixed(2)} (fastest ${row.beforeFastestMs.toFixed(2)})  after ${row.afterMedianMs.toFixed(2)} (fastest ${row.afterFastestMs.toFixed(2)}) ms`,
    );
  };
  for (const [name, pick, c] of cases) {
    const fs = [pick(before), pick(after)];
    const [fb, fa] = fs;
    if (!fb || !fa) throw new Error(`No ${name} kernel.`);
    const time = (f: tf.KernelFunc) => async () => run(f, c.inputs as Record<string, tf.Tensor>, c.attrs);
    await alternate(name, [time(fb), time(fa)]);
  }
  await alternate('training step (whole)', await stepWith(before));
  console.log(
    `load ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  saveReport(arg('out') ?? 'heap-kernels-ab', {
    ...reportHeader('heap-kernels-ab'),
    before: otherDir,
    calls,
    results,
    loadAverageAfter: os.loadavg(),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
