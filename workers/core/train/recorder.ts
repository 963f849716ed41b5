/**
 * The dynamics recorder: one eval-mode forward pass over chosen rows, in chunks, giving for every row the values
 * DESIGN §3 records per epoch (p[y], margin, loss, correctness, final-layer gradient norm²) and optionally the
 * softmax and the embedding. Each chunk is computed on the backend and read back as one block.
 */
import * as tf from '@tensorflow/tfjs';
import { evalChunkRows, PASS_STATS } from './chunks';
import { isHeapBackend } from './heap-kernels';
import { forward, type SiftModel } from './model';

/** Per-row values of one pass, in the order of the `rows` it was given. */
export interface PassValues {
  rows: number;
  /** p[y]: softmax probability of the assigned label. */
  probAssigned: Float32Array;
  /** z[y] - max_{k≠y} z[k]. */
  margin: Float32Array;
  /** -log p[y], from log-softmax (stable for confident wrong predictions). */
  loss: Float32Array;
  /** 1 when argmax z = y (ties go to the lower class index, as tf.argMax does). */
  correct: Uint8Array;
  /** ||p - onehot(y)||² · (||h||² + 1): the squared gradient norm of the loss w.r.t. the final Dense layer. */
  lastLayerGradSq: Float32Array;
  /** rows × C softmax, when asked for. */
  probs?: Float32Array;
  /** rows × d embeddings, when asked for. */
  embeddings?: Float32Array;
}

/** Zeroed per-row statistics for `n` rows (no outputs). */
export function emptyPass(n: number): PassValues {
  return {
    rows: n,
    probAssigned: new Float32Array(n),
    margin: new Float32Array(n),
    loss: new Float32Array(n),
    correct: new Uint8Array(n),
    lastLayerGradSq: new Float32Array(n),
  };
}

/** Options of a recording pass. */
export interface PassOptions {
  /** Rows per chunk (default: `evalChunkRows` of the model). */
  batchSize?: number;
  /** Also read back the softmax and embeddings (default false). */
  withOutputs?: boolean;
  /**
   * Arrays to write the softmax and embeddings into (rows × C, rows × d), reused pass after pass so that no epoch
   * allocates them afresh; the pass's `probs` and `embeddings` are then these arrays. Default: new arrays.
   */
  outputs?: { probs: Float32Array; embeddings: Float32Array };
  /** Awaited between chunks, so a long pass yields to the event loop. */
  between?: () => Promise<void>;
  /** Checked between chunks: true abandons the pass (the result is then null). */
  cancelled?: () => boolean;
}

// The chunk rule lives in chunks.ts, tfjs-free, so the memory estimate shares it; re-exported for callers here.
export { evalChunkRows };

const STATS = PASS_STATS;

/**
 * Eval-mode forward pass over `rows` of `x` (all dataset rows, already standardised) with labels `y` (int32, all
 * rows). Returns null when `cancelled()` turned true part-way. Every tensor it makes is disposed.
 */
