/**
 * The scoring probe (issue 15): a short workload shaped like scoring's heavy part, timed on the active tfjs backend.
 * Scoring's cost on a backend is its matrix products and top-k (the exact kNN search in tiles, the class scatter
 * matrices of spectral and Mahalanobis, influence's products), so the probe runs the real kNN search (`knnExact`: one
 * tile of distance products and top-k over a block of embeddings) and one covariance product on seeded embeddings,
 * after a smaller warm-up that pays for kernel compilation and WASM start-up. The train worker's probe runs it on
 * each backend beside the training probe, so probing stays in one place and one cache.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from './core/random';
import { knnExact } from './core/scores/knn-search';

/** Rows × dimensions of the timed block (the default MLP's embedding is 64 wide), and the kNN's k. */
const PROBE = { rows: 512, dim: 64, k: 10, seed: 17 };
/** The warm-up block: the same kernels at a quarter of the rows. */
const WARM_UP_ROWS = 128;

/** Seeded embeddings: a few Gaussian clusters, so the neighbours are not all ties. */
function embeddings(rows: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const centre = (r % 8) - 4;
    for (let j = 0; j < dim; j++) out[r * dim + j] = centre * (j % 3) + rng.next() - 0.5;
  }
  return out;
}

/** One pass of the workload: the kNN search over every row, then the rows' scatter matrix Xᵀ X read back. */
async function workload(x: Float32Array, rows: number, dim: number, k: number): Promise<void> {
  await knnExact(x, rows, dim, k, { tileRows: rows });
  const scatter = tf.tidy(() => {
    const t = tf.tensor2d(x, [rows, dim]);
    return tf.matMul(t, t, true, false);
  });
  await scatter.data();
  scatter.dispose();
}

/** Milliseconds the timed block takes on the active backend (after the warm-up). Frees every tensor it makes. */
export async function timeScoringWorkload(): Promise<number> {
  const { rows, dim, k, seed } = PROBE;
  await workload(embeddings(WARM_UP_ROWS, dim, seed), WARM_UP_ROWS, dim, k);
  const x = embeddings(rows, dim, seed + 1);
  const t0 = performance.now();
  await workload(x, rows, dim, k);
  return performance.now() - t0;
}
