/**
 * Exact k-nearest-neighbour search in tiles (see knn.ts for the method): the result and option types, the row
 * preparation and upload helpers, one block of queries against candidates, and `knnExact`.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint, type StepHooks } from './hooks';
import { knnTileRows } from './knn-plan';

/** Neighbours of each query, nearest first, self excluded: N × k indices and Euclidean distances. */
export interface KnnResult {
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

/** Options of a neighbour search. */
export interface KnnSearchOptions extends StepHooks {
  /** L2-normalise rows first (default false). */
  normalize?: boolean;
  /** Query rows per tile of the exact search (default: about 4M distance entries per tile). */
  tileRows?: number;
}

/**
 * The rows to search, L2-normalised into a copy when asked (zero rows stay zero). Tiles are uploaded from this
 * array rather than sliced or gathered from one big tensor: on the WASM backend a slice of a 160k-row tensor
 * costs time in proportion to the whole tensor (about 80 ms each), which made tiled search 10× slower.
 */
export function prepare(points: Float32Array, n: number, d: number, normalize: boolean): Float32Array {
  if (points.length !== n * d) throw new RangeError(`Expected N×d = ${n * d} values, got ${points.length}.`);
  if (!normalize) return points;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += points[i * d + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < d; j++) out[i * d + j] = points[i * d + j] * inv;
  }
  return out;
}

/**
 * Queries as the search wants them: rows × (d + 1) with [2q, -1] per row, and their squared norms. With candidates
 * stored as [c; ||c||²] (see `candidateTensors`) one matrix product gives 2 q·c - ||c||² = ||q||² - ||q - c||², so
 * the nearest candidates are the largest entries and no element-wise pass over the tile is needed (three such
 * passes over every N × tile block cost about a third of the exact search on WASM).
 */
export function queryTensor(
  xs: Float32Array,
  d: number,
  rows: ArrayLike<number>,
): [tf.Tensor2D, Float32Array] {
  const w = d + 1;
  const out = new Float32Array(rows.length * w);
  const sq = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const at = rows[r] * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = xs[at + j];
      out[r * w + j] = 2 * v;
      s += v * v;
    }
    out[r * w + d] = -1;
    sq[r] = s;
  }
  return [tf.tensor2d(out, [rows.length, w]), sq];
}

/** Rows s .. e of an n × d array as query rows (see `queryTensor`). */
export function queryRange(xs: Float32Array, d: number, s: number, e: number): [tf.Tensor2D, Float32Array] {
  return queryTensor(
    xs,
    d,
    Int32Array.from({ length: e - s }, (_, r) => s + r),
  );
}

/**
 * Candidates as the search wants them: (d + 1) × m, transposed in JS (matMul(a, b) beats transposeB on WASM),
 * with their squared norms as the last row.
 */
export function candidateTensors(c: Float32Array, m: number, d: number): tf.Tensor2D {
  const out = new Float32Array((d + 1) * m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = c[i * d + j];
      out[j * m + i] = v;
      s += v * v;
    }
    out[d * m + i] = s;
  }
  return tf.tensor2d(out, [d + 1, m]);
}

/**
 * The k nearest of the candidates (columns of `cT`) for each query row of `q` (squared norms `qSq`), the query
 * itself dropped, written into `out` at the query's global index `rowsQ[r]`. `rowsC` maps candidate columns to
 * global indices (null = identity). With `merge`, the block's neighbours are merged into what `out` already holds
 * for the query (its rows start at infinite distance), so a query can be searched block by block; else they
 * replace it.
 */
export async function searchBlock(
  q: tf.Tensor2D,
  qSq: Float32Array,
  cT: tf.Tensor2D,
  k: number,
  rowsQ: ArrayLike<number>,
  rowsC: ArrayLike<number> | null,
  out: KnnResult,
  merge = false,
): Promise<void> {
  const nc = cT.shape[1];
  const kk = Math.min(k + 1, nc);
  // ||q||² - ||q - c||² for every pair; topk picks the nearest.
  const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(q, cT), kk, true));
  const [vals, idx] = await Promise.all([values.data(), indices.data()]);
  values.dispose();
  indices.dispose();
  const nq = q.shape[0];
  for (let r = 0; r < nq; r++) {
    const self = rowsQ[r];
    const o = self * k;
    if (!merge) {
      out.indices.fill(-1, o, o + k);
      out.distances.fill(Number.POSITIVE_INFINITY, o, o + k);
    }
    for (let j = 0; j < kk; j++) {
      const local = idx[r * kk + j];
      const g = rowsC ? rowsC[local] : local;
      if (g === self) continue;
      const dist = Math.sqrt(Math.max(0, qSq[r] - vals[r * kk + j]));
      // Insertion into the query's sorted list; candidates arrive nearest first, so stop at the first miss.
      if (!(dist < out.distances[o + k - 1])) break;
      let w = k - 1;
      while (w > 0 && out.distances[o + w - 1] > dist) {
        out.distances[o + w] = out.distances[o + w - 1];
        out.indices[o + w] = out.indices[o + w - 1];
        w--;
      }
      out.distances[o + w] = dist;
      out.indices[o + w] = g;
    }
  }
}

/**
 * Exact k nearest neighbours of every point (or of `queries` only; other rows of the result are left -1), self
 * excluded, in tiles of matrix products on the active backend.
 */
export async function knnExact(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: KnnSearchOptions & { queries?: Int32Array } = {},
): Promise<KnnResult> {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}.`);
  const out: KnnResult = { k, indices: new Int32Array(n * k).fill(-1), distances: new Float32Array(n * k) };
  const xs = prepare(points, n, d, options.normalize ?? false);
  const xT = candidateTensors(xs, n, d);
  try {
    const queries = options.queries;
    const nq = queries ? queries.length : n;
    const tile = Math.max(1, options.tileRows ?? knnTileRows(n));
    for (let s = 0; s < nq; s += tile) {
      const e = Math.min(nq, s + tile);
      const rows = queries ? queries.subarray(s, e) : Int32Array.from({ length: e - s }, (_, r) => s + r);
      const [q, qSq] = queries ? queryTensor(xs, d, rows) : queryRange(xs, d, s, e);
      try {
        await searchBlock(q, qSq, xT, k, rows, null, out);
      } finally {
        q.dispose();
      }
      if (e < nq) await checkpoint(options);
    }
  } finally {
    xT.dispose();
  }
  return out;
}
