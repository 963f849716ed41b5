/**
 * Where a row sits in the review's arrays, without scanning them on every key press: j/k remembers the position it
 * moved to, and a run's sample rows are sorted (dataset order), so a binary search finds a row's sample index.
 */

/** The last position j/k moved to, valid while the table order is the same array. */
export interface PositionHint {
  order: Int32Array;
  row: number;
  at: number;
}

/**
 * The position of `row` in `order`: O(1) when `hint` names it in this very order (consecutive j/k presses), else one
 * scan; -1 when absent.
 */
export function positionInOrder(order: Int32Array, row: number, hint: PositionHint | null): number {
  if (hint && hint.order === order && hint.row === row && order[hint.at] === row) return hint.at;
  return order.indexOf(row);
}

/** The position after moving `step` rows from `row` (the first row when `row` is null or absent), clamped. */
export function stepInOrder(
  order: Int32Array,
  row: number | null,
  step: number,
  hint: PositionHint | null,
): number {
  if (order.length === 0) return -1;
  const at = row === null ? -1 : positionInOrder(order, row, hint);
  return Math.max(0, Math.min(order.length - 1, at < 0 ? 0 : at + step));
}

/**
 * The sample index of dataset row `row` in `sampleRows` (-1 when the run left it out): a binary search, as sample
 * rows are in dataset order; a scan only if they are not (an older record).
 */
export function sampleIndexOf(sampleRows: Int32Array, row: number): number {
  if (sampleRows[row] === row) return row;
  let lo = 0;
  let hi = sampleRows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sampleRows[mid] as number;
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return sampleRows.indexOf(row);
}
