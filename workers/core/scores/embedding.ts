/**
 * Embedding-outlier scores on the final-epoch penultimate embeddings h (DESIGN §3), per assigned class:
 * spectral signature (Tran et al. 2018), activation clustering (Chen et al. 2018) and class-conditional
 * Mahalanobis distance with a shrinkage covariance (Lee et al. 2018; Ledoit & Wolf 2004).
 * The O(N·d²) work (class scatter matrices, projections) runs as tfjs matrix products; the O(d³) work
 * (eigenvectors, Cholesky) runs in `linalg.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, type Rng } from '../random';
import { checkpoint, type StepHooks } from './hooks';
import { cholesky, invertLower, powerIteration, symmetricEigen } from './linalg';
import type { ActivationClusteringParams, MahalanobisParams, SpectralParams } from './types';

/** Embeddings with their assigned labels: N × d row-major. */
export interface EmbeddingInput {
  embeddings: Float32Array;
  samples: number;
  dim: number;
  labels: Int32Array;
  classCount: number;
}

/** One class's members, mean and scatter Σ (h - μ)(h - μ)ᵀ, plus Σ ||h - μ||⁴ for Ledoit–Wolf. */
export interface ClassStats {
  members: Int32Array;
  mean: Float64Array;
  scatter: Float64Array;
  fourthMoment: number;
}

function check(input: EmbeddingInput): void {
  const { embeddings, samples: n, dim: d, labels, classCount } = input;
  if (embeddings.length !== n * d)
    throw new RangeError(`Expected N×d = ${n * d} embedding values, got ${embeddings.length}.`);
  if (labels.length !== n) throw new RangeError(`Expected ${n} labels, got ${labels.length}.`);
  for (let i = 0; i < n; i++) {
    if (!(labels[i] >= 0 && labels[i] < classCount))
      throw new RangeError(`Label ${labels[i]} of sample ${i} is not a class.`);
  }
}

/** Members of each class, in sample order. */
export function classMembers(labels: Int32Array, classCount: number): Int32Array[] {
  const counts = new Int32Array(classCount);
  for (const y of labels) counts[y]++;
  const out = Array.from({ length: classCount }, (_, c) => new Int32Array(counts[c]));
  const fill = new Int32Array(classCount);
  labels.forEach((y, i) => {
    out[y][fill[y]++] = i;
  });
  return out;
}

/**
 * Per-class work on the embeddings. Class rows are copied out in JS and uploaded per class, rather than gathered
 * from one N × d tensor: on the WASM backend a gather or slice of a big tensor costs time in proportion to the
 * whole tensor.
 */
class ClassView {
  readonly members: Int32Array[];
  constructor(readonly input: EmbeddingInput) {
    check(input);
    this.members = classMembers(input.labels, input.classCount);
  }

  /** The class's embeddings minus `mean` (n_c × d tensor; caller disposes). */
  centred(c: number, mean: Float64Array): tf.Tensor2D {
    const { embeddings, dim: d } = this.input;
    const rows = this.members[c];
    const out = new Float32Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) {
      const o = rows[r] * d;
      for (let j = 0; j < d; j++) out[r * d + j] = embeddings[o + j] - mean[j];
    }
    return tf.tensor2d(out, [rows.length, d]);
  }

  async stats(c: number): Promise<ClassStats> {
    const members = this.members[c];
    const { embeddings, dim: d } = this.input;
    const mean = new Float64Array(d);
    if (members.length === 0) return { members, mean, scatter: new Float64Array(d * d), fourthMoment: 0 };
    for (const i of members) for (let j = 0; j < d; j++) mean[j] += embeddings[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= members.length;
    const packed = tf.tidy(() => {
      const xc = this.centred(c, mean);
      const scatter = tf.reshape(tf.matMul(xc, xc, true, false), [-1]);
      const fourth = tf.reshape(tf.sum(tf.square(tf.sum(tf.square(xc), 1))), [1]);
      return tf.concat([scatter, fourth]);
    });
    const values = await packed.data();
    packed.dispose();
    return {
      members,
      mean,
      scatter: Float64Array.from(values.subarray(0, d * d)),
      fourthMoment: values[d * d],
    };
  }

  /** (h - mean) · W for the class's members, W d × m (row-major); returns n_c × m values. */
  async project(c: number, mean: Float64Array, w: Float64Array, m: number): Promise<Float32Array> {
    const out = tf.tidy(() =>
      tf.matMul(this.centred(c, mean), tf.tensor2d(Float32Array.from(w), [this.input.dim, m])),
    );
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }
}

