/**
 * heap-kernels.ts on a fake heap (test-kernels.ts: one ArrayBuffer, stale bytes in every fresh block, plain-loop
 * Transpose, Reshape and BatchMatMul): the filter gradient, max-pool gradient and row gather against Float64 loops
 * written from their definitions, every intermediate freed, the fallbacks and refusals. The real WASM heap is
 * compared with CPU in workers/wasm-kernels.test.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  conv2dBackpropFilterOnHeap,
  gatherRowsOnHeap,
  isHeapBackend,
  maxPoolGradOnHeap,
} from './heap-kernels';
import {
  FAKE_HEAP,
  FakeHeap,
  filterOnHeap,
  maxDiff,
  type Pad,
  poolOnHeap,
  registerFakeHeapKernels,
  type Shape4,
  seeded,
} from './test-kernels';

beforeAll(() => {
  registerFakeHeapKernels();
});

describe('conv2dBackpropFilterOnHeap', () => {
  // Stride 1 'same' (one shifted copy per channel: filters of each size, square and not, odd and even sides), and
  // every other stride and padding (a run per output row).
  const cases: Array<[Shape4, [number, number], [number, number], Pad]> = [
    [[2, 5, 6, 2], [3, 3], [1, 1], 'same'],
    [[1, 4, 4, 1], [2, 2], [1, 1], 'same'],
    [[3, 6, 5, 2], [4, 4], [1, 1], 'same'],
    [[1, 7, 6, 3], [5, 5], [1, 1], 'same'],
    [[2, 5, 7, 1], [3, 5], [1, 1], 'same'],
    [[2, 3, 3, 2], [5, 5], [1, 1], 'same'],
    [[2, 7, 8, 2], [3, 3], [2, 2], 'same'],
    [[1, 8, 7, 2], [4, 4], [2, 2], 'same'],
    [[2, 6, 7, 1], [3, 3], [1, 1], 'valid'],
    [[1, 9, 8, 2], [3, 3], [2, 2], 'valid'],
    [[2, 7, 9, 2], [2, 3], [2, 3], 'valid'],
    [[1, 6, 6, 2], [3, 3], [1, 2], 'same'],
    [[2, 5, 5, 1], [3, 3], [1, 1], 1],
    [[1, 6, 7, 2], [3, 3], [2, 2], 2],
    [[1, 5, 6, 1], [3, 3], [3, 3], 3],
  ];
  for (const [shape, k, strides, pad] of cases) {
    it(`gives the Float64 loop's dW for ${shape.join('×')}, filter ${k.join('×')}, stride ${strides}, ${pad}`, () => {
      const { got, expected, shape: outShape, live } = filterOnHeap(shape, k, strides, pad);
      expect(outShape).toEqual([...k, shape[3], 3]);
      expect(maxDiff(got, expected)).toBe(0);
      // x, dy and the output: the transpose, im2col, reshape and product are freed.
      expect(live).toBe(3);
    });
  }

  it('works out a 2 × 2 valid filter by hand: one output, so dW = dy · x', () => {
    const heap = new FakeHeap();
    const x = heap.put([1, 2, 3, 4], [1, 2, 2, 1]);
    const dy = heap.put([3], [1, 1, 1, 1]);
    const out = conv2dBackpropFilterOnHeap(FAKE_HEAP)({
      inputs: { x, dy } as unknown as tf.NamedTensorInfoMap,
      backend: heap as unknown as tf.KernelBackend,
      attrs: {
        strides: 1,
        pad: 'valid',
        dataFormat: 'NHWC',
        filterShape: [2, 2, 1, 1],
      } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    expect(heap.read(out)).toEqual([3, 6, 9, 12]);
  });

  /** The kernel on x [1, 2, 2, 1] of `dtype`, 2 × 2 valid, in `dataFormat`; what it throws, and what is left live. */
  function refused(dtype: tf.DataType, dataFormat: string) {
    const heap = new FakeHeap();
    const x = heap.put([1, 2, 3, 4], [1, 2, 2, 1], dtype);
    const dy = heap.put([1], [1, 1, 1, 1]);
    const attrs = { strides: 1, pad: 'valid', dataFormat, filterShape: [2, 2, 1, 1] };
    const call = () =>
      conv2dBackpropFilterOnHeap(FAKE_HEAP)({
        inputs: { x, dy } as unknown as tf.NamedTensorInfoMap,
        backend: heap as unknown as tf.KernelBackend,
        attrs: attrs as unknown as tf.NamedAttrMap,
      });
    return { call, heap };
  }

  it('refuses NCHW, and a heap view that is not float32, freeing what it made', () => {
    const nchw = refused('float32', 'NCHW');
    expect(nchw.call).toThrow('Conv2DBackpropFilter: only NHWC is implemented here.');
    expect(nchw.heap.live).toBe(2);
    const ints = refused('int32', 'NHWC');
    expect(ints.call).toThrow('Expected a float32 tensor, got int32.');
    // The transpose and im2col are freed on the way out.
    expect(ints.heap.live).toBe(2);
  });
});

