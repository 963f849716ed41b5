/**
 * The rows of a fixed-row-height table that are in view (issue 12: the review's 200k rows). O(1) whatever the row
 * count: the window follows from the scroll offset alone, where a general virtualiser keeps one measurement object per
 * row (200,000 of them, rebuilt whenever the count changes).
 */

/** Where the table's rows sit in its scroll box, in px. */
export interface RowBox {
  rowHeight: number;
  /** Height of the scroll box's view. */
  viewHeight: number;
  /** Offset of the first row from the top of the scrolled content (caption and header above it). */
  bodyTop: number;
}

/** Table positions [first, last] to render, and the heights of the spacers before and after them. */
export interface RowWindow {
  first: number;
  last: number;
  before: number;
  after: number;
}

/** The rows in view at `scrollTop`, `overscan` more on each side; an empty window (last < first) for no rows. */
export function rowWindow(count: number, box: RowBox, scrollTop: number, overscan: number): RowWindow {
  if (count <= 0) return { first: 0, last: -1, before: 0, after: 0 };
  const h = box.rowHeight;
  const top = Math.floor((scrollTop - box.bodyTop) / h);
  const bottom = Math.ceil((scrollTop + box.viewHeight - box.bodyTop) / h);
  const first = Math.max(0, Math.min(count - 1, top - overscan));
  const last = Math.max(first, Math.min(count - 1, bottom + overscan));
  return { first, last, before: first * h, after: (count - 1 - last) * h };
}

/**
 * The scroll offset that shows row `index` whole below a sticky header of `headHeight` px, moving as little as
 * possible; null when it is in view already.
 */
export function scrollToShow(
  index: number,
  box: RowBox,
  scrollTop: number,
  headHeight: number,
): number | null {
  const top = box.bodyTop + index * box.rowHeight;
  const bottom = top + box.rowHeight;
  if (top < scrollTop + headHeight) return Math.max(0, top - headHeight);
  if (bottom > scrollTop + box.viewHeight) return bottom - box.viewHeight;
  return null;
}
