/**
 * Which input features push a sample away from its class (the detail panel's tabular evidence): each feature's
 * percentile within the class, its standardised deviation from the class mean, and its share of the sample's
 * Mahalanobis distance to the class. The distance is taken on the features scaled by the class's standard deviation,
 * under a Ledoit–Wolf shrinkage covariance (a correlation matrix shrunk toward the identity; Ledoit & Wolf 2004), so
 * a feature measured in thousands does not drown one measured in hundredths. Each feature's share is
 * δ_f (Σ⁻¹δ)_f / δᵀΣ⁻¹δ: the shares sum to 1, and a share below 0 means that feature, given the others, pulls the
 * sample back toward its class. Pure: the review worker computes it for the focused row.
 */
import { ledoitWolfShrinkage } from '../scores/embedding';
import { cholesky } from '../scores/linalg';

/** The Mahalanobis part is skipped above this many features (its O(F³) factorisation would stall the worker). */
export const MAX_MAHALANOBIS_FEATURES = 512;
/** The class's own distances (for the percentile) are computed only while members × F² stays under this. */
const MAX_CLASS_DISTANCE_WORK = 5e7;

/** One class's statistics over its members' features, computed once per class and kept by the worker. */
export interface ClassFeatureStats {
  members: Int32Array;
  mean: Float64Array;
  /** Population standard deviation per feature (0 for a feature constant in the class). */
  std: Float64Array;
  /** Features that vary in the class (the Mahalanobis part uses these), indices into the feature list. */
  varying: Int32Array;
  /** Cholesky factor of the shrunk covariance of the varying features (scaled), row-major; null when skipped. */
  chol: Float64Array | null;
  shrinkage: number;
  /** The members' own Mahalanobis distances, ascending; null when too costly or skipped. */
  distances: Float64Array | null;
  /** Why the Mahalanobis part is missing, for people; null when present. */
  skipped: string | null;
}

function featureOf(features: Float32Array, f: number, row: number, j: number): number {
  return features[row * f + j] as number;
}

/** Solves L Lᵀ u = b for u (L lower, row-major, d × d). */
function cholSolve(l: Float64Array, d: number, b: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * d + k] as number) * (y[k] as number);
    y[i] = s / (l[i * d + i] as number);
  }
  const u = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < d; k++) s -= (l[k * d + i] as number) * (u[k] as number);
    u[i] = s / (l[i * d + i] as number);
  }
  return u;
}

/** The scaled deviation of `row` from the class on the varying features. */
function scaledDelta(stats: ClassFeatureStats, features: Float32Array, f: number, row: number): Float64Array {
  return Float64Array.from(stats.varying, (j) => {
    const v = featureOf(features, f, row, j);
    return (v - (stats.mean[j] as number)) / (stats.std[j] as number);
  });
}

/** Squared Mahalanobis distance of a scaled deviation under the factor `chol`. */
function squaredDistance(chol: Float64Array, delta: Float64Array): number {
  const u = cholSolve(chol, delta.length, delta);
  let s = 0;
  for (let i = 0; i < delta.length; i++) s += (delta[i] as number) * (u[i] as number);
  return s;
}

