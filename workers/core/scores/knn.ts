/**
 * k-nearest neighbours over the final-epoch embeddings, for the kNN distance and kNN label-disagreement scores
 * (DESIGN §3; Deep k-NN defence, Peri et al. 2020).
 *
 * Exact search runs in tiles of query rows against all points: squared distances as ||q||² + ||x||² - 2 q·xᵀ (one
 * matrix product per tile on the active backend) and `tf.topk`. Its cost is N²·d multiply-adds, about 51 GFLOP
 * for 20k × 64 but 5 TFLOP for 200k, so above `approximateAbove` samples (default 50,000) `auto` mode uses an
 * inverted-file (IVF) approximation: k-means cells (nlist = √N), and the queries of each cell searched exactly
 * among the points of the `nprobe` cells whose centres are nearest that cell's centre. Grouping queries by cell
 * keeps the work in large matrix products (one per cell) instead of one gather per query; the price is a little
 * recall for queries near a cell border, which `measureKnnRecall` measures against exact search.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random';
import { checkpoint, type StepHooks } from './hooks';

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

/** Options of the IVF approximation. */
export interface IvfOptions extends KnnSearchOptions {
  /** Coarse cells; 0 or absent = round(√N). */
  nlist?: number;
  /** Cells searched per query cell (default 12). */
  nprobe?: number;
  seed: number;
}

function pointsTensor(points: Float32Array, n: number, d: number, normalize: boolean): tf.Tensor2D {
  if (points.length !== n * d) throw new RangeError(`Expected N×d = ${n * d} values, got ${points.length}.`);
  return tf.tidy(() => {
    const x = tf.tensor2d(points, [n, d]);
    if (!normalize) return x;
    // Zero rows stay zero rather than becoming NaN.
    return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
  });
}

/**
 * Writes the k nearest of `cand` for each query into `out`, dropping the query itself. `rowsQ` and `rowsC` map
 * tile rows and candidate columns to global sample indices (null = identity from `qStart` / 0).
 */
async function searchBlock(
  q: tf.Tensor2D,
  cT: tf.Tensor2D,
  cSq: tf.Tensor,
  k: number,
  rowsQ: ArrayLike<number>,
  rowsC: ArrayLike<number> | null,
  out: KnnResult,
): Promise<void> {
  const nc = cT.shape[1];
  const kk = Math.min(k + 1, nc);
  const { values, indices } = tf.tidy(() => {
    const qSq = tf.sum(tf.square(q), 1, true);
    // -(squared distance), so topk picks the nearest. cT is pre-transposed: matMul(a, b) beats transposeB on WASM.
    const negD = tf.sub(tf.sub(tf.mul(tf.matMul(q, cT), 2), qSq), cSq);
    return tf.topk(negD, kk, true);
  });
  const [vals, idx] = await Promise.all([values.data(), indices.data()]);
  values.dispose();
  indices.dispose();
  const nq = q.shape[0];
  for (let r = 0; r < nq; r++) {
    const self = rowsQ[r];
    const o = self * k;
    let w = 0;
    for (let j = 0; j < kk && w < k; j++) {
      const local = idx[r * kk + j];
      const g = rowsC ? rowsC[local] : local;
      if (g === self) continue;
      out.indices[o + w] = g;
      out.distances[o + w] = Math.sqrt(Math.max(0, -vals[r * kk + j]));
      w++;
    }
    // Fewer candidates than k (tiny inputs): pad with -1 at infinite distance.
    for (; w < k; w++) {
      out.indices[o + w] = -1;
      out.distances[o + w] = Number.POSITIVE_INFINITY;
    }
  }
}

function defaultTileRows(n: number): number {
  return Math.max(16, Math.min(1024, Math.floor(4_194_304 / Math.max(1, n))));
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
  const x = pointsTensor(points, n, d, options.normalize ?? false);
  const xT = tf.transpose(x);
  const xSq = tf.tidy(() => tf.sum(tf.square(x), 1));
  try {
    const queries = options.queries;
    const nq = queries ? queries.length : n;
    const tile = Math.max(1, options.tileRows ?? defaultTileRows(n));
    for (let s = 0; s < nq; s += tile) {
      const e = Math.min(nq, s + tile);
      const rows = queries ? queries.subarray(s, e) : Int32Array.from({ length: e - s }, (_, r) => s + r);
      const q = queries
        ? tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32')))
        : tf.slice(x, [s, 0], [e - s, d]);
      try {
        await searchBlock(q, xT, xSq, k, rows, null, out);
      } finally {
        q.dispose();
      }
      if (e < nq) await checkpoint(options);
    }
  } finally {
    x.dispose();
    xT.dispose();
    xSq.dispose();
  }
  return out;
}

