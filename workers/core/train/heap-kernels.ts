/**
 * Kernels for backends that keep every tensor in one linear memory JavaScript can see (tfjs's WASM backend: its heap),
 * written as plain loops over that memory where the backend's own kernel is slow or missing (issue 11: one training
 * step of the image CNN on WASM). Each reads its inputs and writes a fresh output on the heap, and computes what the
 * CPU backend's kernel computes (agreement tested in workers/wasm-kernels.test.ts):
 * - the filter gradient of a 2-D convolution as one matrix product: the input's patches laid out as rows
 *   (im2col, transposed: [kh·kw·ci, n·oh·ow]) by dy as [n·oh·ow, co], on the backend's own (XNNPACK) MatMul; at
 *   stride 1 with 'same' padding each row of that matrix is one shifted copy of an input channel;
 * - the max-pool gradient: each window's gradient to its first largest input, as CPU's maxPoolPositions picks it
 *   (2 × 2 windows that do not overlap, the CNN's, unrolled);
 * - a gather of whole rows (axis 0): row copies inside the heap, where the backend's own kernel steps element by
 *   element (the recording pass gathers every row of the dataset each epoch).
 * Core chooses no backend and imports none: the heap is reached through the two methods below.
 */
import * as tf from '@tensorflow/tfjs';
import { callKernel, filterGradientInfo, type Info } from './kernel-call';

/** What these kernels need of a heap backend (tfjs-backend-wasm's BackendWasm has both). */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): void;
}

/** True when `backend` exposes its tensors' memory (the WASM backend does). */
export function isHeapBackend(backend: unknown): backend is HeapBackend {
  const b = backend as Partial<HeapBackend> | null;
  return typeof b?.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
}

function floats(b: HeapBackend, t: Info): Float32Array {
  const v = b.typedArrayFromHeap(t);
  if (!(v instanceof Float32Array)) throw new Error(`Expected a float32 tensor, got ${t.dtype}.`);
  return v;
}

/**
 * Conv2DBackpropFilter, NHWC, dilation 1 (what tfjs's conv2d gradient asks for):
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n, oh, ow, co]
 * (x outside the image is 0), i.e. colᵀ · dy with colᵀ[(kh, kw, ci), (n, oh, ow)] filled here, then
 * `backendName`'s BatchMatMul. Measured on WASM in Node (batch 128, the CNN's 14 × 14 × 16 → 32 layer): see README.
 */
export function conv2dBackpropFilterOnHeap(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: Info; dy: Info };
    const b = backend as unknown as HeapBackend;
    const info = filterGradientInfo(x, attrs);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const { filterHeight: kh, filterWidth: kw } = info;
    const m = n * oh * ow;
    const k = kh * kw * ci;
    // x with its channels first ([ci, n, h, w]), so that every run of colᵀ reads a run of one input row.
    const xt = callKernel(backendName, 'Transpose', b, { x }, { perm: [3, 0, 1, 2] });
    const temps: Info[] = [xt];
    try {
      const colT = b.makeOutput([1, k, m], 'float32');
      temps.push(colT);
      // Views after the allocations: growing the heap replaces its buffer.
      const xs = floats(b, xt);
      const col = floats(b, colT);
      if (sh === 1 && sw === 1 && oh === h && ow === w) columnsOfSameSize(xs, col, info);
      else columnsByRuns(xs, col, info);
      const dy3 = callKernel(backendName, 'Reshape', b, { x: dy }, { shape: [1, m, co] });
      temps.push(dy3);
      const product = callKernel(
        backendName,
        'BatchMatMul',
        b,
        { a: colT, b: dy3 },
        { transposeA: false, transposeB: false },
      );
      temps.push(product);
      return callKernel(backendName, 'Reshape', b, { x: product }, { shape: [kh, kw, ci, co] });
    } finally {
      for (const t of temps) b.disposeData(t.dataId);
    }
  };
}

/**
 * Fills colᵀ[(kh, kw, ci), (n, oh, ow)] from x as [ci, n, h, w], any stride and padding: one run of ow values per
 * output row, each value read with the stride, zeros where the filter reaches outside the image.
 */
