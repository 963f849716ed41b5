/**
 * The inverted-file (IVF) approximation of kNN search (see knn.ts): seeded k-means cells, each point searched
 * exactly among the points of its `nprobe` nearest cells, cell by cell.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random';
import { checkpoint, type StepHooks } from './hooks';
import { knnTileRows } from './knn-plan';
import {
  candidateTensors,
  type KnnResult,
  type KnnSearchOptions,
  prepare,
  queryRange,
  queryTensor,
  searchBlock,
} from './knn-search';

/** Options of the IVF approximation. */
export interface IvfOptions extends KnnSearchOptions {
  /** Coarse cells; 0 or absent = round(√N). */
  nlist?: number;
  /** Cells searched per point: its nprobe nearest cell centres (default 8). */
  nprobe?: number;
  seed: number;
}

/** The `m` nearest centres (squared Euclidean) of each of the n rows of `xs`, nearest first, n × m, in tiles. */
export async function nearestCentres(
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
export function sampleRows(n: number, m: number, rng: Rng): Int32Array {
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
export async function trainCoarseCentres(
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
export function groupBy(
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
