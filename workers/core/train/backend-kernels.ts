/**
 * Kernels composed from other kernels of the same backend. First, the filter gradient of a 2-D convolution
 * (`Conv2DBackpropFilter`) for backends that lack it: tfjs 4.22's WASM backend has Conv2D, Conv2DBackpropInput and
 * MaxPoolGrad, but not this one, so a CNN cannot train there. On WASM it is im2col + one MatMul over the backend's heap
 * (heap-kernels.ts); on a backend whose memory JavaScript cannot reach it is composed from kernels every backend has,
 * called on the backend itself (no engine re-entry, intermediates freed as they go):
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} xpad[n, oh·sh + kh, ow·sw + kw, ci] · dy[n, oh, ow, co]
 * is itself a convolution: of the padded input with the batch as its channel axis ([ci, H, W, n]) by dy as a filter
 * ([oh, ow, n, co], dilated by the stride), transposed back to [kh, kw, ci, co]. Measured on WASM (batch 128, the
 * CNN's second layer, 14 × 14 × 16 → 32): ~65 ms, against ~350 ms for im2col by strided slices, concat and matMul
 * (the heap version builds im2col in a loop instead: README, "One CNN training step").
 * Core chooses no backend: `prepareKernels` only fills the gaps of whichever backend is active. NHWC, dilation 1
 * (what tfjs's conv2d gradient asks for).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterOnHeap, gatherRowsOnHeap, maxPoolGradOnHeap } from './heap-kernels';
import { type Backend, callKernel, filterGradientInfo, type Info } from './kernel-call';

/** The kernel function, for `backendName`'s own PadV2, Slice, Transpose and Conv2D kernels. */
export function conv2dBackpropFilterVia(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: Info; dy: Info };
    const b = backend as unknown as Backend;
    const info = filterGradientInfo(x, attrs);
    const { batchSize: n, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const { filterHeight: kh, filterWidth: kw, inChannels: ci, padInfo } = info;
    const temps: Info[] = [];
    const keep = (t: Info) => {
      temps.push(t);
      return t;
    };
    try {
      const padded =
        padInfo.top || padInfo.bottom || padInfo.left || padInfo.right
          ? keep(
              callKernel(
                backendName,
                'PadV2',
                b,
                { x },
                {
                  paddings: [
                    [0, 0],
                    [padInfo.top, padInfo.bottom],
                    [padInfo.left, padInfo.right],
                    [0, 0],
                  ],
                  constantValue: 0,
                },
              ),
            )
          : x;
      // Exactly the rows and columns the filter positions reach (padding can leave one more at the end).
      const reachH = kh + (oh - 1) * sh;
      const reachW = kw + (ow - 1) * sw;
      const cropped =
        padded.shape[1] === reachH && padded.shape[2] === reachW
          ? padded
          : keep(
              callKernel(
                backendName,
                'Slice',
                b,
                { x: padded },
                { begin: [0, 0, 0, 0], size: [n, reachH, reachW, ci] },
              ),
            );
      // The batch becomes the channel axis: input [ci, H, W, n], filter dy as [oh, ow, n, co], dilated by the stride.
      const input = keep(callKernel(backendName, 'Transpose', b, { x: cropped }, { perm: [3, 1, 2, 0] }));
      const filter = keep(callKernel(backendName, 'Transpose', b, { x: dy }, { perm: [1, 2, 0, 3] }));
      const conv = keep(
        callKernel(
          backendName,
          'Conv2D',
          b,
          { x: input, filter },
          {
            strides: [1, 1],
            pad: 'valid',
            dataFormat: 'NHWC',
            dilations: [sh, sw],
            dimRoundingMode: undefined,
          },
        ),
      );
      return callKernel(backendName, 'Transpose', b, { x: conv }, { perm: [1, 2, 0, 3] });
    } finally {
      for (const t of temps) b.disposeData(t.dataId);
    }
  };
}

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * The input gradient of a stride-1 convolution as a convolution: dy, padded so the output has the input's size, by
 * the filter turned 180° with its channel axes swapped. Other strides go to `fallback` (the backend's own kernel).
 */
export function conv2dBackpropInputVia(backendName: string, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: Info; filter: Info };
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    if (sh !== 1 || sw !== 1 || a.dataFormat === 'NCHW') return fallback(args);
    const b = backend as unknown as Backend;
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      1,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const {
      inHeight: h,
      inWidth: w,
      outHeight: oh,
      outWidth: ow,
      filterHeight: kh,
      filterWidth: kw,
      padInfo,
    } = info;
    const top = kh - 1 - padInfo.top;
    const left = kw - 1 - padInfo.left;
    const temps: Info[] = [];
    const keep = (t: Info) => {
      temps.push(t);
      return t;
    };
    try {
      const flipped = keep(callKernel(backendName, 'Reverse', b, { x: filter }, { dims: [0, 1] }));
      const swapped = keep(callKernel(backendName, 'Transpose', b, { x: flipped }, { perm: [0, 1, 3, 2] }));
      return callKernel(
        backendName,
        'Conv2D',
        b,
        { x: dy, filter: swapped },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [top, h + kh - 1 - oh - top],
            [left, w + kw - 1 - ow - left],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [1, 1],
          dimRoundingMode: undefined,
        },
      );
    } finally {
      for (const t of temps) b.disposeData(t.dataId);
    }
  };
}

interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * A matrix product with a transposed operand as an explicit transpose and a plain product: `fallback` (the backend's
 * own kernel) then takes its fast path. Every Dense layer's weight gradient is aᵀ·dy and its input gradient dy·Wᵀ.
 */
export function batchMatMulVia(backendName: string, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return fallback(args);
    const bk = backend as unknown as Backend;
    const temps: Info[] = [];
    const flip = (t: Info) => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      const out = callKernel(backendName, 'Transpose', bk, { x: t }, { perm });
      temps.push(out);
      return out;
    };
    try {
      return fallback({
        inputs: {
          a: transposeA ? flip(a) : a,
          b: transposeB ? flip(b) : b,
        } as unknown as tf.NamedTensorInfoMap,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
      });
    } finally {
      for (const t of temps) bk.disposeData(t.dataId);
    }
  };
}

/**
 * Backends whose own Conv2DBackpropInput and transposed BatchMatMul are plain loops, several times slower than their
 * Conv2D and plain BatchMatMul (XNNPACK). Measured on WASM in Node: the CNN's second layer's input gradient (batch
 * 128, 14 × 14 × 16 → 32) ~31 ms as a convolution against ~143 ms; aᵀ·dy for a [128, 1568] × [128, 64] Dense gradient
 * 3.1 ms with an explicit transpose against 28.7 ms, dy·Wᵀ 1.4 + transpose against 53 ms.
 */
const SLOW_TRANSPOSED_KERNELS = new Set(['wasm']);
/**
 * Backends whose tensors live in one memory JavaScript can read and write (heap-kernels.ts): there the filter
 * gradient is im2col + one MatMul, and the max-pool gradient and row gathers are loops over that memory.
 */
const HEAP_BACKENDS = new Set(['wasm']);
/** Backends whose kernels were replaced already (a fallback is always the backend's original kernel). */
const replaced = new Set<string>();

function replaceKernel(
  name: string,
  backendName: string,
  make: (original: tf.KernelFunc) => tf.KernelFunc,
): void {
  const original = tf.getKernel(name, backendName);
  if (!original) return;
  tf.unregisterKernel(name, backendName);
  // The original's setup stays: a WASM kernel's setupFunc binds its function when the backend starts, which happens
  // after this when a backend is prepared before it is activated (train-backends.ts).
  tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
}

/**
 * Prepares a backend's kernels (the active one by default; idempotent): registers the filter gradient of Conv2D
 * where the backend has none (WASM: im2col + MatMul on its heap; elsewhere composed from its own kernels), and on
 * WASM routes the input gradient of stride-1 convolutions and transposed matrix products to its fast kernels and
 * replaces its max-pool gradient and row gathers with loops over its heap. Results are the same sums in another order
 * (agreement is tested against CPU). Called wherever a backend is activated, when a CNN is built, and before a
 * backend is judged by the kernels it has (a backend's kernels are registered when its module loads, so it need not
 * be active). A backend whose module is not loaded (no Conv2D to compose from) is left alone.
 */
export function prepareKernels(backendName: string = tf.getBackend()): void {
  if (!backendName || !tf.getKernel('Conv2D', backendName)) return;
  const onHeap = HEAP_BACKENDS.has(backendName);
  if (!tf.getKernel('Conv2DBackpropFilter', backendName)) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: onHeap ? conv2dBackpropFilterOnHeap(backendName) : conv2dBackpropFilterVia(backendName),
    });
  }
  if (SLOW_TRANSPOSED_KERNELS.has(backendName) && !replaced.has(backendName)) {
    replaced.add(backendName);
    replaceKernel('Conv2DBackpropInput', backendName, (original) =>
      conv2dBackpropInputVia(backendName, original),
    );
    replaceKernel('BatchMatMul', backendName, (original) => batchMatMulVia(backendName, original));
    if (onHeap) {
      replaceKernel('MaxPoolGrad', backendName, () => maxPoolGradOnHeap());
      replaceKernel('GatherV2', backendName, (original) => gatherRowsOnHeap(original));
    }
  }
}