/** Mean, standard deviation and (for at most MAX_MAHALANOBIS_FEATURES features) the shrunk covariance of a class. */
export function classFeatureStats(features: Float32Array, f: number, members: Int32Array): ClassFeatureStats {
  const n = members.length;
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  for (const r of members)
    for (let j = 0; j < f; j++) mean[j] = (mean[j] as number) + featureOf(features, f, r, j);
  for (let j = 0; j < f; j++) mean[j] = (mean[j] as number) / Math.max(n, 1);
  for (const r of members) {
    for (let j = 0; j < f; j++)
      std[j] = (std[j] as number) + (featureOf(features, f, r, j) - (mean[j] as number)) ** 2;
  }
  const varyingList: number[] = [];
  for (let j = 0; j < f; j++) {
    std[j] = Math.sqrt((std[j] as number) / Math.max(n, 1));
    if ((std[j] as number) > 1e-12 * Math.max(1, Math.abs(mean[j] as number))) varyingList.push(j);
    else std[j] = 0;
  }
  const varying = Int32Array.from(varyingList);
  const base = { members, mean, std, varying, chol: null, shrinkage: Number.NaN, distances: null };
  const d = varying.length;
  if (n < 3 || d === 0) return { ...base, skipped: 'the class has too few rows or no varying feature' };
  if (d > MAX_MAHALANOBIS_FEATURES)
    return {
      ...base,
      skipped: `${d} varying features is more than the ${MAX_MAHALANOBIS_FEATURES} this view factors`,
    };
  // Scatter of the scaled rows: every varying feature has variance 1, so S is the class's correlation matrix.
  const scatter = new Float64Array(d * d);
  let fourth = 0;
  const z = new Float64Array(d);
  for (const r of members) {
    let norm = 0;
    for (let a = 0; a < d; a++) {
      const j = varying[a] as number;
      z[a] = (featureOf(features, f, r, j) - (mean[j] as number)) / (std[j] as number);
      norm += (z[a] as number) ** 2;
    }
    fourth += norm * norm;
    for (let a = 0; a < d; a++) {
      const za = z[a] as number;
      for (let b = 0; b <= a; b++)
        scatter[a * d + b] = (scatter[a * d + b] as number) + za * (z[b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) scatter[b * d + a] = scatter[a * d + b] as number;
  const shrinkage = ledoitWolfShrinkage(scatter, d, n, fourth);
  const cov = new Float64Array(d * d);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += (scatter[a * d + a] as number) / n;
  const mu = trace / d;
  for (let i = 0; i < d * d; i++) cov[i] = (1 - shrinkage) * ((scatter[i] as number) / n);
  for (let a = 0; a < d; a++)
    cov[a * d + a] = (cov[a * d + a] as number) + Math.max(shrinkage * mu, 1e-9 * mu);
  const chol = cholesky(cov, d);
  if (!chol) return { ...base, skipped: 'the class covariance could not be factored' };
  const stats: ClassFeatureStats = { ...base, chol, shrinkage, skipped: null };
  if (n * d * d <= MAX_CLASS_DISTANCE_WORK) {
    stats.distances = Float64Array.from(members, (r) =>
      Math.sqrt(squaredDistance(chol, scaledDelta(stats, features, f, r))),
    ).sort();
  }
  return stats;
}

/** One feature of the focused row against its class. */
export interface FeatureDeviation {
  /** Share of the class's rows with a lower value, ties counted half: 0.5 is the class median. */
  percentile: number;
  /** (value − class mean) / class std; 0 for a feature constant in the class at the row's value, ±∞ off it. */
  z: number;
  /** The feature's share of the squared Mahalanobis distance (sums to 1 over features); null without it. */
  share: number | null;
}

/** How far a row sits from its class: per feature, and the Mahalanobis distance with its percentile in the class. */
export interface RowDeviation {
  features: FeatureDeviation[];
  /** sqrt(δᵀΣ⁻¹δ), null when the class's covariance was skipped. */
  distance: number | null;
  /** Share of the class's rows with a smaller distance; null when not computed. */
  distancePercentile: number | null;
}

/** Every feature of `row` against `stats` (its class). */
export function rowDeviation(
  stats: ClassFeatureStats,
  features: Float32Array,
  f: number,
  row: number,
): RowDeviation {
  const out: FeatureDeviation[] = [];
  for (let j = 0; j < f; j++) {
    const v = featureOf(features, f, row, j);
    let below = 0;
    let equal = 0;
    for (const r of stats.members) {
      const w = featureOf(features, f, r, j);
      if (w < v) below++;
      else if (w === v) equal++;
    }
    const n = Math.max(stats.members.length, 1);
    const sd = stats.std[j] as number;
    const dev = v - (stats.mean[j] as number);
    const z =
      sd > 0 ? dev / sd : Math.abs(dev) <= 1e-12 * Math.max(1, Math.abs(v)) ? 0 : Math.sign(dev) * Infinity;
    out.push({ percentile: (below + equal / 2) / n, z, share: null });
  }
  if (!stats.chol) return { features: out, distance: null, distancePercentile: null };
  const delta = scaledDelta(stats, features, f, row);
  const u = cholSolve(stats.chol, delta.length, delta);
  let d2 = 0;
  for (let a = 0; a < delta.length; a++) d2 += (delta[a] as number) * (u[a] as number);
  stats.varying.forEach((j, a) => {
    const feature = out[j];
    if (feature && d2 > 0) feature.share = ((delta[a] as number) * (u[a] as number)) / d2;
  });
  for (const feature of out) if (feature.share === null && d2 > 0) feature.share = 0;
  const distance = Math.sqrt(Math.max(0, d2));
  let distancePercentile: number | null = null;
  if (stats.distances) {
    let below = 0;
    for (const x of stats.distances) if (x < distance - 1e-9) below++;
    distancePercentile = below / stats.distances.length;
  }
  return { features: out, distance, distancePercentile };
}

/** Feature indices ordered by how hard they push the row out: share of the distance, else |z|, largest first. */
export function pushOrder(deviation: RowDeviation): Int32Array {
  const key = (k: number) => {
    const d = deviation.features[k] as FeatureDeviation;
    return d.share !== null ? d.share : Math.abs(d.z);
  };
  const order = Int32Array.from(deviation.features, (_, k) => k);
  const size = (k: number) => Math.abs((deviation.features[k] as FeatureDeviation).z);
  order.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return kb > ka ? 1 : -1;
    if (size(a) !== size(b)) return size(b) > size(a) ? 1 : -1;
    return a - b;
  });
  return order;
}
