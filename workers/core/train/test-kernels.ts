/**
 * Test-only helpers for the kernel tests (imported by *.test.ts, never by app code): the gradients as plain Float64
 * loops written from their definitions (the oracle; no tfjs), seeded inputs, and a fake heap backend, one
 * ArrayBuffer that the heap kernels of heap-kernels.ts read and write, with plain-loop Transpose, Reshape and
 * BatchMatMul kernels registered under its own backend name.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { conv2dBackpropFilterOnHeap, type HeapBackend, maxPoolGradOnHeap } from './heap-kernels';

export type Shape4 = [number, number, number, number];
/** Padding as [top, bottom, left, right]. */
export type Pads = [number, number, number, number];

/** Seeded values in [-2, 2), rounded to eighths so that sums are exact in float32. */
export function seeded(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => Math.round((4 * rng.next() - 2) * 8) / 8);
}

/** A 'same' or 'valid' convolution's (or pool's) output size and padding along one axis, by TensorFlow's rule. */
export function axis(
  size: number,
  k: number,
  stride: number,
  pad: 'same' | 'valid',
): [number, number, number] {
  if (pad === 'valid') return [Math.ceil((size - k + 1) / stride), 0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return [out, before, total - before];
}

/** A convolution's padding: TensorFlow's rule, a number on each side, or explicit [[0, 0], [t, b], [l, r], [0, 0]]. */
export type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** A convolution's output size and [top, bottom, left, right] padding, worked out from `pad` as TensorFlow does. */
export function geometry(shape: Shape4, [kh, kw]: [number, number], [sh, sw]: [number, number], pad: Pad) {
  if (pad === 'same' || pad === 'valid') {
    const [oh, top, bottom] = axis(shape[1], kh, sh, pad);
    const [ow, left, right] = axis(shape[2], kw, sw, pad);
    return { oh, ow, pads: [top, bottom, left, right] as Pads };
  }
  const [t, b, l, r] =
    typeof pad === 'number' ? [pad, pad, pad, pad] : [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  const oh = Math.floor((shape[1] + t + b - kh) / sh) + 1;
  const ow = Math.floor((shape[2] + l + r - kw) / sw) + 1;
  return { oh, ow, pads: [t, b, l, r] as Pads };
}

/** seeded() for a tensor of `shape`. */
export function seededOf(shape: number[], seed: number): Float32Array {
  return seeded(
    shape.reduce((p, d) => p * d, 1),
    seed,
  );
}

/** dW[r, s, c, o] = Σ x[n, y·sh + r − top, q·sw + s − left, c] · dy[n, y, q, o], x zero outside the image. */
export function filterGradient(
  x: ArrayLike<number>,
  [n, h, w, ci]: Shape4,
  dy: ArrayLike<number>,
  [, oh, ow, co]: Shape4,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  [top, , left]: Pads,
): Float64Array {
  const dw = new Float64Array(kh * kw * ci * co);
  for (let r = 0; r < kh; r++)
    for (let s = 0; s < kw; s++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let b = 0; b < n; b++)
            for (let y = 0; y < oh; y++)
              for (let q = 0; q < ow; q++) {
                const i = y * sh + r - top;
                const j = q * sw + s - left;
                if (i < 0 || i >= h || j < 0 || j >= w) continue;
                sum += (x[((b * h + i) * w + j) * ci + c] ?? 0) * (dy[((b * oh + y) * ow + q) * co + o] ?? 0);
              }
          dw[((r * kw + s) * ci + c) * co + o] = sum;
        }
  return dw;
}

/** dx[n, i, j, c] = Σ w[r, s, c, o] · dy[n, y, q, o] over i = y + r − top, j = q + s − left (stride 1). */
export function inputGradient(
  wt: ArrayLike<number>,
  [kh, kw, ci, co]: Shape4,
  dy: ArrayLike<number>,
  [n, oh, ow]: Shape4,
  [h, w]: [number, number],
  [top, , left]: Pads,
): Float64Array {
  const dx = new Float64Array(n * h * w * ci);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let q = 0; q < ow; q++)
        for (let r = 0; r < kh; r++)
          for (let s = 0; s < kw; s++) {
            const i = y + r - top;
            const j = q + s - left;
            if (i < 0 || i >= h || j < 0 || j >= w) continue;
            for (let c = 0; c < ci; c++)
              for (let o = 0; o < co; o++)
                dx[((b * h + i) * w + j) * ci + c] +=
                  (wt[((r * kw + s) * ci + c) * co + o] ?? 0) * (dy[((b * oh + y) * ow + q) * co + o] ?? 0);
          }
  return dx;
}

