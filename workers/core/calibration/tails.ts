/**
 * Scores on one comparable scale: each value's upper-tail significance against a reference set of rows (the
 * analyst's rows), −ln of the fraction of reference rows scoring at least as high. On the reference rows it is
 * exponentially distributed with mean 1 whatever the score's own scale, a value tied with the bulk (forgetting = 0
 * on most rows) gets ~0, and the top row of N gets ln N.
 */

/** Values of `reference` ascending (NaN dropped), for `tailSignificance`. */
export function sortedReference(values: ArrayLike<number>, reference?: ArrayLike<number>): Float64Array {
  const n = reference ? reference.length : values.length;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = values[reference ? reference[k] : k];
    if (!Number.isNaN(v)) out.push(v);
  }
  return Float64Array.from(out).sort();
}

/** Number of sorted values ≥ x (binary search). */
export function countAtLeast(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/**
 * −ln((count of reference values ≥ x + 1) / (reference size + 1)) for every value: 0 for the reference's lowest
 * value, up to ln(M + 1) above all M reference values. NaN counts as the least suspicious value (0).
 */
export function tailSignificance(values: ArrayLike<number>, sorted: Float64Array): Float32Array {
  const m = sorted.length;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = Number.isNaN(x) ? 0 : -Math.log((countAtLeast(sorted, x) + 1) / (m + 1));
  }
  return out;
}

/** The reference rows' upper-tail fraction of each value, (count ≥ x + 1) / (M + 1), in (0, 1]. */
export function tailFraction(values: ArrayLike<number>, sorted: Float64Array): Float64Array {
  const m = sorted.length;
  return Float64Array.from({ length: values.length }, (_, i) =>
    Number.isNaN(values[i]) ? 1 : (countAtLeast(sorted, values[i]) + 1) / (m + 1),
  );
}

/** The tail significance, among the first `rows`, of the mean of several scores' tail significance (one: itself). */
export function meanSignificance(list: readonly Float32Array[], rows: number): Float32Array {
  if (list.length === 1) return list[0] as Float32Array;
  const mean = new Float32Array(list[0]?.length ?? 0);
  for (const f of list) for (let i = 0; i < mean.length; i++) mean[i] += f[i] / list.length;
  return tailSignificance(mean, sortedReference(mean.subarray(0, rows)));
}
