/**
 * Where a chart's legend items go: left to right, onto a new row when the next item would run past `width`, so that
 * every series is named however many there are (ten class names did not fit one row of a half-width chart).
 */

/** Height of one legend row (px). */
export const LEGEND_ROW = 14;

/** Width an item takes (px): its 14 px line, the gap, about 6.5 px per character of its label, and the spacing. */
export function legendItemWidth(label: string): number {
  return 26 + 6.5 * label.length;
}

/** Each label's top-left offset (x, y) and the rows used (at least 1). */
export function legendLayout(
  labels: readonly string[],
  width: number,
): { at: Array<[number, number]>; rows: number } {
  const at: Array<[number, number]> = [];
  let x = 0;
  let row = 0;
  for (const label of labels) {
    const w = legendItemWidth(label);
    // The last 8 px of an item are the gap before the next one.
    if (x > 0 && x + w - 8 > width) {
      row++;
      x = 0;
    }
    at.push([x, row * LEGEND_ROW]);
    x += w;
  }
  return { at, rows: row + 1 };
}