/** Per-class statistics of all classes (means, scatter matrices), computed on the backend. */
export async function classStatistics(input: EmbeddingInput, hooks?: StepHooks): Promise<ClassStats[]> {
  const view = new ClassView(input);
  const out: ClassStats[] = [];
  for (let c = 0; c < input.classCount; c++) {
    out.push(await view.stats(c));
    await checkpoint(hooks);
  }
  return out;
}

/**
 * Spectral signature: per class, v = top eigenvector of the class scatter (the top right singular vector of the
 * centred class matrix) by power iteration; score = ((h - μ_y)·v)², divided by the class variance along v when
 * `normalize` (so classes of different spread rank together). Classes with fewer than 2 members score 0.
 */
export async function spectralSignature(
  input: EmbeddingInput,
  params: SpectralParams,
  seed: number,
  hooks?: StepHooks,
): Promise<Float32Array> {
  const view = new ClassView(input);
  const out = new Float32Array(input.samples);
  const d = input.dim;
  for (let c = 0; c < input.classCount; c++) {
    const st = await view.stats(c);
    const nc = st.members.length;
    if (nc < 2) continue;
    const v = powerIteration(st.scatter, d, params.iterations, createRng(deriveSeed(seed, c)));
    const proj = await view.project(c, st.mean, v, 1);
    let scale = 1;
    if (params.normalize) {
      let lambda = 0;
      for (let i = 0; i < nc; i++) lambda += proj[i] * proj[i];
      scale = lambda > 0 ? nc / lambda : 0;
    }
    for (let i = 0; i < nc; i++) out[st.members[i]] = proj[i] * proj[i] * scale;
    await checkpoint(hooks);
  }
  return out;
}

/** k-means++ seeding then Lloyd iterations for 2 clusters on n × p points; returns assignment and inertia. */
export function twoMeans(
  pts: Float32Array,
  n: number,
  p: number,
  rng: Rng,
  iterations: number,
): { assign: Uint8Array; centres: Float64Array; inertia: number } {
  const centres = new Float64Array(2 * p);
  const first = rng.int(n);
  for (let j = 0; j < p; j++) centres[j] = pts[first * p + j];
  // Second centre drawn with probability ∝ squared distance to the first (k-means++).
  const d2 = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    d2[i] = sqDist(pts, i, centres, 0, p);
    total += d2[i];
  }
  let second = n - 1;
  let u = rng.next() * total;
  for (let i = 0; i < n; i++) {
    u -= d2[i];
    if (u < 0) {
      second = i;
      break;
    }
  }
  for (let j = 0; j < p; j++) centres[p + j] = pts[second * p + j];
  const assign = new Uint8Array(n);
  let inertia = 0;
  for (let it = 0; it <= iterations; it++) {
    let changed = it === 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const a = sqDist(pts, i, centres, 0, p);
      const b = sqDist(pts, i, centres, 1, p);
      const k = b < a ? 1 : 0;
      inertia += k ? b : a;
      if (assign[i] !== k) {
        assign[i] = k;
        changed = true;
      }
    }
    if (!changed || it === iterations) break;
    const sums = new Float64Array(2 * p);
    const counts = [0, 0];
    for (let i = 0; i < n; i++) {
      const k = assign[i];
      counts[k]++;
      for (let j = 0; j < p; j++) sums[k * p + j] += pts[i * p + j];
    }
    for (let k = 0; k < 2; k++) {
      if (counts[k] === 0) continue; // keep the old centre; the next pass re-assigns
      for (let j = 0; j < p; j++) centres[k * p + j] = sums[k * p + j] / counts[k];
    }
  }
  return { assign, centres, inertia };
}