export async function recordPass(
  m: SiftModel,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  rows: Int32Array,
  options: PassOptions = {},
): Promise<PassValues | null> {
  const n = rows.length;
  const c = m.spec.classCount;
  const d = m.embeddingDim;
  const chunk = Math.max(1, options.batchSize ?? evalChunkRows(m.spec));
  const withOutputs = options.withOutputs ?? false;
  const out: PassValues = {
    ...emptyPass(n),
    ...(withOutputs ? outputArrays(n, c, d, options.outputs) : {}),
  };
  // On a backend that keeps tensors in memory JavaScript can see (WASM's heap), the chunk's three blocks are read in
  // place: no concatenation and no copy of the block into a fresh buffer, which cost Chromium's worker more than Node
  // (issue 15). Elsewhere (WebGPU, WebGL) one concatenated block keeps it to one read back from the device.
  const backend = tf.backend();
  const heap = isHeapBackend(backend) ? backend : null;
  for (let start = 0; start < n; start += chunk) {
    if (options.cancelled?.()) return null;
    const end = Math.min(start + chunk, n);
    const parts = tf.tidy(() => {
      const idx = tf.tensor1d(rows.subarray(start, end), 'int32');
      const yb = tf.gather(y, idx);
      const { embedding: h, logits: z } = forward(m, tf.gather(x, idx));
      const oneHot = tf.oneHot(yb, c);
      const logP = tf.logSoftmax(z);
      const p = tf.exp(logP);
      const loss = tf.neg(tf.sum(tf.mul(logP, oneHot), 1));
      // Push the assigned class far down so max picks the best other class; a large finite offset, not -Infinity,
      // because WebGL shaders do not all handle infinities.
      const zOther = tf.max(tf.sub(z, tf.mul(oneHot, 1e30)), 1);
      const margin = tf.sub(tf.sum(tf.mul(z, oneHot), 1), zOther);
      const correct = tf.cast(tf.equal(tf.argMax(z, 1), yb), 'float32');
      const gradSq = tf.mul(tf.sum(tf.square(tf.sub(p, oneHot)), 1), tf.add(tf.sum(tf.square(h), 1), 1));
      const columns = [tf.sum(tf.mul(p, oneHot), 1), margin, loss, correct, gradSq];
      // On the heap, statistic by statistic ([STATS, rows]): WASM's Concat copies one run per row of its output, so
      // rows × STATS short runs for a [rows, STATS] block, and STATS long ones this way.
      if (heap) return withOutputs ? [tf.stack(columns), p, h] : [tf.stack(columns)];
      const stats = tf.stack(columns, 1);
      return withOutputs ? [tf.concat([stats, p, h], 1)] : [stats];
    });
    // Heap views are read at once, before anything else can make a tensor (a growing heap replaces its buffer).
    const blocks: ArrayLike<number>[] = heap
      ? parts.map((t) => heap.typedArrayFromHeap(t))
      : await Promise.all(parts.map((t) => t.data()));
    const values = blocks[0] as ArrayLike<number>;
    const count = end - start;
    const width = withOutputs ? STATS + c + d : STATS;
    // Where row r's statistic s is: s · count + r on the heap, r · width + s in a read-back block.
    const perRow = heap ? 1 : width;
    const perStat = heap ? count : 1;
    for (let r = 0; r < count; r++) {
      const i = start + r;
      const o = r * perRow;
      out.probAssigned[i] = values[o];
      out.margin[i] = values[o + perStat];
      out.loss[i] = values[o + 2 * perStat];
      out.correct[i] = values[o + 3 * perStat] > 0.5 ? 1 : 0;
      out.lastLayerGradSq[i] = values[o + 4 * perStat];
    }
    if (out.probs && out.embeddings) {
      if (heap) {
        // The chunk's rows are consecutive in the output: one copy per block.
        out.probs.set(blocks[1] as Float32Array, start * c);
        out.embeddings.set(blocks[2] as Float32Array, start * d);
      } else {
        // Index loops, not subarray + set: two short-lived views per row per epoch kept the GC busy.
        for (let r = 0; r < count; r++) {
          const i = start + r;
          const o = r * width + STATS;
          for (let k = 0; k < c; k++) out.probs[i * c + k] = values[o + k];
          for (let k = 0; k < d; k++) out.embeddings[i * d + k] = values[o + c + k];
        }
      }
    }
    tf.dispose(parts);
    if (end < n) await options.between?.();
  }
  return out;
}

function outputArrays(n: number, c: number, d: number, given: PassOptions['outputs']) {
  if (!given) return { probs: new Float32Array(n * c), embeddings: new Float32Array(n * d) };
  if (given.probs.length !== n * c || given.embeddings.length !== d * n)
    throw new RangeError(`recordPass: output arrays for ${n} rows must hold ${n * c} and ${n * d} values.`);
  return given;
}