function columnsByRuns(xs: Float32Array, col: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const m = n * oh * ow;
  for (let r = 0; r < kh; r++) {
    for (let s = 0; s < kw; s++) {
      // The output columns whose input column is inside the image: q in [qLo, qHi).
      const shift = s - padInfo.left;
      const qLo = Math.min(ow, Math.max(0, Math.ceil(-shift / sw)));
      const qHi = Math.max(qLo, Math.min(ow, Math.floor((w - 1 - shift) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        // Row (r, s, c) of colᵀ, one run of ow values per image row y.
        let j = ((r * kw + s) * ci + c) * m;
        for (let img = 0; img < n; img++) {
          for (let y = 0; y < oh; y++, j += ow) {
            const ih = y * sh + r - padInfo.top;
            if (ih < 0 || ih >= h) {
              col.fill(0, j, j + ow);
              continue;
            }
            for (let q = 0; q < qLo; q++) col[j + q] = 0;
            for (
              let q = qLo, from = ((c * n + img) * h + ih) * w + qLo * sw + shift;
              q < qHi;
              q++, from += sw
            )
              col[j + q] = xs[from];
            for (let q = qHi; q < ow; q++) col[j + q] = 0;
          }
        }
      }
    }
  }
}

/**
 * Fills colᵀ as columnsByRuns does where the output has the input's size at stride 1 ('same' padding): then row
 * (r, s, c) of colᵀ is channel c of x, all images at once, shifted by (r − top) rows and (s − left) columns. One copy
 * of the whole channel, then zeros where the shift reads outside an image (the rows and columns the filter overhangs,
 * which the flat copy filled from a neighbouring row or image).
 */
function columnsOfSameSize(xs: Float32Array, col: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, filterHeight: kh, filterWidth: kw } = info;
  const plane = h * w;
  const size = n * plane;
  // One view over the whole heap: copyWithin between two tensors moves memory without a temporary.
  const heap = new Float32Array(xs.buffer);
  const xAt = xs.byteOffset / 4;
  const colAt = col.byteOffset / 4;
  for (let r = 0; r < kh; r++) {
    const dr = r - info.padInfo.top;
    // Output rows [y0, y1) read rows inside the image; the rest of each image's rows are zero.
    const y0 = Math.min(h, Math.max(0, -dr));
    const y1 = Math.max(y0, Math.min(h, h - dr));
    for (let s = 0; s < kw; s++) {
      const ds = s - info.padInfo.left;
      const q0 = Math.min(w, Math.max(0, -ds));
      const q1 = Math.max(q0, Math.min(w, w - ds));
      const shift = dr * w + ds;
      const from = Math.max(0, -shift);
      const to = Math.min(size, size - shift);
      for (let c = 0; c < ci; c++) {
        const j = colAt + ((r * kw + s) * ci + c) * size;
        const src = xAt + c * size + shift;
        if (to > from) heap.copyWithin(j + from, src + from, src + to);
        for (let img = 0; img < n; img++) {
          const at = j + img * plane;
          if (y0 > 0) heap.fill(0, at, at + y0 * w);
          if (y1 < h) heap.fill(0, at + y1 * w, at + plane);
          if (q0 === 0 && q1 === w) continue;
          for (let y = y0; y < y1; y++) {
            const row = at + y * w;
            for (let q = 0; q < q0; q++) heap[row + q] = 0;
            for (let q = q1; q < w; q++) heap[row + q] = 0;
          }
        }
      }
    }
  }
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPoolGrad: each output's dy added to the input position that was its window's maximum, the first in row-major
 * window order when several are equal (CPU's maxPoolPositions takes a strictly larger value only); positions outside
 * the image take no part. A window with no number (all NaN) passes no gradient, as on CPU.
 */
export function maxPoolGradOnHeap(): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: Info; input: Info };
    const a = attrs as unknown as MaxPoolGradAttrs;
    const b = backend as unknown as HeapBackend;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
    const dx = b.makeOutput([...input.shape], 'float32');
    const xs = floats(b, input);
    const dys = floats(b, dy);
    const out = floats(b, dx);
    out.fill(0);
    // 2 × 2 windows that do not overlap (the CNN's pools): a whole window's four cells unrolled, in the same order;
    // its maximum is no other window's, so it takes its gradient by assignment.
    const pairs = fh === 2 && fw === 2 && sh >= 2 && sw >= 2;
    // Otherwise per output position, every channel at once (channels are contiguous): the window's cells in
    // row-major order, a cell taking over only when strictly larger, so each channel keeps its first maximum.
    const best = new Float32Array(ch);
    const at = new Int32Array(ch);
    const below = w * ch;
    let o = 0;
    for (let img = 0; img < n; img++) {
      for (let y = 0; y < oh; y++) {
        const top = y * sh - padInfo.top;
        const r0 = Math.max(0, top);
        const r1 = Math.min(h, top + fh);
        for (let q = 0; q < ow; q++, o += ch) {
          const left = q * sw - padInfo.left;
          const c0 = Math.max(0, left);
          const c1 = Math.min(w, left + fw);
          if (pairs && r1 - r0 === 2 && c1 - c0 === 2) {
            for (let c = 0, p0 = ((img * h + r0) * w + c0) * ch; c < ch; c++, p0++) {
              const p1 = p0 + ch;
              const p2 = p0 + below;
              const p3 = p2 + ch;
              let most = Number.NEGATIVE_INFINITY;
              let cell = -1;
              if (xs[p0] > most) {
                most = xs[p0];
                cell = p0;
              }
              if (xs[p1] > most) {
                most = xs[p1];
                cell = p1;
              }
              if (xs[p2] > most) {
                most = xs[p2];
                cell = p2;
              }
              if (xs[p3] > most) cell = p3;
              if (cell >= 0) out[cell] = dys[o + c];
            }
            continue;
          }
          best.fill(Number.NEGATIVE_INFINITY);
          at.fill(-1);
          for (let r = r0; r < r1; r++) {
            for (let s = c0; s < c1; s++) {
              const cell = ((img * h + r) * w + s) * ch;
              for (let c = 0; c < ch; c++) {
                const v = xs[cell + c];
                if (v > best[c]) {
                  best[c] = v;
                  at[c] = cell + c;
                }
              }
            }
          }
          for (let c = 0; c < ch; c++) if (at[c] >= 0) out[at[c]] += dys[o + c];
        }
      }
    }
    return dx;
  };
}

