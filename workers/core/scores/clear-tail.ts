/**
 * The uncalibrated rule's guard against burying a strong single signal (issue 10): a score "separates a clear tail"
 * when its highest values form a group set apart from the rest by a gap at least `gap` times the score's
 * interquartile range (on a log scale for scores that are never negative, where distances and losses live). Such a
 * group, between `minGroup` and `maxGroup` of the rows, is lifted to the top of the suspicion whatever the other
 * scores say. Natural stragglers rarely form one (the tail of a clean score thins out gradually); an injected group
 * of outliers or a learned trigger cluster does. Measured on the 46 poisoned variants of bench/detect (uncalibrated
 * runs): at a gap of one interquartile range the rule fired 9 times, each time on a group of 92–100% poison; at 0.75
 * it also lifted a three-row group with one poisoned row.
 */

/** Settings of the rule; stored with the suspicion parameters. */
export interface ClearTailParams {
  /** Smallest gap, in interquartile ranges of the score, that sets a group apart (default 1). */
  gap: number;
  /** Smallest group, as a fraction of the rows (at least 3 rows; default 0.005). */
  minGroup: number;
  /** Largest group, as a fraction of the rows (default 0.25). */
  maxGroup: number;
}

export const DEFAULT_CLEAR_TAIL: ClearTailParams = { gap: 1, minGroup: 0.005, maxGroup: 0.25 };

/** A clear tail of one score: its rows and how wide its gap is, in interquartile ranges. */
export interface ClearTail {
  rows: Int32Array;
  gap: number;
}

/** The value at share `q` of `sorted` (ascending), its index rounded: the quantile rule the calibration shares. */
export function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * The widest qualifying gap among the top values of `values`, or null when no group is set apart by `gap`
 * interquartile ranges. NaN values never belong to a tail. `logScale` false: the gap is read on the values as they are
 * even when none is negative (a score that is already a sum of logarithms).
 */
export function clearTail(
  values: ArrayLike<number>,
  params: ClearTailParams = DEFAULT_CLEAR_TAIL,
  logScale = true,
): ClearTail | null {
  const n = values.length;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) if (values[i] < min) min = values[i];
  const log = logScale && min >= 0;
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (finite.length < 8) return null;
  const raw = Float64Array.from(finite).sort();
  // A floor for log(0): a millionth of the median, or of the largest value when the median is 0.
  const floor = 1e-6 * (quantile(raw, 0.5) > 0 ? quantile(raw, 0.5) : raw[raw.length - 1] || 1);
  const scale = (v: number) => (log ? Math.log(v + floor) : v);
  const s = raw.map(scale);
  const m = s.length;
  const iqr = quantile(s, 0.75) - quantile(s, 0.25);
  if (!(iqr > 0)) return null;
  const smallest = Math.max(3, Math.ceil(params.minGroup * m));
  const largest = Math.floor(params.maxGroup * m);
  let best = 0;
  let cut = Number.POSITIVE_INFINITY;
  for (let g = smallest; g <= largest && g < m; g++) {
    const ratio = (s[m - g] - s[m - g - 1]) / iqr;
    if (ratio > best) {
      best = ratio;
      cut = s[m - g];
    }
  }
  if (best < params.gap) return null;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]) && scale(values[i]) >= cut) rows.push(i);
  return { rows: Int32Array.from(rows), gap: best };
}