/** Assigns each row of `x` to its nearest centre (squared Euclidean), in tiles. */
async function assignToCentres(x: tf.Tensor2D, centres: tf.Tensor2D, hooks: StepHooks): Promise<Int32Array> {
  const n = x.shape[0];
  const m = centres.shape[0];
  const out = new Int32Array(n);
  const cT = tf.transpose(centres);
  const cSq = tf.tidy(() => tf.sum(tf.square(centres), 1));
  try {
    const tile = defaultTileRows(m);
    for (let s = 0; s < n; s += tile) {
      const e = Math.min(n, s + tile);
      const a = tf.tidy(() => {
        const q = tf.slice(x, [s, 0], [e - s, x.shape[1]]);
        // argmin ||q - c||² = argmax (2 q·c - ||c||²).
        return tf.argMax(tf.sub(tf.mul(tf.matMul(q, cT), 2), cSq), 1);
      });
      out.set(await a.data(), s);
      a.dispose();
      if (e < n) await checkpoint(hooks);
    }
  } finally {
    cT.dispose();
    cSq.dispose();
  }
  return out;
}

/** Distinct random row indices (partial Fisher–Yates), sorted. */
function sampleRows(n: number, m: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, m).sort();
}

/**
 * Seeded k-means (Lloyd) on a sample of at most 64 points per cell; returns the centres as a tensor (caller
 * disposes). Empty cells are re-seeded with a random sample point.
 */
async function trainCoarseCentres(
  x: tf.Tensor2D,
  nlist: number,
  rng: Rng,
  hooks: StepHooks,
  iterations = 10,
): Promise<tf.Tensor2D> {
  const [n, d] = x.shape;
  const m = Math.min(n, 64 * nlist);
  const sampleIdx = sampleRows(n, m, rng);
  const sample = tf.tidy(() => tf.gather(x, tf.tensor1d(sampleIdx, 'int32')));
  const sampleData = (await sample.data()) as Float32Array;
  const centresData = new Float32Array(nlist * d);
  const init = sampleRows(m, nlist, rng);
  for (let c = 0; c < nlist; c++) centresData.set(sampleData.subarray(init[c] * d, init[c] * d + d), c * d);
  try {
    for (let it = 0; it < iterations; it++) {
      const centres = tf.tensor2d(centresData, [nlist, d]);
      const assign = await assignToCentres(sample, centres, hooks);
      centres.dispose();
      const sums = new Float64Array(nlist * d);
      const counts = new Int32Array(nlist);
      for (let i = 0; i < m; i++) {
        const c = assign[i];
        counts[c]++;
        for (let j = 0; j < d; j++) sums[c * d + j] += sampleData[i * d + j];
      }
      for (let c = 0; c < nlist; c++) {
        if (counts[c] === 0) {
          const r = rng.int(m);
          centresData.set(sampleData.subarray(r * d, r * d + d), c * d);
        } else {
          for (let j = 0; j < d; j++) centresData[c * d + j] = sums[c * d + j] / counts[c];
        }
      }
    }
  } finally {
    sample.dispose();
  }
  return tf.tensor2d(centresData, [nlist, d]);
}

