import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import {
  activationClustering,
  type EmbeddingInput,
  ledoitWolfShrinkage,
  mahalanobis,
  spectralSignature,
} from './embedding';
import { symmetricEigen } from './linalg';
import { gaussian, mismatch } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const AC = { dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 };

type Rows = number[][];

function rowsOf(input: EmbeddingInput, c: number): { idx: number[]; rows: Rows } {
  const idx: number[] = [];
  const rows: Rows = [];
  for (let i = 0; i < input.samples; i++) {
    if (input.labels[i] !== c) continue;
    idx.push(i);
    rows.push(Array.from(input.embeddings.subarray(i * input.dim, (i + 1) * input.dim)));
  }
  return { idx, rows };
}

function centre(rows: Rows): { mu: number[]; xc: Rows } {
  const d = rows[0].length;
  const mu = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  return { mu, xc: rows.map((r) => r.map((v, j) => v - mu[j])) };
}

function covariance(xc: Rows): Rows {
  const d = xc[0].length;
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => xc.reduce((s, r) => s + r[a] * r[b], 0) / xc.length),
  );
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Top eigenvectors by power iteration with deflation (independent of linalg.ts). */
function topEigen(m: Rows, count: number): { vectors: number[][]; values: number[] } {
  const a = m.map((r) => [...r]);
  const vectors: number[][] = [];
  const values: number[] = [];
  const rng = createRng(99);
  for (let t = 0; t < count; t++) {
    let v = a.map(() => gaussian(rng));
    for (let it = 0; it < 3000; it++) {
      const w = a.map((r) => dot(r, v));
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    const lambda = dot(
      a.map((r) => dot(r, v)),
      v,
    );
    vectors.push(v);
    values.push(lambda);
    for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) a[i][j] -= lambda * v[i] * v[j];
  }
  return { vectors, values };
}

/** Gauss–Jordan inverse. */
function inverse(m: Rows): Rows {
  const d = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const piv = a[c][c];
    for (let j = 0; j < 2 * d; j++) a[c][j] /= piv;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * d; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((r) => r.slice(d));
}

/** scikit-learn's ledoit_wolf_shrinkage, transcribed (X centred, n × d). */
function sklearnShrinkage(x: Rows): number {
  const n = x.length;
  const d = x[0].length;
  const x2 = x.map((r) => r.map((v) => v * v));
  const empTrace = Array.from({ length: d }, (_, j) => x2.reduce((s, r) => s + r[j], 0) / n);
  const mu = empTrace.reduce((a, b) => a + b, 0) / d;
  let beta_ = 0;
  let delta_ = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let xtx = 0;
      let x2tx2 = 0;
      for (const [i, r] of x.entries()) {
        xtx += r[a] * r[b];
        x2tx2 += x2[i][a] * x2[i][b];
      }
      delta_ += xtx * xtx;
      beta_ += x2tx2;
    }
  }
  delta_ /= n * n;
  let beta = (1 / (d * n)) * (beta_ / n - delta_);
  let delta = delta_ - 2 * mu * empTrace.reduce((s, v) => s + v, 0) + d * mu * mu;
  delta /= d;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

/** Anisotropic Gaussian classes (distinct variances per axis, so eigenvectors are well separated). */
function anisotropic(perClass: number[], d: number, seed: number): EmbeddingInput {
  const rng = createRng(seed);
  const n = perClass.reduce((a, b) => a + b, 0);
  const embeddings = new Float32Array(n * d);
  const labels = new Int32Array(n);
  let i = 0;
  perClass.forEach((count, c) => {
    for (let t = 0; t < count; t++, i++) {
      labels[i] = c;
      for (let j = 0; j < d; j++) embeddings[i * d + j] = 3 * c + gaussian(rng) * (d - j) * (1 + 0.3 * c);
    }
  });
  return { embeddings, samples: n, dim: d, labels, classCount: perClass.length };
}

