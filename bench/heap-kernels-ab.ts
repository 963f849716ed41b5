/**
 * The heap kernels (workers/core/train/heap-kernels.ts) of this checkout against another's, on WASM in Node (one
 * thread), called alternately in one process at the CNN's shapes for 28 × 28 × 1 images at batch 128: the filter
 * gradient of the stem (28 × 28 × 1 → 16, stride 2) and of the block (14 × 14 × 16 → 32, stride 1), and the block's
 * 2 × 2 max-pool gradient. Also times the filter gradient's MatMul alone (colᵀ · dy).
 * Prints each one's median and fastest ms over `--calls` alternating calls and the load average.
 *
 *   npx tsx bench/heap-kernels-ab.ts --before /path/to/other/checkout [--calls 30] [--out heap-kernels-ab]
 */
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as after from '../workers/core/train/heap-kernels';
import type { Info } from '../workers/core/train/kernel-call';
import { arg } from './dawn';
import { reportHeader, saveReport } from './report';

type Kernels = Partial<typeof after>;

const median = (v: number[]) => [...v].sort((a, c) => a - c)[Math.floor(v.length / 2)] ?? Number.NaN;

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
  const results = [];
  for (const [name, pick, c] of cases) {
    const fs = [pick(before), pick(after)];
    if (!fs[0] || !fs[1]) throw new Error(`No ${name} kernel.`);
    const ms: number[][] = [[], []];
    for (let i = 0; i < calls + 3; i++) {
      // Alternate which goes first; the first 3 rounds warm up.
      for (const j of i % 2 ? [1, 0] : [0, 1]) {
        const t = run(fs[j] as tf.KernelFunc, c.inputs as Record<string, tf.Tensor>, c.attrs);
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
      `${name.padEnd(24)} before ${row.beforeMedianMs.toFixed(2)} (fastest ${row.beforeFastestMs.toFixed(2)})  after ${row.afterMedianMs.toFixed(2)} (fastest ${row.afterFastestMs.toFixed(2)}) ms`,
    );
  }
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
