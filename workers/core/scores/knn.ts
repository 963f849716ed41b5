/**
 * k-nearest neighbours over the final-epoch embeddings, for the kNN distance and kNN label-disagreement scores
 * (DESIGN §3; Deep k-NN defence, Peri et al. 2020).
 *
 * Exact search runs in tiles of query rows against all points: ||q||² - ||q - x||² = 2 q·x - ||x||² as one matrix
 * product per tile on the active backend (the norms ride along as an extra column) and `tf.topk`. Its cost is N²·d
 * multiply-adds: about 51 GFLOP and ~4 s on WASM for 20k × 64, 5 TFLOP for 200k. So above `approximateAbove`
 * samples (default 10,000) `auto` mode uses an inverted-file (IVF) approximation: seeded k-means cells (nlist = √N
 * by default), and each point searched exactly among the points of the `nprobe` cells whose centres are nearest to
 * it (cost ≈ N·nprobe·(N/nlist)·d).
 * The work runs cell by cell: all queries that probe a cell against that cell's points, one matrix product and
 * one topk, then merged into each query's running top k, so it stays in large backend ops rather than one
 * gather per query. Neighbours beyond the probed cells are missed; `measureKnnRecall` measures how many.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random';
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

/** Options of the IVF approximation. */
export interface IvfOptions extends KnnSearchOptions {
  /** Coarse cells; 0 or absent = round(√N). */
  nlist?: number;
  /** Cells searched per point: its nprobe nearest cell centres (default 8). */
  nprobe?: number;
  seed: number;
}

/**
 * The rows to search, L2-normalised into a copy when asked (zero rows stay zero). Tiles are uploaded from this
 * array rather than sliced or gathered from one big tensor: on the WASM backend a slice of a 160k-row tensor
 * costs time in proportion to the whole tensor (about 80 ms each), which made tiled search 10× slower.
 */
function prepare(points: Float32Array, n: number, d: number, normalize: boolean): Float32Array {
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
function queryTensor(xs: Float32Array, d: number, rows: ArrayLike<number>): [tf.Tensor2D, Float32Array] {
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
function queryRange(xs: Float32Array, d: number, s: number, e: number): [tf.Tensor2D, Float32Array] {
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
function candidateTensors(c: Float32Array, m: number, d: number): tf.Tensor2D {
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
async function searchBlock(
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

/** The `m` nearest centres (squared Euclidean) of each of the n rows of `xs`, nearest first, n × m, in tiles. */
async function nearestCentres(
  xs: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  nc: number,
  m: number,
  hooks: StepHooks,
): Promise<Int32Array> {
  const out = new Int32Array(n * m);
  const cT = candidateTensors(centres, nc, d);
  try {
    const tile = knnTileRows(nc);
    for (let s = 0; s < n; s += tile) {
      const e = Math.min(n, s + tile);
      const [q] = queryRange(xs, d, s, e);
      const idx = tf.tidy(() => {
        // Nearest by ||q - c||² = ||q||² - (2 q·c - ||c||²): the largest 2 q·c - ||c||², one matrix product.
        const score = tf.matMul(q, cT);
        return m === 1 ? tf.cast(tf.argMax(score, 1), 'int32') : tf.topk(score, m, true).indices;
      });
      q.dispose();
      out.set(await idx.data(), s * m);
      idx.dispose();
      if (e < n) await checkpoint(hooks);
    }
  } finally {
    cT.dispose();
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
 * Seeded k-means (Lloyd) on a sample of at most 64 points per cell; returns the nlist × d centres. Empty cells are
 * re-seeded with a random sample point.
 */
async function trainCoarseCentres(
  xs: Float32Array,
  n: number,
  d: number,
  nlist: number,
  rng: Rng,
  hooks: StepHooks,
  iterations = 10,
): Promise<Float32Array> {
  const m = Math.min(n, 64 * nlist);
  const sampleIdx = sampleRows(n, m, rng);
  const sample = new Float32Array(m * d);
  for (let r = 0; r < m; r++) sample.set(xs.subarray(sampleIdx[r] * d, sampleIdx[r] * d + d), r * d);
  const centres = new Float32Array(nlist * d);
  const init = sampleRows(m, nlist, rng);
  for (let c = 0; c < nlist; c++) centres.set(sample.subarray(init[c] * d, init[c] * d + d), c * d);
  for (let it = 0; it < iterations; it++) {
    const assign = await nearestCentres(sample, m, d, centres, nlist, 1, hooks);
    const sums = new Float64Array(nlist * d);
    const counts = new Int32Array(nlist);
    for (let i = 0; i < m; i++) {
      const c = assign[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += sample[i * d + j];
    }
    for (let c = 0; c < nlist; c++) {
      if (counts[c] === 0) {
        const r = rng.int(m);
        centres.set(sample.subarray(r * d, r * d + d), c * d);
      } else {
        for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
      }
    }
  }
  return centres;
}

/**
 * Approximate k nearest neighbours of every point by IVF search (see the file comment); self excluded. A query
 * with fewer than k points in its probed cells gets -1 at infinite distance for the missing ones.
 */
export async function knnIvf(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: IvfOptions,
): Promise<KnnResult> {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}.`);
  const nlist = Math.max(1, Math.min(n, options.nlist || Math.round(Math.sqrt(n))));
  const nprobe = Math.max(1, Math.min(nlist, options.nprobe ?? 8));
  const rng = createRng(options.seed);
  const out: KnnResult = {
    k,
    indices: new Int32Array(n * k).fill(-1),
    distances: new Float32Array(n * k).fill(Number.POSITIVE_INFINITY),
  };
  const xs = prepare(points, n, d, options.normalize ?? false);
  const centres = await trainCoarseCentres(xs, n, d, nlist, rng, options);
  const probes = await nearestCentres(xs, n, d, centres, nlist, nprobe, options);
  // Cell members (by nearest centre) and, per cell, the queries that probe it, as CSR lists.
  const members = groupBy(n, nlist, (i, push) => push(probes[i * nprobe], i));
  const probers = groupBy(n, nlist, (i, push) => {
    for (let p = 0; p < nprobe; p++) push(probes[i * nprobe + p], i);
  });
  for (let cell = 0; cell < nlist; cell++) {
    const cellRows = members.rows.subarray(members.start[cell], members.start[cell + 1]);
    const qRows = probers.rows.subarray(probers.start[cell], probers.start[cell + 1]);
    if (cellRows.length === 0 || qRows.length === 0) continue;
    const cand = new Float32Array(cellRows.length * d);
    cellRows.forEach((row, r) => {
      cand.set(xs.subarray(row * d, row * d + d), r * d);
    });
    const cT = candidateTensors(cand, cellRows.length, d);
    const [q, qSq] = queryTensor(xs, d, qRows);
    try {
      await searchBlock(q, qSq, cT, k, qRows, cellRows, out, true);
    } finally {
      q.dispose();
      cT.dispose();
    }
    if (cell % 16 === 15) await checkpoint(options);
  }
  return out;
}

/** Rows grouped by key as CSR lists (`rows` of key g at start[g] .. start[g + 1]), in row order within a key. */
function groupBy(
  n: number,
  keys: number,
  each: (i: number, push: (key: number, row: number) => void) => void,
): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < n; i++) each(i, (key) => start[key + 1]++);
  for (let g = 0; g < keys; g++) start[g + 1] += start[g];
  const fill = start.slice(0, keys);
  const rows = new Int32Array(start[keys]);
  for (let i = 0; i < n; i++) {
    each(i, (key, row) => {
      rows[fill[key]++] = row;
    });
  }
  return { start, rows };
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
