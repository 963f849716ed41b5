/**
 * backend-kernels.ts and kernel-call.ts on the CPU backend, called directly (CPU has its own filter gradient, so
 * prepareKernels never registers the composed one there): the composed filter and input gradients and the
 * transposed matrix products against Float64 loops written from their definitions (test-kernels.ts), every
 * intermediate freed, the fallbacks, the refusals, and prepareKernels on backends registered here by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchMatMulVia,
  conv2dBackpropFilterVia,
  conv2dBackpropInputVia,
  prepareKernels,
} from './backend-kernels';
import { callKernel } from './kernel-call';
import {
  filterGradient,
  geometry,
  inputGradient,
  matMul,
  maxDiff,
  type Pad,
  type Shape4,
  seeded,
  seededOf,
} from './test-kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** What a kernel call leaves: its output's values and shape, and how many buffers the backend holds beyond it. */
function run(kernel: tf.KernelFunc, inputs: Record<string, tf.Tensor>, attrs: object) {
  const backend = tf.backend();
  const before = backend.numDataIds();
  const out = kernel({
    inputs: inputs as unknown as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const extra = backend.numDataIds() - before;
  const values = Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return { values, shape: out.shape, extra };
}

const PADS: Array<[Shape4, [number, number], [number, number], Pad]> = [
  [[2, 5, 6, 2], [3, 3], [1, 1], 'same'],
  [[1, 6, 5, 1], [4, 4], [1, 1], 'same'],
  [[2, 7, 8, 2], [3, 3], [2, 2], 'same'],
  [[1, 8, 7, 3], [4, 3], [2, 2], 'same'],
  [[2, 6, 7, 1], [3, 3], [1, 1], 'valid'],
  [[1, 9, 8, 2], [3, 3], [2, 2], 'valid'],
  [[2, 7, 9, 2], [2, 3], [2, 3], 'valid'],
  [[1, 6, 6, 2], [3, 3], [1, 2], 'same'],
  [[2, 5, 5, 1], [3, 3], [1, 1], 1],
  [
    [1, 6, 7, 2],
    [3, 3],
    [2, 2],
    [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  ],
  [
    [1, 5, 6, 1],
    [3, 2],
    [1, 1],
    [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ],
  ],
];

describe('conv2dBackpropFilterVia', () => {
  for (const [shape, k, strides, pad] of PADS) {
    it(`gives the Float64 loop's dW for ${shape.join('×')}, filter ${k}, stride ${strides}, ${JSON.stringify(pad)}`, () => {
      const co = 3;
      const { oh, ow, pads } = geometry(shape, k, strides, pad);
      const dyShape: Shape4 = [shape[0], oh, ow, co];
      const xv = seededOf(shape, 7);
      const dyv = seededOf(dyShape, 8);
      const x = tf.tensor4d(xv, shape);
      const dy = tf.tensor4d(dyv, dyShape);
      const {
        values,
        shape: outShape,
        extra,
      } = run(
        conv2dBackpropFilterVia('cpu'),
        { x, dy },
        { strides, pad, dataFormat: 'NHWC', filterShape: [...k, shape[3], co] },
      );
      tf.dispose([x, dy]);
      expect(outShape).toEqual([...k, shape[3], co]);
      expect(maxDiff(values, filterGradient(xv, shape, dyv, dyShape, k, strides, pads))).toBe(0);
      expect(extra).toBe(1);
    });
  }
});

describe('conv2dBackpropInputVia', () => {
  const sentinel = { dataId: {}, shape: [0], dtype: 'float32' } as tf.TensorInfo;
  const fallback: tf.KernelFunc = () => sentinel;
  for (const [shape, k, , pad] of PADS) {
    it(`gives the Float64 loop's dx at stride 1 for ${shape.join('×')}, filter ${k}, ${JSON.stringify(pad)}`, () => {
      const co = 3;
      const { oh, ow, pads } = geometry(shape, k, [1, 1], pad);
      const wShape: Shape4 = [...k, shape[3], co];
      const dyShape: Shape4 = [shape[0], oh, ow, co];
      const wv = seededOf(wShape, 5);
      const dyv = seededOf(dyShape, 6);
      const filter = tf.tensor4d(wv, wShape);
      const dy = tf.tensor4d(dyv, dyShape);
      const {
        values,
        shape: outShape,
        extra,
      } = run(
        conv2dBackpropInputVia('cpu', fallback),
        { dy, filter },
        { strides: typeof pad === 'number' ? 1 : [1, 1], pad, dataFormat: 'NHWC', inputShape: shape },
      );
      tf.dispose([filter, dy]);
      expect(outShape).toEqual(shape);
      expect(maxDiff(values, inputGradient(wv, wShape, dyv, dyShape, [shape[1], shape[2]], pads))).toBe(0);
      expect(extra).toBe(1);
    });
  }

  it('leaves other strides and NCHW to the fallback', () => {
    const dy = tf.zeros([1, 2, 2, 1]);
    const filter = tf.zeros([3, 3, 1, 1]);
    for (const [strides, dataFormat] of [
      [2, 'NHWC'],
      [[1, 2], 'NHWC'],
      [[2, 1], 'NHWC'],
      [[1, 1], 'NCHW'],
    ] as const) {
      const out = conv2dBackpropInputVia(
        'cpu',
        fallback,
      )({
        inputs: { dy, filter } as unknown as tf.NamedTensorInfoMap,
        backend: tf.backend(),
        attrs: { strides, pad: 'same', dataFormat, inputShape: [1, 4, 4, 1] } as unknown as tf.NamedAttrMap,
      });
      expect(out, `${strides} ${dataFormat}`).toBe(sentinel);
    }
    tf.dispose([dy, filter]);
  });
});

describe('batchMatMulVia', () => {
  const cpuMatMul = () => {
    const config = tf.getKernel('BatchMatMul', 'cpu');
    if (!config) throw new Error('CPU has no BatchMatMul.');
    return config.kernelFunc;
  };

  it('gives the Float64 loop’s product with either or both operands transposed, intermediates freed', () => {
    for (const [transposeA, transposeB] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ] as const) {
      const aShape: [number, number, number] = transposeA ? [2, 4, 3] : [2, 3, 4];
      const bShape: [number, number, number] = transposeB ? [2, 5, 4] : [2, 4, 5];
      const av = seeded(24, 1);
      const bv = seeded(40, 2);
      const a = tf.tensor3d(av, aShape);
      const b = tf.tensor3d(bv, bShape);
      const { values, shape, extra } = run(
        batchMatMulVia('cpu', cpuMatMul()),
        { a, b },
        { transposeA, transposeB },
      );
      tf.dispose([a, b]);
      const what = `transposeA ${transposeA}, transposeB ${transposeB}`;
      expect(shape, what).toEqual([2, 3, 5]);
      expect(maxDiff(values, matMul(av, aShape, bv, bShape, transposeA, transposeB)), what).toBe(0);
      expect(extra, what).toBe(1);
    }
  });

  it('passes a product without transposes to the fallback as it came', () => {
    const seen: unknown[] = [];
    const fallback: tf.KernelFunc = (args) => {
      seen.push(args);
      return { dataId: {}, shape: [0], dtype: 'float32' };
    };
    const a = tf.zeros([1, 2, 2]);
    const args = {
      inputs: { a, b: a },
      backend: tf.backend(),
      attrs: { transposeA: false, transposeB: false },
    };
    batchMatMulVia('cpu', fallback)(args as unknown as Parameters<tf.KernelFunc>[0]);
    expect(seen).toEqual([args]);
    expect(seen[0]).toBe(args);
    a.dispose();
  });
});

describe('callKernel', () => {
  it('refuses a kernel the backend lacks, and one that gives several outputs', () => {
    const backend = { disposeData: () => undefined };
    expect(() => callKernel('cpu', 'NoSuchKernel', backend, {}, {})).toThrow(
      new Error('The cpu backend has no NoSuchKernel kernel to compose from.'),
    );
    tf.registerKernel({
      kernelName: 'Twice',
      backendName: 'm16r-several',
      kernelFunc: () => [
        { dataId: {}, shape: [], dtype: 'float32' },
        { dataId: {}, shape: [], dtype: 'float32' },
      ],
    });
    expect(() => callKernel('m16r-several', 'Twice', backend, {}, {})).toThrow(
      new Error('Twice returned several outputs.'),
    );
  });
});

describe('prepareKernels', () => {
  /** Registers CPU's `names` under `backendName`. */
  const borrow = (backendName: string, names: string[]) => {
    for (const name of names) {
      const config = tf.getKernel(name, 'cpu');
      if (config && !tf.getKernel(name, backendName)) tf.registerKernel({ ...config, backendName });
    }
  };

  it('composes the filter gradient where a backend has Conv2D but not it, and nothing where it has no Conv2D', () => {
    borrow('m16r-plain', ['Conv2D', 'PadV2', 'Slice', 'Transpose', 'BatchMatMul', 'Conv2DBackpropInput']);
    borrow('m16r-bare', ['PadV2', 'Slice', 'Transpose']);
    const input = tf.getKernel('Conv2DBackpropInput', 'm16r-plain');
    prepareKernels('m16r-plain');
    prepareKernels('m16r-bare');
    prepareKernels('');
    expect(tf.getKernel('Conv2DBackpropFilter', 'm16r-bare')).toBeUndefined();
    // Not WASM: the input gradient and the matrix product stay the backend's own.
    expect(tf.getKernel('Conv2DBackpropInput', 'm16r-plain')).toBe(input);
    const composed = tf.getKernel('Conv2DBackpropFilter', 'm16r-plain');
    if (!composed) throw new Error('No filter gradient was composed.');
    // It computes through m16r-plain's kernels (CPU's), the 'same' padding's gradient.
    const shape: Shape4 = [1, 4, 5, 2];
    const xv = seeded(40, 3);
    const dyv = seeded(40, 4);
    const x = tf.tensor4d(xv, shape);
    const dy = tf.tensor4d(dyv, [1, 4, 5, 2]);
    const { values } = run(
      composed.kernelFunc,
      { x, dy },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 2] },
    );
    tf.dispose([x, dy]);
    expect(maxDiff(values, filterGradient(xv, shape, dyv, [1, 4, 5, 2], [3, 3], [1, 1], [1, 1, 1, 1]))).toBe(
      0,
    );
    // Prepared again, it keeps what it has.
    prepareKernels('m16r-plain');
    expect(tf.getKernel('Conv2DBackpropFilter', 'm16r-plain')).toBe(composed);
  });

  it('keeps a backend’s own filter gradient, and prepares the active backend by default', () => {
    const own = tf.getKernel('Conv2DBackpropFilter', 'cpu');
    const matMul = tf.getKernel('BatchMatMul', 'cpu');
    prepareKernels();
    prepareKernels('cpu');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(own);
    expect(tf.getKernel('BatchMatMul', 'cpu')).toBe(matMul);
  });
});
