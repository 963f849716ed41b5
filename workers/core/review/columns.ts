/**
 * The review's per-row columns, built once per opened score set from what is stored: score arrays are in sample
 * order (a run's samples, j), the table and maps work in dataset rows (r = sampleRows[j]); rows a run left out
 * stay NaN / -1 / 0. Pure: the review worker builds them, the tests check them.
 */
import type { ReviewColumns } from './table';

/** A score set's per-sample arrays and the dataset they belong to. */
export interface ScoredSamples {
  rows: number;
  ids: readonly string[];
  labels: Int32Array;
  /** Dataset row of sample j. */
  sampleRows: Int32Array;
  suggested: Int32Array;
  suspicion: Float32Array;
  /** Per family (FAMILY_NAMES order), 1 where flagged; bit f of the table's family mask. */
  flags: readonly Uint8Array[];
  labelIssue: Uint8Array;
  /** Dataset rows seen in an anomalous batch. */
  anomalousRows: ArrayLike<number>;
  scores: Record<string, Float32Array>;
}

/** Sample-order `values` spread over `rows` dataset rows, `empty` where no sample is. */
export function perRow(
  rows: number,
  sampleRows: Int32Array,
  values: ArrayLike<number>,
  empty: number,
): Float32Array {
  const out = new Float32Array(rows).fill(empty);
  for (let j = 0; j < sampleRows.length; j++) out[sampleRows[j] as number] = values[j] as number;
  return out;
}

/** Sample-order points (samples × 2) spread over `rows` dataset rows (NaN where no sample is). */
export function perRowXY(rows: number, sampleRows: Int32Array, x: ArrayLike<number>, y: ArrayLike<number>) {
  const out = new Float32Array(rows * 2).fill(Number.NaN);
  for (let j = 0; j < sampleRows.length; j++) {
    const r = sampleRows[j] as number;
    out[2 * r] = x[j] as number;
    out[2 * r + 1] = y[j] as number;
  }
  return out;
}

/** The table's columns of a score set. */
export function reviewColumns(input: ScoredSamples): ReviewColumns {
  const { rows, sampleRows } = input;
  const flagBits = new Uint8Array(rows);
  input.flags.forEach((flags, f) => {
    for (let j = 0; j < sampleRows.length; j++) {
      if (flags[j] === 1) {
        const r = sampleRows[j] as number;
        flagBits[r] = (flagBits[r] as number) | (1 << f);
      }
    }
  });
  const anomalous = new Uint8Array(rows);
  for (let k = 0; k < input.anomalousRows.length; k++) {
    const r = input.anomalousRows[k] as number;
    if (r >= 0 && r < rows) anomalous[r] = 1;
  }
  const numeric: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(input.scores))
    numeric[name] = perRow(rows, sampleRows, values, Number.NaN);
  return {
    rows,
    ids: input.ids,
    labels: input.labels,
    suggested: Int32Array.from(perRow(rows, sampleRows, input.suggested, -1)),
    suspicion: perRow(rows, sampleRows, input.suspicion, Number.NaN),
    flagBits,
    labelIssue: Uint8Array.from(perRow(rows, sampleRows, input.labelIssue, 0)),
    anomalous,
    numeric,
  };
}

/**
 * The dataset row of each sample of a score set: the record's own order when it keeps one of the right length, else
 * the run's dynamics', else the identity (an old record whose samples were every row in order).
 */
export function scoredSampleRows(
  samples: number,
  stored: Int32Array | null | undefined,
  dynamics: Int32Array | null | undefined,
): Int32Array {
  if (stored && stored.length === samples) return stored;
  if (dynamics && dynamics.length === samples) return dynamics;
  return Int32Array.from({ length: samples }, (_, j) => j);
}

/** The share of `sorted` (ascending, finite) strictly below `v`: its percentile rank, in [0, 1). */
export function percentileRank(sorted: Float32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** The names of the families whose bit is set in `bits`. */
export function familiesOf(bits: number, families: readonly string[]): string[] {
  return families.filter((_, f) => bits & (1 << f));
}

/** The reason a decision on `rows` starts from: the families that flagged any of them (the first 10,000 looked at). */
export function reasonFor(
  flagBits: Uint8Array,
  rows: ArrayLike<number>,
  families: readonly string[],
): string {
  let bits = 0;
  for (let k = 0; k < Math.min(rows.length, 10_000); k++) bits |= flagBits[rows[k] as number] ?? 0;
  return familiesOf(bits, families).join(', ');
}
