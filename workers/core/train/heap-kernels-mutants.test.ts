/**
 * heap-kernels.ts, the cases its first Stryker run (twentieth round) showed untested: filters one pixel wide or high,
 * a left overhang of two, writes past the im2col block (the same-size fill works on a view of the whole heap, so an
 * overrun there would land in another tensor), dtypes the heap must know, 2 × 2 windows that overlap in one
 * direction, windows cut at the bottom of one image above another, and a window with no number in the general path.
 * Expected values: the Float64 loops of test-kernels.ts, or by hand.
 */
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxPoolGradOnHeap } from './heap-kernels';
import {
  FakeHeap,
  filterOnHeap,
  maxDiff,
  type Pad,
  poolOnHeap,
  registerFakeHeapKernels,
  type Shape4,
  seededOf,
} from './test-kernels';

beforeAll(() => {
  registerFakeHeapKernels();
});

describe('conv2dBackpropFilterOnHeap, edges', () => {
  const cases: Array<[Shape4, [number, number], [number, number], Pad]> = [
    [[2, 5, 6, 2], [3, 1], [1, 1], 'valid'],
    [[2, 5, 6, 2], [1, 3], [1, 1], 'valid'],
    [[2, 7, 5, 1], [3, 1], [2, 1], 'valid'],
    [[2, 5, 6, 2], [1, 3], [1, 1], 'same'],
    [[2, 5, 6, 2], [3, 1], [1, 1], 'same'],
    [[2, 4, 5, 2], [3, 3], [1, 1], 'same'],
    [[2, 5, 6, 2], [2, 2], [1, 1], 'same'],
    [[1, 5, 6, 2], [3, 3], [1, 1], 2],
    [[1, 1, 1, 2], [3, 3], [2, 2], 'same'],
  ];
  for (const [shape, k, strides, pad] of cases) {
    it(`gives the Float64 loop's dW for ${shape.join('×')}, filter ${k.join('×')}, stride ${strides}, ${pad}, within its blocks`, () => {
      const { got, expected, dtype, guards } = filterOnHeap(shape, k, strides, pad, 2, [3, 4]);
      expect(maxDiff(got, expected)).toBe(0);
      expect(guards).toBe(true);
      expect(dtype).toBe('float32');
    });
  }
});

describe('maxPoolGradOnHeap, edges', () => {
  const cases: Array<[Shape4, [number, number], [number, number], 'same' | 'valid']> = [
    [[2, 6, 6, 2], [2, 2], [1, 2], 'valid'],
    [[2, 6, 6, 2], [2, 2], [2, 1], 'valid'],
    [[2, 7, 9, 2], [2, 2], [2, 2], 'same'],
    [[2, 6, 7, 3], [2, 3], [2, 2], 'same'],
    [[2, 7, 6, 3], [3, 2], [2, 2], 'same'],
  ];
  for (const [shape, f, strides, pad] of cases) {
    it(`gives the Float64 loop's dx for ${shape.join('×')}, window ${f.join('×')}, stride ${strides}, ${pad}`, () => {
      // Few distinct values: windows that overlap often share their maximum.
      const x = Array.from(seededOf(shape, 21), (v) => Math.max(0, Math.round(v)));
      const { got, expected, dtype } = poolOnHeap(shape, f, strides, pad, x, 9);
      expect(dtype).toBe('float32');
      expect(maxDiff(got, expected)).toBe(0);
    });
  }

  it('reads a 2 × 2 window cut by the bottom padding as one row, not the next image’s first, by hand', () => {
    // Two images of 3 × 2, window 2 × 2, stride 2, 'same': one row of padding below, so the second row of windows
    // holds image row 2 only. Image 0: zeros but a 1 at (2, 0); image 1: a 9 at (0, 0).
    const heap = new FakeHeap();
    const input = heap.put([0, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0, 0], [2, 3, 2, 1]);
    const dy = heap.put([1, 2, 3, 4], [2, 2, 1, 1]);
    const out = maxPoolGradOnHeap()({
      inputs: { dy, input } as unknown as tf.NamedTensorInfoMap,
      backend: heap as unknown as tf.KernelBackend,
      attrs: { filterSize: 2, strides: 2, pad: 'same' } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    expect(heap.read(out)).toEqual([1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 4, 0]);
  });

  it('passes nothing from a 3 × 3 window with no number, channel by channel, by hand', () => {
    // Channel 0 all NaN, channel 1 NaN but a 2 in the middle cell: only that cell takes channel 1's gradient.
    const x = Array.from({ length: 18 }, (_, i) => (i === 9 ? 2 : Number.NaN));
    const heap = new FakeHeap();
    const input = heap.put(x, [1, 3, 3, 2]);
    const dy = heap.put([5, 7], [1, 1, 1, 2]);
    const out = maxPoolGradOnHeap()({
      inputs: { dy, input } as unknown as tf.NamedTensorInfoMap,
      backend: heap as unknown as tf.KernelBackend,
      attrs: { filterSize: 3, strides: 1, pad: 'valid' } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    expect(heap.read(out)).toEqual(Array.from({ length: 18 }, (_, i) => (i === 9 ? 7 : 0)));
  });
});
