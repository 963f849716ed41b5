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
import { createRng } from '../random';
import type { StepHooks } from './hooks';
import { type IvfOptions, knnIvf, sampleRows } from './knn-ivf';
import { knnIsApproximate } from './knn-plan';
import { type KnnResult, knnExact } from './knn-search';
import type { KnnParams } from './types';

export { type IvfOptions, knnIvf } from './knn-ivf';
export { type KnnResult, type KnnSearchOptions, knnExact } from './knn-search';

/**
 * The `knn.k` nearest of `n` points (d values each) to each point, itself left out (k at most n − 1): exact, or the
 * IVF approximation where `knnIsApproximate` says so. Resolves with whether it approximated.
 */
export async function searchNeighbours(
  points: Float32Array,
  n: number,
  d: number,
  knn: KnnParams,
  seed: number,
  hooks: StepHooks = {},
): Promise<{ result: KnnResult; approximate: boolean }> {
  const approximate = knnIsApproximate(knn.mode, n, knn.approximateAbove);
  const k = Math.max(1, Math.min(knn.k, n - 1));
  const result = approximate
    ? await knnIvf(points, n, d, k, {
        ...hooks,
        normalize: knn.normalize,
        nlist: knn.nlist,
        nprobe: knn.nprobe,
        seed,
      })
    : await knnExact(points, n, d, k, { ...hooks, normalize: knn.normalize });
  return { result, approximate };
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