/** Approximate k nearest neighbours of every point by IVF search (see the file comment); self excluded. */
export async function knnIvf(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: IvfOptions,
): Promise<KnnResult> {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}.`);
  const nlist = Math.max(1, Math.min(n, options.nlist || Math.round(Math.sqrt(n))));
  const nprobe = Math.max(1, Math.min(nlist, options.nprobe ?? 12));
  const rng = createRng(options.seed);
  const out: KnnResult = { k, indices: new Int32Array(n * k).fill(-1), distances: new Float32Array(n * k) };
  const x = pointsTensor(points, n, d, options.normalize ?? false);
  try {
    const centres = await trainCoarseCentres(x, nlist, rng, options);
    let assign: Int32Array;
    let centreDist: Float32Array;
    try {
      assign = await assignToCentres(x, centres, options);
      const cd = tf.tidy(() => {
        const sq = tf.sum(tf.square(centres), 1);
        return tf.sub(
          tf.add(tf.reshape(sq, [-1, 1]), sq),
          tf.mul(tf.matMul(centres, centres, false, true), 2),
        );
      });
      centreDist = (await cd.data()) as Float32Array;
      cd.dispose();
    } finally {
      centres.dispose();
    }
    const members: number[][] = Array.from({ length: nlist }, () => []);
    for (let i = 0; i < n; i++) members[assign[i]].push(i);
    for (let cell = 0; cell < nlist; cell++) {
      const queries = members[cell];
      if (queries.length === 0) continue;
      // Nearest cells to this cell's centre (itself first), widened until there are more than k candidates.
      const order = Array.from({ length: nlist }, (_, j) => j).sort(
        (a, b) => centreDist[cell * nlist + a] - centreDist[cell * nlist + b] || a - b,
      );
      const cand: number[] = [];
      for (let p = 0; p < nlist && (p < nprobe || cand.length <= k); p++) {
        for (const i of members[order[p]]) cand.push(i);
      }
      const candRows = Int32Array.from(cand);
      const qRows = Int32Array.from(queries);
      const [q, cT, cSq] = tf.tidy(() => {
        const c = tf.gather(x, tf.tensor1d(candRows, 'int32'));
        return [tf.gather(x, tf.tensor1d(qRows, 'int32')), tf.transpose(c), tf.sum(tf.square(c), 1)] as const;
      });
      try {
        await searchBlock(q, cT, cSq, k, qRows, candRows, out);
      } finally {
        q.dispose();
        cT.dispose();
        cSq.dispose();
      }
      if (cell % 16 === 15) await checkpoint(options);
    }
  } finally {
    x.dispose();
  }
  return out;
}

/** kNN distance (mean Euclidean distance to the k nearest) and label disagreement (fraction with another label). */
export function knnScores(
  result: KnnResult,
  labels: Int32Array,
): { distance: Float32Array; disagreement: Float32Array } {
  const n = labels.length;
  const { k, indices, distances } = result;
  const distance = new Float32Array(n);
  const disagreement = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let differ = 0;
    let found = 0;
    for (let j = 0; j < k; j++) {
      const nb = indices[i * k + j];
      if (nb < 0) continue;
      found++;
      sum += distances[i * k + j];
      if (labels[nb] !== labels[i]) differ++;
    }
    distance[i] = found ? sum / found : 0;
    disagreement[i] = found ? differ / found : 0;
  }
  return { distance, disagreement };
}

/** Recall of an approximate search against exact search on sampled queries. */
export interface KnnRecall {
  /** Mean over queries of |approx ∩ exact| / k. */
  recall: number;
  queries: number;
  k: number;
  approximateMs: number;
  /** Time of the exact search of the sampled queries only. */
  exactMs: number;
}

/**
 * Runs the IVF search on all N points, then exact search for `queries` random points (default 20,000 or N if
 * fewer) and reports recall@k of the approximation.
 */
export async function measureKnnRecall(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: IvfOptions & { queries?: number },
): Promise<KnnRecall> {
  const t0 = performance.now();
  const approx = await knnIvf(points, n, d, k, options);
  const t1 = performance.now();
  const m = Math.min(n, options.queries ?? 20_000);
  const queries = sampleRows(n, m, createRng(options.seed ^ 0x5eed));
  const exact = await knnExact(points, n, d, k, { ...options, queries });
  const t2 = performance.now();
  let hits = 0;
  for (const qi of queries) {
    const truth = new Set<number>();
    for (let j = 0; j < k; j++) truth.add(exact.indices[qi * k + j]);
    for (let j = 0; j < k; j++) if (truth.has(approx.indices[qi * k + j])) hits++;
  }
  return { recall: hits / (m * k), queries: m, k, approximateMs: t1 - t0, exactMs: t2 - t1 };
}
