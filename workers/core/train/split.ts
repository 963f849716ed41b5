/**
 * Row selection for training: a seeded stratified train/validation split, stratified K-fold assignment, and
 * input standardisation whose statistics come from the training rows only (validation rows must not leak into
 * the scaling, or validation loss is optimistic).
 */
import { createRng, shuffleInPlace } from '../random';
import type { Standardization } from './types';

export type { Standardization };

/** Dataset rows (ascending) on each side of a split. */
export interface SplitRows {
  trainRows: Int32Array;
  valRows: Int32Array;
}

function rowsByClass(labels: Int32Array, classCount: number): Int32Array[] {
  const counts = new Int32Array(classCount);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= classCount || !Number.isInteger(y)) {
      throw new RangeError(`Row ${i} has label code ${y}, outside 0..${classCount - 1}.`);
    }
    counts[y]++;
  }
  const groups = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(classCount);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    groups[y][fill[y]++] = i;
  }
  return groups;
}

/**
 * Seeded stratified split: each class contributes round(count × fraction) rows to validation, but always keeps at
 * least one training row. fraction in [0, 1); 0 gives an empty validation set.
 */
export function stratifiedSplit(
  labels: Int32Array,
  classCount: number,
  fraction: number,
  seed: number,
): SplitRows {
  if (!(fraction >= 0 && fraction < 1))
    throw new RangeError(`Validation fraction ${fraction} is not in [0, 1).`);
  const rng = createRng(seed);
  const val: number[] = [];
  const train: number[] = [];
  for (const group of rowsByClass(labels, classCount)) {
    shuffleInPlace(group, rng);
    const nVal = Math.min(Math.round(group.length * fraction), Math.max(group.length - 1, 0));
    for (let k = 0; k < group.length; k++) (k < nVal ? val : train).push(group[k]);
  }
  return {
    trainRows: Int32Array.from(train).sort(),
    valRows: Int32Array.from(val).sort(),
  };
}

/**
 * Seeded stratified K-fold assignment: the fold (0..k-1) of every row. Classes are dealt round-robin with a
 * counter that carries across classes, so fold sizes differ by at most one and each fold holds every class in
 * proportion.
 */
export function stratifiedFolds(labels: Int32Array, classCount: number, k: number, seed: number): Int32Array {
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`K-fold needs an integer k ≥ 2, got ${k}.`);
  const rng = createRng(seed);
  const fold = new Int32Array(labels.length);
  let counter = 0;
  for (const group of rowsByClass(labels, classCount)) {
    shuffleInPlace(group, rng);
    for (let j = 0; j < group.length; j++) fold[group[j]] = counter++ % k;
  }
  return fold;
}

/** Mean and population std per feature over the given rows only (float64 accumulation, two passes). */
export function standardizationStats(
  features: Float32Array,
  featureCount: number,
  rows: Int32Array,
): Standardization {
  const sum = new Float64Array(featureCount);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * featureCount;
    for (let f = 0; f < featureCount; f++) sum[f] += features[base + f];
  }
  const n = Math.max(rows.length, 1);
  const mean = sum.map((s) => s / n);
  const sq = new Float64Array(featureCount);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * featureCount;
    for (let f = 0; f < featureCount; f++) {
      const d = features[base + f] - mean[f];
      sq[f] += d * d;
    }
  }
  const std = new Float32Array(featureCount);
  for (let f = 0; f < featureCount; f++) {
    const s = Math.sqrt(sq[f] / n);
    // A constant (or empty) column carries no information; std 1 keeps it at 0 rather than dividing by 0.
    std[f] = s > 1e-8 && Number.isFinite(s) ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x - mean) / std for every row of `features` (all rows, so validation and held-out rows use train statistics). */
export function standardize(
  features: Float32Array,
  featureCount: number,
  stats: Standardization,
): Float32Array {
  const out = new Float32Array(features.length);
  for (let i = 0; i < features.length; i += featureCount) {
    for (let f = 0; f < featureCount; f++) out[i + f] = (features[i + f] - stats.mean[f]) / stats.std[f];
  }
  return out;
}