describe('spectralSignature', () => {
  it('matches a plain reference (power iteration with deflation), raw and normalised', async () => {
    const input = anisotropic([40, 30, 1], 5, 1);
    const before = tf.memory().numTensors;
    const raw = await spectralSignature(input, { iterations: 1000, normalize: false }, 3);
    const norm = await spectralSignature(input, { iterations: 1000, normalize: true }, 3);
    expect(tf.memory().numTensors).toBe(before);
    const refRaw = new Float64Array(input.samples);
    const refNorm = new Float64Array(input.samples);
    for (const c of [0, 1]) {
      const { idx, rows } = rowsOf(input, c);
      const { xc } = centre(rows);
      const { vectors, values } = topEigen(covariance(xc), 1);
      idx.forEach((i, t) => {
        refRaw[i] = dot(xc[t], vectors[0]) ** 2;
        refNorm[i] = refRaw[i] / values[0];
      });
    }
    expect(mismatch(raw, refRaw, 1e-4, 1e-5)).toBe('');
    expect(mismatch(norm, refNorm, 1e-4, 1e-5)).toBe('');
    expect(raw[input.samples - 1]).toBe(0); // a class of one scores 0
  });

  it('hand case: three points on a line', async () => {
    const input: EmbeddingInput = {
      embeddings: Float32Array.from([-1, 0, 1, 0, 0, 0]),
      samples: 3,
      dim: 2,
      labels: Int32Array.from([0, 0, 0]),
      classCount: 1,
    };
    const raw = await spectralSignature(input, { iterations: 100, normalize: false }, 1);
    expect(mismatch(raw, [1, 1, 0], 1e-6)).toBe('');
    // Variance along v = 2/3.
    const norm = await spectralSignature(input, { iterations: 100, normalize: true }, 1);
    expect(mismatch(norm, [1.5, 1.5, 0], 1e-6)).toBe('');
  });
});

describe('activationClustering', () => {
  /** Class 0: 40 + 10 planted minority; class 1: two equal halves; class 2: 3 members. 10 strong dims + 4 weak. */
  function planted(): EmbeddingInput {
    const rng = createRng(5);
    const d = 14;
    const counts = [50, 50, 3];
    const n = 103;
    const embeddings = new Float32Array(n * d);
    const labels = new Int32Array(n);
    let i = 0;
    counts.forEach((count, c) => {
      for (let t = 0; t < count; t++, i++) {
        labels[i] = c;
        const shifted = (c === 0 && t >= 40) || (c === 1 && t >= 25);
        for (let j = 0; j < d; j++) {
          const spread = j < 10 ? 1 + 0.2 * j : 0.01;
          embeddings[i * d + j] = gaussian(rng) * spread + (shifted && j < 3 ? 12 : 0);
        }
      }
    });
    return { embeddings, samples: n, dim: d, labels, classCount: 3 };
  }

  it('matches a plain reference (PCA by deflation, 2-means, centre silhouette)', async () => {
    const input = planted();
    const before = tf.memory().numTensors;
    const got = await activationClustering(input, AC, 7);
    expect(tf.memory().numTensors).toBe(before);
    const ref = new Float64Array(input.samples);
    for (const c of [0, 1]) {
      const { idx, rows } = rowsOf(input, c);
      const { xc } = centre(rows);
      const { vectors } = topEigen(covariance(xc), 10);
      const pts = xc.map((r) => vectors.map((v) => dot(r, v)));
      // 2-means from the two mutually farthest points (the planted split is unambiguous).
      let [a, b] = [0, 0];
      let far = -1;
      for (let s = 0; s < pts.length; s++) {
        for (let t = s + 1; t < pts.length; t++) {
          const dd = Math.hypot(...pts[s].map((v, j) => v - pts[t][j]));
          if (dd > far) [far, a, b] = [dd, s, t];
        }
      }
      let cents = [pts[a], pts[b]];
      let assign: number[] = [];
      for (let it = 0; it < 100; it++) {
        assign = pts.map((p) =>
          Math.hypot(...p.map((v, j) => v - cents[0][j])) <= Math.hypot(...p.map((v, j) => v - cents[1][j]))
            ? 0
            : 1,
        );
        cents = [0, 1].map((k) => {
          const members = pts.filter((_, t) => assign[t] === k);
          return pts[0].map((_, j) => members.reduce((s, m) => s + m[j], 0) / members.length);
        });
      }
      const size1 = assign.filter((k) => k === 1).length;
      const minority = size1 <= assign.length - size1 ? 1 : 0;
      const size = minority ? size1 : assign.length - size1;
      if (size >= 0.35 * assign.length) continue;
      let sil = 0;
      pts.forEach((p, t) => {
        if (assign[t] !== minority) return;
        const da = Math.hypot(...p.map((v, j) => v - cents[minority][j]));
        const db = Math.hypot(...p.map((v, j) => v - cents[1 - minority][j]));
        sil += (db - da) / Math.max(da, db);
      });
      idx.forEach((i, t) => {
        if (assign[t] === minority) ref[i] = sil / size;
      });
    }
    expect(mismatch(got, ref, 1e-4, 1e-5)).toBe('');
    // The planted minority (class 0, members 40..49) is what scores; the balanced class does not.
    expect(Array.from(got.subarray(40, 50)).every((v) => v > 0.5)).toBe(true);
    expect(Array.from(got.subarray(0, 40)).every((v) => v === 0)).toBe(true);
    expect(Array.from(got.subarray(50)).every((v) => v === 0)).toBe(true);
  });

  it('hand case in one dimension', async () => {
    // Majority around 0, minority {9, 11}: centres 0 and 10; silhouettes 8/9 and 10/11.
    const input: EmbeddingInput = {
      embeddings: Float32Array.from([-1, 0, 1, -1, 0, 1, 9, 11]),
      samples: 8,
      dim: 1,
      labels: new Int32Array(8),
      classCount: 1,
    };
    const got = await activationClustering(input, AC, 1);
    const s = (8 / 9 + 10 / 11) / 2;
    expect(mismatch(got, [0, 0, 0, 0, 0, 0, s, s], 1e-6)).toBe('');
  });
});

