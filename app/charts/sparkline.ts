/** A per-epoch trajectory as an SVG polyline: pure geometry, drawn by the detail panel. */

/** The `points` attribute of a polyline through `values` in a w × h box (finite values span the height). */
export function sparklinePoints(values: readonly number[], w: number, h: number): string {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  return values
    .map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - ((v - lo) / span) * h}`)
    .join(' ');
}