/** Each window's dy added to its first strictly largest cell (row-major); cells outside the image take no part. */
export function poolGradient(
  x: ArrayLike<number>,
  [n, h, w, ch]: Shape4,
  dy: ArrayLike<number>,
  [oh, ow]: [number, number],
  [fh, fw]: [number, number],
  [sh, sw]: [number, number],
  [top, left]: [number, number],
): Float64Array {
  const dx = new Float64Array(n * h * w * ch);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let q = 0; q < ow; q++)
        for (let c = 0; c < ch; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = 0; r < fh; r++)
            for (let s = 0; s < fw; s++) {
              const i = y * sh + r - top;
              const j = q * sw + s - left;
              if (i < 0 || i >= h || j < 0 || j >= w) continue;
              const v = x[((b * h + i) * w + j) * ch + c] ?? Number.NaN;
              if (v > best) {
                best = v;
                at = ((b * h + i) * w + j) * ch + c;
              }
            }
          if (at >= 0) dx[at] = (dx[at] ?? 0) + (dy[((b * oh + y) * ow + q) * ch + c] ?? 0);
        }
  return dx;
}

/** c[i, j] = Σ_k a[i, k] · b[k, j] per batch, with either operand read transposed. */
export function matMul(
  a: ArrayLike<number>,
  [batch, ar, ac]: [number, number, number],
  b: ArrayLike<number>,
  [, br, bc]: [number, number, number],
  transposeA: boolean,
  transposeB: boolean,
): Float64Array {
  const [rows, inner] = transposeA ? [ac, ar] : [ar, ac];
  const cols = transposeB ? br : bc;
  const out = new Float64Array(batch * rows * cols);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let k = 0; k < inner; k++) {
          const av = a[t * ar * ac + (transposeA ? k * ac + i : i * ac + k)] ?? 0;
          const bv = b[t * br * bc + (transposeB ? j * bc + k : k * bc + j)] ?? 0;
          sum += av * bv;
        }
        out[(t * rows + i) * cols + j] = sum;
      }
  return out;
}

/** The largest absolute difference. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) || 0);
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.NaN;
  return worst;
}

/** Floats after each fake-heap block that no kernel may write, and what they hold. */
const GUARD = 256;
const GUARD_VALUE = 4321.5;

interface Block {
  offset: number;
  length: number;
  dtype: tf.DataType;
}

/**
 * One ArrayBuffer as a heap, blocks handed out one after another from a non-zero offset, every fresh block filled
 * with 99 (stale memory a kernel must overwrite). Counts what is live, so a test sees every intermediate freed.
 */
export class FakeHeap implements HeapBackend {
  readonly buffer = new ArrayBuffer(1 << 22);
  private next = 256;
  private readonly blocks = new Map<object, Block>();

  /** Where each block's guard begins: GUARD floats after it, never to be written. */
  private readonly guards: number[] = [];

  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo {
    if (!['float32', 'int32', 'bool'].includes(dtype)) throw new Error(`No such dtype: '${dtype}'.`);
    const length = shape.reduce((p, d) => p * d, 1);
    const dataId = {};
    this.blocks.set(dataId, { offset: this.next, length, dtype });
    new Uint8Array(this.buffer, this.next, length * 4).fill(99);
    this.guards.push(this.next + length * 4);
    new Float32Array(this.buffer, this.next + length * 4, GUARD).fill(GUARD_VALUE);
    this.next += (length + GUARD) * 4;
    return { dataId, shape: [...shape], dtype };
  }

  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
    const b = this.blocks.get(info.dataId);
    if (!b) throw new Error('Not on this heap (or freed).');
    if (b.dtype === 'int32') return new Int32Array(this.buffer, b.offset, b.length);
    if (b.dtype === 'bool') return new Uint8Array(this.buffer, b.offset, b.length);
    return new Float32Array(this.buffer, b.offset, b.length);
  }

  disposeData(dataId: object): void {
    if (!this.blocks.delete(dataId)) throw new Error('Freed twice, or not on this heap.');
  }

  /** Whether every guard still holds GUARD_VALUE: no kernel wrote past a block, even one freed since. */
  guardsIntact(): boolean {
    return this.guards.every((at) =>
      new Float32Array(this.buffer, at, GUARD).every((v) => v === GUARD_VALUE),
    );
  }

  get live(): number {
    return this.blocks.size;
  }

  put(values: ArrayLike<number>, shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
    const t = this.makeOutput(shape, dtype);
    this.typedArrayFromHeap(t).set(values);
    return t;
  }

  read(t: tf.TensorInfo): number[] {
    return Array.from(this.typedArrayFromHeap(t));
  }
}

/** The backend name of the fake heap's kernels. */
export const FAKE_HEAP = 'm16r-fake-heap';

type Args = { inputs: Record<string, tf.TensorInfo>; backend: FakeHeap; attrs: Record<string, unknown> };