function sqDist(pts: Float32Array, i: number, centres: Float64Array, k: number, p: number): number {
  let s = 0;
  for (let j = 0; j < p; j++) {
    const t = pts[i * p + j] - centres[k * p + j];
    s += t * t;
  }
  return s;
}

/**
 * Activation clustering: per class, project the centred embeddings on the top `dims` principal axes, split them by
 * seeded 2-means (best of `restarts` by inertia), and if one cluster holds less than `minorityFraction` of the
 * class, each of its members scores the mean simplified silhouette of that cluster — (b - a) / max(a, b) with a,
 * b the distances to its own and to the majority centre, averaged over the cluster — i.e. how far the small
 * cluster sits from the class majority. Everyone else scores 0. (The exact silhouette needs all pairwise
 * distances, O(n_c²); the centre form is O(n_c).)
 */
export async function activationClustering(
  input: EmbeddingInput,
  params: ActivationClusteringParams,
  seed: number,
  hooks?: StepHooks,
): Promise<Float32Array> {
  const view = new ClassView(input);
  const out = new Float32Array(input.samples);
  const d = input.dim;
  const p = Math.max(1, Math.min(params.dims, d));
  for (let c = 0; c < input.classCount; c++) {
    const st = await view.stats(c);
    const nc = st.members.length;
    if (nc < 4) continue;
    const { vectors } = symmetricEigen(st.scatter, d);
    const basis = new Float64Array(d * p);
    for (let r = 0; r < d; r++) for (let j = 0; j < p; j++) basis[r * p + j] = vectors[r * d + j];
    const pts = await view.project(c, st.mean, basis, p);
    const rng = createRng(deriveSeed(seed, c));
    let best = twoMeans(pts, nc, p, rng, params.iterations);
    for (let r = 1; r < params.restarts; r++) {
      const next = twoMeans(pts, nc, p, rng, params.iterations);
      if (next.inertia < best.inertia) best = next;
    }
    let ones = 0;
    for (let i = 0; i < nc; i++) ones += best.assign[i];
    const minority = ones <= nc - ones ? 1 : 0;
    const size = minority ? ones : nc - ones;
    if (size === 0 || size >= params.minorityFraction * nc) continue;
    let silhouette = 0;
    for (let i = 0; i < nc; i++) {
      if (best.assign[i] !== minority) continue;
      const a = Math.sqrt(sqDist(pts, i, best.centres, minority, p));
      const b = Math.sqrt(sqDist(pts, i, best.centres, 1 - minority, p));
      const m = Math.max(a, b);
      silhouette += m > 0 ? (b - a) / m : 0;
    }
    silhouette /= size;
    for (let i = 0; i < nc; i++) if (best.assign[i] === minority) out[st.members[i]] = silhouette;
    await checkpoint(hooks);
  }
  return out;
}

/**
 * Ledoit–Wolf shrinkage α toward (tr S / d)·I for a covariance S = scatter / n of n centred rows with
 * Σ ||x||⁴ = fourthMoment: α = min(b̄², δ²) / δ², δ² = ||S - μI||²_F, b̄² = (Σ||x||⁴ - n ||S||²_F) / n²
 * (Ledoit & Wolf 2004, as in scikit-learn's `ledoit_wolf`).
 */
export function ledoitWolfShrinkage(
  scatter: Float64Array,
  d: number,
  n: number,
  fourthMoment: number,
): number {
  if (n < 2) return 1;
  let trace = 0;
  let frob = 0;
  for (let i = 0; i < d; i++) trace += scatter[i * d + i] / n;
  for (let i = 0; i < d * d; i++) frob += (scatter[i] / n) ** 2;
  const mu = trace / d;
  const delta = frob - 2 * mu * trace + d * mu * mu;
  if (!(delta > 0)) return 0;
  const beta = Math.max(0, (fourthMoment - n * frob) / (n * n));
  return Math.min(beta, delta) / delta;
}

