/**
 * Small dense linear algebra on d × d matrices (d = the embedding size, tens to a few hundred), in Float64 on the
 * CPU: eigenvectors of covariance matrices and SPD solves. The O(N·d²) work around them runs as tfjs matrix
 * products; what is here is O(d³) and independent of N, and tfjs has no eigen or Cholesky op.
 * Matrices are row-major Float64Arrays.
 */
import type { Rng } from '../random';

/** Top eigenvector of a symmetric PSD matrix by power iteration from a seeded start; stops when it settles. */
export function powerIteration(m: Float64Array, d: number, maxIterations: number, rng: Rng): Float64Array {
  let v = new Float64Array(d);
  for (let i = 0; i < d; i++) v[i] = rng.next() - 0.5;
  normalize(v);
  let w = new Float64Array(d);
  for (let it = 0; it < maxIterations; it++) {
    matVec(m, v, w, d);
    const norm = euclidean(w);
    if (norm === 0) return v; // m = 0: every direction is top; keep the start.
    let change = 0;
    for (let i = 0; i < d; i++) {
      w[i] /= norm;
      change += Math.abs(w[i] - v[i]);
    }
    [v, w] = [w, v];
    if (change < 1e-12 * d) break;
  }
  return v;
}

function matVec(m: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let r = 0; r < d; r++) {
    let s = 0;
    const o = r * d;
    for (let c = 0; c < d; c++) s += m[o + c] * v[c];
    out[r] = s;
  }
}

function euclidean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function normalize(v: Float64Array): void {
  const norm = euclidean(v) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
}

/**
 * All eigenpairs of a symmetric matrix by cyclic Jacobi rotations (exact to rounding, deterministic; O(d³) per
 * sweep, a handful of sweeps). Returns eigenvalues in descending order and the matching eigenvectors as the
 * columns of a row-major d × d matrix.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += m[p * d + p] ** 2;
      for (let q = p + 1; q < d; q++) off += m[p * d + q] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (apq === 0) continue;
        const app = m[p * d + p];
        const aqq = m[q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p];
          const mkq = m[k * d + q];
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k];
          const mqk = m[q * d + k];
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => m[j * d + j] - m[i * d + i] || i - j);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, dst) => {
    values[dst] = m[src * d + src];
    for (let k = 0; k < d; k++) vectors[k * d + dst] = v[k * d + src];
  });
  return { values, vectors };
}

/** Cholesky factor L (lower, row-major) of an SPD matrix; null when it is not positive definite. */
export function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix (row-major), by forward substitution. */
export function invertLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let col = 0; col < d; col++) {
    for (let i = col; i < d; i++) {
      let s = i === col ? 1 : 0;
      for (let k = col; k < i; k++) s -= l[i * d + k] * inv[k * d + col];
      inv[i * d + col] = s / l[i * d + i];
    }
  }
  return inv;
}
