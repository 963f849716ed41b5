/**
 * backend-kernels.ts, the cases its first Stryker run (twentieth round) showed untested: padding on one side only
 * (each side alone must make the composed filter gradient pad), and a transposed product reaching the backend's own
 * kernel without its transposes, and a backend that refuses to free what is not its own. Expected values: the
 * Float64 loops of test-kernels.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMatMulVia, conv2dBackpropFilterVia, conv2dBackpropInputVia } from './backend-kernels';
import { filterGradient, geometry, matMul, maxDiff, type Shape4, seededOf } from './test-kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conv2dBackpropFilterVia, one side padded', () => {
  const sides: Array<[string, tf.backend_util.ExplicitPadding]> = [
    [
      'top',
      [
        [0, 0],
        [1, 0],
        [0, 0],
        [0, 0],
      ],
    ],
    [
      'bottom',
      [
        [0, 0],
        [0, 1],
        [0, 0],
        [0, 0],
      ],
    ],
    [
      'left',
      [
        [0, 0],
        [0, 0],
        [1, 0],
        [0, 0],
      ],
    ],
    [
      'right',
      [
        [0, 0],
        [0, 0],
        [0, 1],
        [0, 0],
      ],
    ],
  ];
  for (const [side, pad] of sides) {
    it(`gives the Float64 loop's dW with one row or column of zeros on the ${side}`, () => {
      const shape: Shape4 = [2, 5, 6, 2];
      const k: [number, number] = [2, 3];
      const { oh, ow, pads } = geometry(shape, k, [1, 1], pad);
      const dyShape: Shape4 = [2, oh, ow, 3];
      const xv = seededOf(shape, 1);
      const dyv = seededOf(dyShape, 2);
      const x = tf.tensor4d(xv, shape);
      const dy = tf.tensor4d(dyv, dyShape);
      const backend = tf.backend();
      const out = conv2dBackpropFilterVia('cpu')({
        inputs: { x, dy } as unknown as tf.NamedTensorInfoMap,
        backend,
        attrs: {
          strides: 1,
          pad,
          dataFormat: 'NHWC',
          filterShape: [...k, 2, 3],
        } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      const values = Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      tf.dispose([x, dy]);
      expect(maxDiff(values, filterGradient(xv, shape, dyv, dyShape, k, [1, 1], pads))).toBe(0);
    });
  }
});

describe('batchMatMulVia, the fast path', () => {
  it('hands the backend’s own kernel plain products only, with the Float64 loop’s result', () => {
    const own = tf.getKernel('BatchMatMul', 'cpu')?.kernelFunc;
    if (!own) throw new Error('CPU has no BatchMatMul.');
    const seen: Array<[unknown, unknown]> = [];
    const fallback: tf.KernelFunc = (args) => {
      const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      seen.push([attrs.transposeA, attrs.transposeB]);
      return own(args);
    };
    for (const [transposeA, transposeB] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const aShape: [number, number, number] = transposeA ? [1, 4, 3] : [1, 3, 4];
      const bShape: [number, number, number] = transposeB ? [1, 2, 4] : [1, 4, 2];
      const av = seededOf(aShape, 3);
      const bv = seededOf(bShape, 4);
      const a = tf.tensor3d(av, aShape);
      const b = tf.tensor3d(bv, bShape);
      const backend = tf.backend();
      const out = batchMatMulVia(
        'cpu',
        fallback,
      )({
        inputs: { a, b } as unknown as tf.NamedTensorInfoMap,
        backend,
        attrs: { transposeA, transposeB } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      const values = Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      tf.dispose([a, b]);
      expect(maxDiff(values, matMul(av, aShape, bv, bShape, transposeA, transposeB))).toBe(0);
    }
    expect(seen).toEqual([
      [false, false],
      [false, false],
      [false, false],
    ]);
  });
});

describe('the composed kernels free only what they made', () => {
  it('run on a backend that refuses to free an unknown buffer', () => {
    const cpu = tf.backend() as tf.KernelBackend & { data: { has(id: object): boolean } };
    // CPU itself ignores an unknown id; this one throws, as WASM's lookup would.
    const strict = new Proxy(cpu, {
      get(target, key) {
        if (key === 'disposeData')
          return (id: object) => {
            if (!target.data.has(id)) throw new Error('Not a buffer of this backend.');
            return target.disposeData(id);
          };
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const x = tf.ones([1, 4, 4, 1]);
    const dy = tf.ones([1, 4, 4, 1]);
    const w = tf.ones([3, 3, 1, 1]);
    const a = tf.ones([1, 2, 3]);
    const own = tf.getKernel('BatchMatMul', 'cpu')?.kernelFunc;
    if (!own) throw new Error('CPU has no BatchMatMul.');
    const calls = [
      () =>
        conv2dBackpropFilterVia('cpu')({
          inputs: { x, dy } as unknown as tf.NamedTensorInfoMap,
          backend: strict,
          attrs: {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: [3, 3, 1, 1],
          } as unknown as tf.NamedAttrMap,
        }),
      () =>
        conv2dBackpropInputVia('cpu', () => {
          throw new Error('No fallback at stride 1.');
        })({
          inputs: { dy, filter: w } as unknown as tf.NamedTensorInfoMap,
          backend: strict,
          attrs: {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            inputShape: [1, 4, 4, 1],
          } as unknown as tf.NamedAttrMap,
        }),
      () =>
        batchMatMulVia(
          'cpu',
          own,
        )({
          inputs: { a, b: a } as unknown as tf.NamedTensorInfoMap,
          backend: strict,
          attrs: { transposeA: true, transposeB: false } as unknown as tf.NamedAttrMap,
        }),
    ];
    for (const call of calls) {
      const out = call() as tf.TensorInfo;
      expect(cpu.data.has(out.dataId)).toBe(true);
      cpu.disposeData(out.dataId);
    }
    tf.dispose([x, dy, w, a]);
  });
});
