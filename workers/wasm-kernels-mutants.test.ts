/**
 * Where prepareKernels routes WASM's kernels (issue 16, twenty-second round): wasm-kernels.test.ts checks that the
 * results match CPU, which WASM's own (slower) kernels do too; here each replacement is seen at work. The composed
 * kernels call the backend's own kernels through the registry (kernel-call.ts), so a counting wrapper registered in
 * place of one of those shows the route: the stride-1 input gradient turns the filter with Reverse, a transposed
 * product transposes with Transpose, while WASM's own Conv2DBackpropInput and BatchMatMul call neither. The heap row
 * gather refuses an index outside the rows with a RangeError; WASM's own gather throws a plain Error.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareKernels } from './core/train/backend-kernels';

/** WASM active and prepared, in each test (prepared in a hook, its mutants would count as static for Stryker). */
async function onWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  prepareKernels();
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs `f` with WASM's `kernel` replaced by a wrapper that counts its calls; the kernel is put back after. */
async function counting(
  kernel: string,
  f: () => Promise<number[]>,
): Promise<{ calls: number; values: number[] }> {
  const config = tf.getKernel(kernel, 'wasm');
  if (!config) throw new Error(`WASM has no ${kernel} kernel.`);
  let calls = 0;
  tf.unregisterKernel(kernel, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      calls++;
      return config.kernelFunc(args);
    },
  });
  try {
    const values = await f();
    return { calls, values };
  } finally {
    tf.unregisterKernel(kernel, 'wasm');
    tf.registerKernel(config);
  }
}

/** `f`'s tensor read and freed with everything else it made. */
async function read(f: () => tf.Tensor): Promise<number[]> {
  const t = tf.tidy(f);
  const out = Array.from(await t.data());
  t.dispose();
  return out;
}

describe('prepareKernels on WASM', () => {
  it('computes the input gradient of a stride-1 convolution as a convolution by the turned filter', async () => {
    await onWasm();
    // x = 2 × 2, one 2 × 2 'valid' filter w = [[1, 2], [3, 4]]: one output y = Σ x·w, so d(3y)/dx = 3w.
    const w = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const run = await counting('Reverse', () =>
      read(() =>
        tf.grad((a) =>
          tf
            .conv2d(a as tf.Tensor4D, w, 1, 'valid')
            .mul(3)
            .sum(),
        )(x),
      ),
    );
    tf.dispose([w, x]);
    expect(run).toEqual({ calls: 1, values: [3, 6, 9, 12] });
  });

  it('transposes a transposed operand explicitly, and passes a plain product on', async () => {
    await onWasm();
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    // aᵀ·b = [[1·5 + 3·7, 1·6 + 3·8], [2·5 + 4·7, 2·6 + 4·8]]; a·b = [[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]].
    const transposed = await counting('Transpose', () => read(() => tf.matMul(a, b, true, false)));
    const plain = await counting('Transpose', () => read(() => tf.matMul(a, b)));
    tf.dispose([a, b]);
    expect(transposed).toEqual({ calls: 1, values: [26, 30, 38, 44] });
    expect(plain).toEqual({ calls: 0, values: [19, 22, 43, 50] });
  });

  it('gathers rows on the heap, refusing an index outside them with a RangeError', async () => {
    await onWasm();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const idx = tf.tensor1d([2, 0], 'int32');
    const bad = tf.tensor1d([1, 3], 'int32');
    expect(await read(() => tf.gather(x, idx))).toEqual([5, 6, 1, 2]);
    expect(() => tf.gather(x, bad)).toThrow(new RangeError('GatherV2: the index value 3 is not in [0, 2]'));
    tf.dispose([x, idx, bad]);
  });
});
