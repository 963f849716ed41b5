/**
 * A small non-negative logistic regression: canaries of one kind (positives) against reference rows (negatives),
 * over per-score tail significances. Weights are kept ≥ 0 because every score is oriented higher = more suspicious:
 * a score can be ignored, never read backwards, which keeps the few-canary fit from chasing noise. The two classes
 * carry equal total weight, and an L2 penalty pulls the weights toward 0. Accelerated projected gradient (FISTA)
 * with a fixed number of steps: deterministic, no randomness.
 */

/** Options of `fitNonNegativeLogistic`. */
export interface LogisticOptions {
  /** L2 penalty on the weights (not the bias), relative to the total sample weight of 2 (default 0.01). */
  l2: number;
  /** Gradient steps (default 400). */
  iterations: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { l2: 0.01, iterations: 400 };

/** Weights (one per column, ≥ 0) and bias of a fitted model. */
export interface LogisticFit {
  weights: Float64Array;
  bias: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Fits P(positive | x) = σ(w·x + b), w ≥ 0, on rows `positives` and `negatives` of `columns` (each column one
 * Float32Array over every row). Positives and negatives each carry total weight 1.
 */
export function fitNonNegativeLogistic(
  columns: readonly Float32Array[],
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
  options: LogisticOptions = DEFAULT_LOGISTIC,
): LogisticFit {
  const d = columns.length;
  const rows = [...Array.from(positives), ...Array.from(negatives)];
  const m = rows.length;
  const x = new Float64Array(m * d);
  const y = new Float64Array(m);
  const sw = new Float64Array(m);
  const np = positives.length;
  const nn = negatives.length;
  let maxNorm = 0;
  rows.forEach((r, k) => {
    let norm = 1;
    for (let j = 0; j < d; j++) {
      const v = columns[j][r];
      x[k * d + j] = v;
      norm += v * v;
    }
    maxNorm = Math.max(maxNorm, norm);
    y[k] = k < np ? 1 : 0;
    sw[k] = k < np ? 1 / Math.max(1, np) : 1 / Math.max(1, nn);
  });
  const weights = new Float64Array(d);
  if (np === 0 || nn === 0) return { weights, bias: 0 };
  // Lipschitz bound of the weighted logistic loss's gradient: ¼ Σ sw ||x||² ≤ ¼ · 2 · max ||x||², plus the penalty.
  const step = 1 / (0.5 * maxNorm + options.l2);
  let w = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  let t = 1;
  const grad = new Float64Array(d + 1);
  for (let it = 0; it < options.iterations; it++) {
    grad.fill(0);
    for (let k = 0; k < m; k++) {
      let z = v[d];
      for (let j = 0; j < d; j++) z += v[j] * x[k * d + j];
      const g = sw[k] * (sigmoid(z) - y[k]);
      for (let j = 0; j < d; j++) grad[j] += g * x[k * d + j];
      grad[d] += g;
    }
    const next = new Float64Array(d + 1);
    for (let j = 0; j < d; j++) next[j] = Math.max(0, v[j] - step * (grad[j] + options.l2 * v[j]));
    next[d] = v[d] - step * grad[d];
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = (t - 1) / tNext;
    for (let j = 0; j <= d; j++) {
      v[j] = next[j] + momentum * (next[j] - w[j]);
      if (j < d) v[j] = Math.max(0, v[j]);
    }
    w = next;
    t = tNext;
  }
  weights.set(w.subarray(0, d));
  return { weights, bias: w[d] };
}

/** w · x for every row (the bias does not change an order). */
export function linearScore(
  columns: readonly Float32Array[],
  weights: ArrayLike<number>,
  n: number,
): Float32Array {
  const out = new Float32Array(n);
  columns.forEach((col, j) => {
    const w = weights[j];
    if (w === 0) return;
    for (let i = 0; i < n; i++) out[i] += w * col[i];
  });
  return out;
}
