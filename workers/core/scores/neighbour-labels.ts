/**
 * Whether a row's label agrees with what its feature values say: the majority label of its nearest rows in the
 * standardised feature space (not the model's embedding, which a learned attack reshapes). The shared-values label
 * check (spike-labels.ts) and the fusion's check of activation clusters (calibration/clusters.ts) both ask it.
 */

/** Up to `m` entries of `list` at an even stride (all of them when there are at most `m`). */
export function stride(list: readonly number[], m: number): number[] {
  if (list.length <= m) return [...list];
  return Array.from({ length: m }, (_, t) => list[Math.floor((t * list.length) / m)] as number);
}

/** Samples i = 0..local.length-1 (row local[i] of the row-major `features`, `cols` per row) and their labels. */
export interface NeighbourSpace {
  features: Float32Array;
  cols: number;
  local: Int32Array;
  labels: Int32Array;
  /** Per column, 1 / its standard deviation over the samples (0 for a constant column). */
  scale: Float64Array;
  /** The samples searched for neighbours. */
  reference: readonly number[];
  /** Neighbours that vote. */
  k: number;
}

/** Per column, the sums of the values and of their squares over some samples, and how many samples. */
export interface ColumnMoments {
  sum: Float64Array;
  squares: Float64Array;
  count: number;
}

/**
 * The moments of rows local[i] of the row-major `features`, added in order to `start` (a copy; none: from zero). The
 * moments of samples A then B, as the moments of A continued by B, are the same to the bit as those of A and B at once.
 */
export function columnMoments(
  features: Float32Array,
  cols: number,
  local: Int32Array,
  start: ColumnMoments | null = null,
): ColumnMoments {
  const sum = start ? Float64Array.from(start.sum) : new Float64Array(cols);
  const squares = start ? Float64Array.from(start.squares) : new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = sum[j] as number;
    let s2 = squares[j] as number;
    for (let i = 0; i < local.length; i++) {
      const v = features[local[i] * cols + j] as number;
      s += v;
      s2 += v * v;
    }
    sum[j] = s;
    squares[j] = s2;
  }
  return { sum, squares, count: (start?.count ?? 0) + local.length };
}

/** Per column, 1 / the standard deviation the moments give (0 for a constant column). */
export function scalesOf({ sum, squares, count }: ColumnMoments): Float64Array {
  const scale = new Float64Array(sum.length);
  for (let j = 0; j < sum.length; j++) {
    const mean = (sum[j] as number) / count;
    const sd = Math.sqrt(Math.max(0, (squares[j] as number) / count - mean * mean));
    scale[j] = sd > 0 ? 1 / sd : 0;
  }
  return scale;
}

/** Per column, 1 / the standard deviation over the samples (0 for a constant column). */
export function columnScales(features: Float32Array, cols: number, local: Int32Array): Float64Array {
  return scalesOf(columnMoments(features, cols, local));
}

/**
 * 1 when sample i's label differs from the majority of its k nearest reference samples (itself and `others`
 * excluded; columns in `skip` left out of the distance), else 0. A tie with another label counts as agreement.
 */
export function disagrees(
  space: NeighbourSpace,
  i: number,
  others: ReadonlySet<number> | null,
  skip?: ReadonlySet<number>,
): number {
  const { features, cols, local, labels, scale, k } = space;
  const best: Array<{ d: number; label: number }> = [];
  const a = local[i] * cols;
  // The columns compared, ascending (a Set lookup per column and pair was most of the check's time).
  const used = Int32Array.from({ length: cols }, (_, j) => j).filter((j) => !skip?.has(j));
  for (const r of space.reference) {
    if (r === i || others?.has(r)) continue;
    const b = local[r] * cols;
    let d = 0;
    for (let t = 0; t < used.length; t++) {
      const j = used[t] as number;
      const x = ((features[a + j] as number) - (features[b + j] as number)) * (scale[j] as number);
      d += x * x;
    }
    if (best.length < k || d < (best[best.length - 1] as { d: number }).d) {
      best.push({ d, label: labels[r] as number });
      best.sort((p, q) => p.d - q.d);
      if (best.length > k) best.pop();
    }
  }
  const votes = new Map<number, number>();
  for (const { label } of best) votes.set(label, (votes.get(label) ?? 0) + 1);
  const top = Math.max(0, ...votes.values());
  return (votes.get(labels[i] as number) ?? 0) < top ? 1 : 0;
}
