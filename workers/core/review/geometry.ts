/** Selection geometry and histogram bins for the review views (pure). */

/** Even-odd rule point-in-polygon test; `polygon` is [x0, y0, x1, y1, …]. */
export function pointInPolygon(x: number, y: number, polygon: ArrayLike<number>): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i] as number;
    const yi = polygon[2 * i + 1] as number;
    const xj = polygon[2 * j] as number;
    const yj = polygon[2 * j + 1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Indices of the points (N × 2 row-major) inside the polygon. */
export function pointsInPolygon(xy: Float32Array, polygon: ArrayLike<number>): Int32Array {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < polygon.length; i += 2) {
    minX = Math.min(minX, polygon[i] as number);
    maxX = Math.max(maxX, polygon[i] as number);
    minY = Math.min(minY, polygon[i + 1] as number);
    maxY = Math.max(maxY, polygon[i + 1] as number);
  }
  const out: number[] = [];
  for (let i = 0; i < xy.length / 2; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    if (pointInPolygon(x, y, polygon)) out.push(i);
  }
  return Int32Array.from(out);
}

export interface Histogram {
  min: number;
  max: number;
  /** Count per bin; bin b covers [min + b·w, min + (b+1)·w), the last bin closed. */
  counts: Int32Array;
  /** Values left out as not finite. */
  nonFinite: number;
}

/** Equal-width histogram of the finite values. */
export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const counts = new Int32Array(bins);
  if (min > max) return { min: 0, max: 0, counts, nonFinite };
  const width = max > min ? (max - min) / bins : 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.floor((v - min) / width));
    counts[b] = (counts[b] as number) + 1;
  }
  return { min, max, counts, nonFinite };
}

/** The value at the (1 - q) quantile: the family flag threshold of a score (top q flagged). */
export function topQuantileThreshold(values: ArrayLike<number>, q: number): number {
  const finite = Array.from(values as ArrayLike<number>)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const k = Math.min(finite.length - 1, Math.max(0, Math.ceil(finite.length * (1 - q)) - 1));
  return finite[k] as number;
}