/** Adds `value` to every diagonal entry of the d × d row-major matrix `s` (a ridge). */
function addToDiagonal(s: Float64Array, d: number, value: number): void {
  for (let i = 0; i < d; i++) s[i * d + i] += value;
}

/**
 * Whitening matrix W with Wᵀ W = Σ⁻¹ for Σ = (1 - α) S + α (tr S / d) I, S = scatter / n; returned as Wᵀ
 * (d × d row-major) so that ||(h - μ) Wᵀ||² is the squared Mahalanobis distance.
 */
function whitening(scatter: Float64Array, d: number, n: number, alpha: number): Float64Array {
  const s = new Float64Array(d * d);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += scatter[i * d + i] / n;
  const mu = trace / d;
  for (let i = 0; i < d * d; i++) s[i] = (1 - alpha) * (scatter[i] / n);
  // A tiny ridge keeps a singular S (α = 0, n < d, or constant dimensions) factorable.
  addToDiagonal(s, d, Math.max(alpha * mu, 1e-9 * Math.max(mu, 1e-12)));
  let l = cholesky(s, d);
  for (let boost = 1e-6; !l && boost < 1; boost *= 10) {
    addToDiagonal(s, d, boost * Math.max(mu, 1e-12));
    l = cholesky(s, d);
  }
  if (!l) throw new Error('The embedding covariance could not be factored, even with a ridge.');
  const inv = invertLower(l, d);
  const wT = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) wT[i * d + j] = inv[j * d + i];
  return wT;
}

/**
 * Class-conditional Mahalanobis distance sqrt((h - μ_y)ᵀ Σ⁻¹ (h - μ_y)), Σ shrunk toward a scaled identity
 * (Ledoit–Wolf or a fixed α); `tied` pools one covariance over all classes (Lee et al. 2018), `per-class` fits one
 * per class. Returns the scores and the α used: one (tied) or one per class (NaN for a class with no samples).
 */
export async function mahalanobis(
  input: EmbeddingInput,
  params: MahalanobisParams,
  hooks?: StepHooks,
): Promise<{ scores: Float32Array; shrinkage: number[] }> {
  const view = new ClassView(input);
  const d = input.dim;
  const out = new Float32Array(input.samples);
  const shrinkage: number[] = [];
  const alphaFor = (scatter: Float64Array, n: number, fourth: number): number => {
    const a =
      params.shrinkage === 'ledoit-wolf' ? ledoitWolfShrinkage(scatter, d, n, fourth) : params.shrinkage;
    if (!(a >= 0 && a <= 1)) throw new RangeError(`Shrinkage must be in [0, 1], got ${a}.`);
    shrinkage.push(a);
    return a;
  };
  const stats: ClassStats[] = [];
  for (let c = 0; c < input.classCount; c++) stats.push(await view.stats(c));
  let tiedW: Float64Array | null = null;
  if (params.covariance === 'tied') {
    const pooled = new Float64Array(d * d);
    let fourth = 0;
    for (const st of stats) {
      for (let i = 0; i < d * d; i++) pooled[i] += st.scatter[i];
      fourth += st.fourthMoment;
    }
    const n = input.samples;
    tiedW = whitening(pooled, d, n, alphaFor(pooled, n, fourth));
  }
  for (let c = 0; c < input.classCount; c++) {
    const st = stats[c];
    const nc = st.members.length;
    if (nc === 0) {
      if (!tiedW) shrinkage.push(Number.NaN);
      continue;
    }
    const w = tiedW ?? whitening(st.scatter, d, nc, alphaFor(st.scatter, nc, st.fourthMoment));
    const z = await view.project(c, st.mean, w, d);
    for (let i = 0; i < nc; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += z[i * d + j] * z[i * d + j];
      out[st.members[i]] = Math.sqrt(s);
    }
    await checkpoint(hooks);
  }
  return { scores: out, shrinkage };
}