/** Seeded small integers (many ties, at zero and above), with NaN and −∞ in places when `holes`. */
function pooled(n: number, seed: number, holes: boolean): number[] {
  return Array.from(seeded(n, seed), (v, i) => {
    if (holes && i % 7 === 3) return Number.NaN;
    if (holes && i % 11 === 5) return Number.NEGATIVE_INFINITY;
    return Math.max(0, Math.round(v * 1.5));
  });
}

describe('maxPoolGradOnHeap', () => {
  const cases: Array<[Shape4, [number, number], [number, number], 'same' | 'valid']> = [
    [[2, 6, 6, 3], [2, 2], [2, 2], 'valid'],
    [[1, 7, 9, 2], [2, 2], [2, 2], 'same'],
    [[2, 8, 7, 2], [2, 2], [3, 3], 'valid'],
    [[1, 6, 6, 3], [2, 2], [3, 2], 'same'],
    [[2, 7, 7, 2], [3, 3], [2, 2], 'same'],
    [[1, 6, 5, 2], [3, 3], [1, 1], 'same'],
    [[1, 5, 6, 3], [2, 2], [1, 1], 'valid'],
    [[1, 6, 6, 1], [2, 3], [2, 2], 'valid'],
    [[2, 9, 9, 2], [3, 3], [3, 3], 'valid'],
  ];
  for (const holes of [false, true]) {
    for (const [shape, f, strides, pad] of cases) {
      it(`gives the Float64 loop's dx for ${shape.join('×')}, window ${f}, stride ${strides}, ${pad}${holes ? ', NaN and −∞' : ''}`, () => {
        const x = pooled(
          shape.reduce((p, d) => p * d),
          13,
          holes,
        );
        const { got, expected, outShape, live } = poolOnHeap(shape, f, strides, pad, x);
        expect(outShape).toEqual(shape);
        expect(maxDiff(got, expected)).toBe(0);
        expect(expected.some((v) => v !== 0)).toBe(true);
        expect(live).toBe(3);
      });
    }
  }

  it('sends each 2 × 2 window’s gradient to its first maximum, by hand', () => {
    // One image, one channel, 2 × 4: windows [[5, 5], [1, 5]] and [[0, 2], [7, 7]]; −∞ and NaN never win.
    const cases: Array<[number[], number[]]> = [
      [
        [5, 5, 0, 2, 1, 5, 7, 7],
        [10, 0, 0, 0, 0, 0, 20, 0],
      ],
      [
        [1, 2, 3, 1, 3, 4, 1, 9],
        [0, 0, 0, 0, 0, 10, 0, 20],
      ],
      [
        [-1, 3, 8, 1, 3, -2, 1, 2],
        [0, 10, 20, 0, 0, 0, 0, 0],
      ],
      [
        [Number.NaN, -3, Number.NEGATIVE_INFINITY, Number.NaN, -4, -5, Number.NEGATIVE_INFINITY, Number.NaN],
        [0, 10, 0, 0, 0, 0, 0, 0],
      ],
    ];
    for (const [x, expected] of cases) {
      const heap = new FakeHeap();
      const input = heap.put(x, [1, 2, 4, 1]);
      const dy = heap.put([10, 20], [1, 1, 2, 1]);
      const out = maxPoolGradOnHeap()({
        inputs: { dy, input } as unknown as tf.NamedTensorInfoMap,
        backend: heap as unknown as tf.KernelBackend,
        attrs: { filterSize: 2, strides: 2, pad: 'valid' } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      expect(heap.read(out), x.join(' ')).toEqual(expected);
    }
  });

  it('adds the gradients of overlapping windows that share a maximum, by hand', () => {
    // 1 × 3, window 1 × 2, stride 1: both windows pick the 9 in the middle.
    const heap = new FakeHeap();
    const input = heap.put([1, 9, 2], [1, 1, 3, 1]);
    const dy = heap.put([10, 20], [1, 1, 2, 1]);
    const out = maxPoolGradOnHeap()({
      inputs: { dy, input } as unknown as tf.NamedTensorInfoMap,
      backend: heap as unknown as tf.KernelBackend,
      attrs: { filterSize: [1, 2], strides: 1, pad: 'valid' } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    expect(heap.read(out)).toEqual([0, 30, 0]);
  });
});

describe('gatherRowsOnHeap', () => {
  const sentinel = { dataId: {}, shape: [0], dtype: 'float32' } as tf.TensorInfo;
  const fallback: tf.KernelFunc = () => sentinel;
  const gather = (heap: FakeHeap, x: tf.TensorInfo, indices: tf.TensorInfo, attrs: object) =>
    gatherRowsOnHeap(fallback)({
      inputs: { x, indices } as unknown as tf.NamedTensorInfoMap,
      backend: heap as unknown as tf.KernelBackend,
      attrs: attrs as tf.NamedAttrMap,
    }) as tf.TensorInfo;

  it('copies whole rows by index, axis 0 or −rank, float32 and int32 bits unchanged', () => {
    const heap = new FakeHeap();
    const values = [0.5, -1, 2, 3, Number.NaN, 5, 6, -7, 8, 9, 10, 11];
    const x = heap.put(values, [4, 3]);
    const xi = heap.put([7, 8, 9, -1, 2 ** 30, 3], [3, 2], 'int32');
    const idx = heap.put([3, 0, 3, 1], [2, 2], 'int32');
    const rows = gather(heap, x, idx, { axis: 0, batchDims: 0 });
    expect(rows.shape).toEqual([2, 2, 3]);
    expect(heap.read(rows)).toEqual([9, 10, 11, 0.5, -1, 2, 9, 10, 11, 3, Number.NaN, 5]);
    const ints = gather(heap, xi, heap.put([2, 1, 0, 2], [4], 'int32'), { axis: -2, batchDims: 0 });
    expect(ints.dtype).toBe('int32');
    expect(heap.read(ints)).toEqual([2 ** 30, 3, 9, -1, 7, 8, 2 ** 30, 3]);
    const one = gather(heap, heap.put([4, 5, 6], [3]), heap.put([2, 2, 0], [3], 'int32'), {
      axis: 0,
      batchDims: 0,
    });
    expect(heap.read(one)).toEqual([6, 6, 4]);
  });

  it('leaves every other gather to the fallback', () => {
    const heap = new FakeHeap();
    const x = heap.put([1, 2, 3, 4], [2, 2]);
    const idx = heap.put([1], [1], 'int32');
    expect(gather(heap, x, idx, { axis: 1, batchDims: 0 })).toBe(sentinel);
    expect(gather(heap, x, idx, { axis: -1, batchDims: 0 })).toBe(sentinel);
    expect(gather(heap, x, idx, { axis: 0, batchDims: 1 })).toBe(sentinel);
    expect(gather(heap, heap.put([1, 0], [2], 'bool'), idx, { axis: 0, batchDims: 0 })).toBe(sentinel);
    expect(gather(heap, x, heap.put([1], [1]), { axis: 0, batchDims: 0 })).toBe(sentinel);
    expect(gather(heap, heap.put([5], []), idx, { axis: 0, batchDims: 0 })).toBe(sentinel);
    expect(gather(heap, heap.put([5, 6], [2], 'int32'), idx, { axis: 0, batchDims: 0 })).not.toBe(sentinel);
  });

  it('refuses an index outside the rows and frees its output', () => {
    for (const [bad, message] of [
      [3, 'GatherV2: the index value 3 is not in [0, 2]'],
      [-1, 'GatherV2: the index value -1 is not in [0, 2]'],
    ] as const) {
      const heap = new FakeHeap();
      const x = heap.put([1, 2, 3, 4, 5, 6], [3, 2]);
      const idx = heap.put([2, bad], [2], 'int32');
      expect(() => gather(heap, x, idx, { axis: 0, batchDims: 0 })).toThrow(new RangeError(message));
      expect(heap.live).toBe(2);
    }
  });
});

describe('isHeapBackend', () => {
  it('needs both heap methods as functions', () => {
    const f = () => undefined;
    expect(isHeapBackend(new FakeHeap())).toBe(true);
    expect(isHeapBackend({ makeOutput: f, typedArrayFromHeap: f })).toBe(true);
    expect(isHeapBackend({ makeOutput: f })).toBe(false);
    expect(isHeapBackend({ typedArrayFromHeap: f })).toBe(false);
    expect(isHeapBackend({ makeOutput: f, typedArrayFromHeap: 1 })).toBe(false);
    expect(isHeapBackend({ makeOutput: 1, typedArrayFromHeap: f })).toBe(false);
    expect(isHeapBackend(null)).toBe(false);
    expect(isHeapBackend(undefined)).toBe(false);
  });
});
