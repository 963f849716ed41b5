/**
 * What the kernels Sift composes or replaces (backend-kernels.ts, heap-kernels.ts) share: calling a backend's own
 * kernel directly (no engine re-entry: the caller frees what it made), and the geometry of a filter gradient.
 */
import * as tf from '@tensorflow/tfjs';

export type Info = tf.TensorInfo;
/** What every composed kernel needs of its backend: freeing its intermediates. */
export interface Backend {
  disposeData(dataId: object): void;
}

export interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** `backendName`'s own `kernel` on `inputs`, called as the engine would, one output. */
export function callKernel(
  backendName: string,
  kernel: string,
  backend: Backend,
  inputs: Record<string, Info>,
  attrs: object,
): Info {
  const config = tf.getKernel(kernel, backendName);
  if (!config) throw new Error(`The ${backendName} backend has no ${kernel} kernel to compose from.`);
  const out = config.kernelFunc({
    inputs: inputs as unknown as tf.NamedTensorInfoMap,
    backend: backend as unknown as tf.KernelBackend,
    attrs: attrs as unknown as tf.NamedAttrMap,
  });
  if (Array.isArray(out)) throw new Error(`${kernel} returned several outputs.`);
  return out;
}

/** The convolution a filter gradient belongs to (NHWC, dilation 1: what tfjs's conv2d gradient asks for). */
export function filterGradientInfo(x: Info, attrs: unknown): tf.backend_util.Conv2DInfo {
  const a = attrs as Conv2DBackpropFilterAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC is implemented here.');
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}