describe('mahalanobis', () => {
  function reference(input: EmbeddingInput, mode: 'tied' | 'per-class', shrink: 'lw' | number): Float64Array {
    const out = new Float64Array(input.samples);
    const classes = Array.from({ length: input.classCount }, (_, c) => ({ c, ...rowsOf(input, c) })).filter(
      (k) => k.rows.length > 0,
    );
    const centred = classes.map((k) => ({ ...k, ...centre(k.rows) }));
    const shrunk = (xc: Rows): Rows => {
      const s = covariance(xc);
      const d = s.length;
      const mu = s.reduce((t, r, i) => t + r[i], 0) / d;
      const a = shrink === 'lw' ? sklearnShrinkage(xc) : shrink;
      return s.map((r, i) => r.map((v, j) => (1 - a) * v + (i === j ? a * mu : 0)));
    };
    const tiedInv = mode === 'tied' ? inverse(shrunk(centred.flatMap((k) => k.xc))) : null;
    for (const k of centred) {
      const inv = tiedInv ?? inverse(shrunk(k.xc));
      k.idx.forEach((i, t) => {
        const x = k.xc[t];
        out[i] = Math.sqrt(
          dot(
            x,
            inv.map((r) => dot(r, x)),
          ),
        );
      });
    }
    return out;
  }

  it('matches a plain reference: tied and per-class, Ledoit–Wolf and fixed shrinkage', async () => {
    const input = anisotropic([60, 45, 30], 6, 4);
    const before = tf.memory().numTensors;
    for (const cov of ['tied', 'per-class'] as const) {
      for (const shrink of ['lw', 0.3] as const) {
        const got = await mahalanobis(input, {
          covariance: cov,
          shrinkage: shrink === 'lw' ? 'ledoit-wolf' : shrink,
        });
        expect(mismatch(got.scores, reference(input, cov, shrink), 1e-4, 1e-5), `${cov} ${shrink}`).toBe('');
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Ledoit–Wolf shrinkage equals scikit-learn’s formula', () => {
    for (const n of [8, 40, 400]) {
      const rng = createRng(n);
      const d = 5;
      const rows: Rows = Array.from({ length: n }, () =>
        Array.from({ length: d }, (_, j) => gaussian(rng) * (1 + j)),
      );
      const { xc } = centre(rows);
      const scatter = new Float64Array(d * d);
      let fourth = 0;
      for (const r of xc) {
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) scatter[a * d + b] += r[a] * r[b];
        fourth += dot(r, r) ** 2;
      }
      expect(ledoitWolfShrinkage(scatter, d, n, fourth)).toBeCloseTo(sklearnShrinkage(xc), 10);
    }
  });

  it('hand case: four points on the axes', async () => {
    // μ = 0, S = diag(0.5, 0.5): every point is at distance 1 / sqrt(0.5) = sqrt(2), whatever the shrinkage.
    const input: EmbeddingInput = {
      embeddings: Float32Array.from([1, 0, -1, 0, 0, 1, 0, -1]),
      samples: 4,
      dim: 2,
      labels: new Int32Array(4),
      classCount: 1,
    };
    for (const shrinkage of ['ledoit-wolf', 0, 1] as const) {
      const got = await mahalanobis(input, { covariance: 'tied', shrinkage });
      expect(mismatch(got.scores, [Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.SQRT2], 1e-5)).toBe('');
    }
  });
});

describe('symmetricEigen', () => {
  it('diagonalises a random symmetric matrix', () => {
    const d = 7;
    const rng = createRng(3);
    const b = Array.from({ length: d * d }, () => gaussian(rng));
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = b[i * d + j] + b[j * d + i];
    const { values, vectors } = symmetricEigen(a, d);
    for (let k = 0; k < d; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let j = 0; j < d; j++) av += a[i * d + j] * vectors[j * d + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * d + k], 9);
      }
    }
  });
});
