/** Score histograms as SVG: pure geometry (one path for all bars, the threshold's x), drawn by the review view. */
import type { Histogram } from '../../workers/core/review/geometry';

/** One path of every bin's bar in a w × h box, scaled to the tallest bin. */
export function histogramPath(counts: ArrayLike<number>, w: number, h: number): string {
  let peak = 1;
  for (let b = 0; b < counts.length; b++) peak = Math.max(peak, counts[b] as number);
  const bw = w / counts.length;
  return Array.from({ length: counts.length }, (_, b) => {
    const c = counts[b] as number;
    return `M${b * bw},${h}v${-(c / peak) * h}h${Math.max(1, bw - 1)}v${(c / peak) * h}z`;
  }).join('');
}

/** The x of `threshold` across a histogram drawn `w` wide; -1 when it is not a number. */
export function thresholdX(h: Pick<Histogram, 'min' | 'max'>, threshold: number, w: number): number {
  const span = h.max - h.min || 1;
  return Number.isFinite(threshold) ? ((threshold - h.min) / span) * w : -1;
}