function fake(kernelName: string, f: (a: Args) => tf.TensorInfo): void {
  if (tf.getKernel(kernelName, FAKE_HEAP)) return;
  tf.registerKernel({ kernelName, backendName: FAKE_HEAP, kernelFunc: f as unknown as tf.KernelFunc });
}

/** Registers the fake heap's Transpose (4-D), Reshape (a copy) and BatchMatMul (no transposes). */
export function registerFakeHeapKernels(): void {
  fake('Transpose', ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const perm = attrs.perm as number[];
    const shape = perm.map((p) => x.shape[p] ?? 0);
    const out = backend.makeOutput(shape, x.dtype);
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const [a, b, c, d] = x.shape as Shape4;
    const strides = [b * c * d, c * d, d, 1];
    let k = 0;
    for (let i0 = 0; i0 < (shape[0] ?? 0); i0++)
      for (let i1 = 0; i1 < (shape[1] ?? 0); i1++)
        for (let i2 = 0; i2 < (shape[2] ?? 0); i2++)
          for (let i3 = 0; i3 < (shape[3] ?? 0); i3++) {
            const idx = [i0, i1, i2, i3];
            let src = 0;
            perm.forEach((p, j) => {
              src += (idx[j] ?? 0) * (strides[p] ?? 0);
            });
            to[k++] = from[src] ?? Number.NaN;
          }
    if (a * b * c * d !== k) throw new Error('Transpose: not 4-D.');
    return out;
  });
  fake('Reshape', ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const out = backend.makeOutput(attrs.shape as number[], x.dtype);
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
    return out;
  });
  fake('BatchMatMul', ({ inputs, backend, attrs }) => {
    if (attrs.transposeA || attrs.transposeB) throw new Error('BatchMatMul: no transposes here.');
    const a = inputs.a as tf.TensorInfo;
    const b = inputs.b as tf.TensorInfo;
    const product = matMul(
      backend.typedArrayFromHeap(a),
      a.shape as [number, number, number],
      backend.typedArrayFromHeap(b),
      b.shape as [number, number, number],
      false,
      false,
    );
    return backend.put(product, [a.shape[0] ?? 0, a.shape[1] ?? 0, b.shape[2] ?? 0]);
  });
}

/**
 * conv2dBackpropFilterOnHeap on a fresh fake heap, seeded x and dy (`co` output channels): its values, shape and
 * dtype, the Float64 loop's, what is left live, and whether every guard held.
 */
export function filterOnHeap(
  shape: Shape4,
  k: [number, number],
  strides: [number, number],
  pad: Pad,
  co = 3,
  [xSeed, dySeed] = [7, 8],
) {
  registerFakeHeapKernels();
  const heap = new FakeHeap();
  const { oh, ow, pads } = geometry(shape, k, strides, pad);
  const dyShape: Shape4 = [shape[0], oh, ow, co];
  const xv = seededOf(shape, xSeed);
  const dyv = seededOf(dyShape, dySeed);
  const x = heap.put(xv, shape);
  const dy = heap.put(dyv, dyShape);
  const out = conv2dBackpropFilterOnHeap(FAKE_HEAP)({
    inputs: { x, dy } as unknown as tf.NamedTensorInfoMap,
    backend: heap as unknown as tf.KernelBackend,
    attrs: {
      strides,
      pad,
      dataFormat: 'NHWC',
      filterShape: [...k, shape[3], co],
    } as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const expected = filterGradient(xv, shape, dyv, dyShape, k, strides, pads);
  return {
    got: heap.read(out),
    expected,
    shape: out.shape,
    dtype: out.dtype,
    live: heap.live,
    guards: heap.guardsIntact(),
  };
}

/** maxPoolGradOnHeap on a fresh fake heap over `x`, dy seeded: its values, shape and dtype, the Float64 loop's, what is live. */
export function poolOnHeap(
  shape: Shape4,
  f: [number, number],
  strides: [number, number],
  pad: 'same' | 'valid',
  x: ArrayLike<number>,
  dySeed = 11,
) {
  const heap = new FakeHeap();
  const [oh, top] = axis(shape[1], f[0], strides[0], pad);
  const [ow, left] = axis(shape[2], f[1], strides[1], pad);
  const dyv = seededOf([shape[0], oh, ow, shape[3]], dySeed);
  const input = heap.put(x, shape);
  const dy = heap.put(dyv, [shape[0], oh, ow, shape[3]]);
  const out = maxPoolGradOnHeap()({
    inputs: { dy, input } as unknown as tf.NamedTensorInfoMap,
    backend: heap as unknown as tf.KernelBackend,
    attrs: { filterSize: f, strides, pad } as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const expected = poolGradient(x, shape, dyv, [oh, ow], f, strides, [top, left]);
  return { got: heap.read(out), expected, outShape: out.shape, dtype: out.dtype, live: heap.live };
}