interface GatherAttrs {
  axis: number;
  batchDims: number;
}

/**
 * GatherV2 of whole rows (axis 0, no batch dimensions, a 4-byte dtype): each index's row copied inside the heap;
 * anything else goes to `fallback` (the backend's own kernel). An index outside the rows throws, as tfjs's does.
 */
export function gatherRowsOnHeap(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: Info; indices: Info };
    const { axis, batchDims } = attrs as unknown as GatherAttrs;
    const first = axis === 0 || axis === -x.shape.length;
    const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
    if (!first || batchDims !== 0 || !fourBytes || indices.dtype !== 'int32' || x.shape.length === 0)
      return fallback(args);
    const b = backend as unknown as HeapBackend;
    const rows = x.shape[0];
    const inner = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const out = b.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const idx = b.typedArrayFromHeap(indices);
    const from = b.typedArrayFromHeap(x);
    const to = b.typedArrayFromHeap(out);
    // One 4-byte view over the whole heap: copyWithin moves bits (no float canonicalisation) and allocates nothing.
    const heap = new Int32Array(from.buffer);
    const src = from.byteOffset / 4;
    const dst = to.byteOffset / 4;
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j];
      if (!(i >= 0 && i < rows)) {
        b.disposeData(out.dataId);
        throw new RangeError(`GatherV2: the index value ${i} is not in [0, ${rows - 1}]`);
      }
      heap.copyWithin(dst + j * inner, src + i * inner, src + (i + 1) * inner);
    }
    return out;
  };
}
