/**
 * The distinct values of one column with how many rows hold each: what the shared-values score counts. A calibration
 * counts the analyst's rows once and adds each canary kind's few rows to those counts (mergeCounts) instead of
 * sorting the whole column again per kind: on 60,000 images × 784 pixels the sorts were most of the step.
 */

/** A column's distinct non-NaN values, ascending, and each one's count. */
export interface ColumnCounts {
  values: Float32Array;
  counts: Int32Array;
}

/** The distinct non-NaN values of `column`, ascending, with their counts (-0 and 0 are one value, written -0 when a row holds -0). */
export function distinctCounts(column: Float32Array): ColumnCounts {
  const sorted = column.slice().sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (Number.isNaN(v)) break;
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values: Float32Array.from(values), counts: Int32Array.from(counts) };
}

/** The counts of a column that holds `base`'s cells and the cells of `extra`: exactly distinctCounts of the two joined. */
export function mergeCounts(base: ColumnCounts, extra: Float32Array): ColumnCounts {
  const more = distinctCounts(extra);
  const a = base.values;
  const b = more.values;
  const values = new Float32Array(a.length + b.length);
  const counts = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    if (j >= b.length || (i < a.length && x < y)) {
      values[k] = x;
      counts[k++] = base.counts[i++] as number;
    } else if (i >= a.length || y < x) {
      values[k] = y;
      counts[k++] = more.counts[j++] as number;
    } else {
      // Equal: a joined sort puts -0 before 0, so the value is written -0 when either side holds it.
      values[k] = Object.is(x, -0) ? x : y;
      counts[k++] = (base.counts[i++] as number) + (more.counts[j++] as number);
    }
  }
  return { values: values.subarray(0, k), counts: counts.subarray(0, k) };
}
