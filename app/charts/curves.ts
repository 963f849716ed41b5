/**
 * Training curves as chart data: pure transforms (smoothing, decimation to the pixel width, anomaly markers,
 * per-epoch and per-class series). `lineChart.ts` draws what these return. Loops here run over batch or epoch
 * points (thousands), never over samples.
 */
import type { AnomalyKind } from '../../workers/core/anomaly/types';
import type { EpochReport } from '../../workers/core/train/trainer';
import type { RunAnomaly } from '../../workers/train.api';

/** [x, y]. */
export type Point = [number, number];

/** One line of a chart. */
export interface Series {
  key: string;
  label: string;
  /** CSS class of the path (its colour and weight). */
  className: string;
  points: Point[];
  /** Explicit stroke colour (per-class lines); otherwise the class decides. */
  color?: string;
}

/** An anomaly drawn on a chart; `anomaly` is its index in the run's list. */
export interface Marker {
  x: number;
  y: number;
  kind: AnomalyKind;
  label: string;
  anomaly: number;
}

/**
 * Exponentially weighted moving average of the first `count` values (default α 0.1 per batch). A non-finite value
 * does not enter the average: the smoothed curve carries the last finite level through it (NaN until the first).
 */
export function ewma(values: ArrayLike<number>, count: number, alpha = 0.1): Float32Array {
  const out = new Float32Array(count);
  let level = Number.NaN;
  for (let i = 0; i < count; i++) {
    const v = values[i] ?? Number.NaN;
    if (Number.isFinite(v)) level = Number.isNaN(level) ? v : level + alpha * (v - level);
    out[i] = level;
  }
  return out;
}

/**
 * Reduces points at x = index (from ≤ i < to) to at most 2 per pixel column: each column keeps its lowest and
 * highest finite values, in index order, so spikes survive decimation. Below 2 points per column nothing is dropped.
 */
export function decimate(values: ArrayLike<number>, from: number, to: number, columns: number): Point[] {
  const lo = Math.max(0, Math.floor(from));
  const hi = Math.min(values.length, Math.ceil(to));
  const n = hi - lo;
  if (n <= 0) return [];
  const out: Point[] = [];
  if (n <= 2 * columns) {
    for (let i = lo; i < hi; i++) {
      const v = values[i] ?? Number.NaN;
      if (Number.isFinite(v)) out.push([i, v]);
    }
    return out;
  }
  const per = n / columns;
  for (let c = 0; c < columns; c++) {
    const a = lo + Math.floor(c * per);
    const b = Math.min(hi, lo + Math.floor((c + 1) * per));
    let minI = -1;
    let maxI = -1;
    let min = Number.NaN;
    let max = Number.NaN;
    for (let i = a; i < b; i++) {
      const v = values[i] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      if (minI < 0 || v < min) {
        minI = i;
        min = v;
      }
      if (maxI < 0 || v > max) {
        maxI = i;
        max = v;
      }
    }
    if (minI < 0) continue;
    if (minI === maxI) out.push([minI, min]);
    else if (minI < maxI) out.push([minI, min], [maxI, max]);
    else out.push([maxI, max], [minI, min]);
  }
  return out;
}

/** The [from, to) index range of a zoom domain over `count` points (the whole curve when the domain is null). */
export function indexRange(domain: [number, number] | null, count: number): [number, number] {
  if (!domain) return [0, count];
  const from = Math.max(0, Math.floor(domain[0]));
  const to = Math.min(count, Math.ceil(domain[1]) + 1);
  return to > from ? [from, to] : [0, count];
}

const BATCH_KINDS: Record<'loss' | 'gradNorm', AnomalyKind[]> = {
  loss: ['loss-spike', 'non-finite'],
  gradNorm: ['grad-spike'],
};

/**
 * Markers of the batch anomalies that belong on the batch-loss or gradient-norm chart, at their step. A spike sits
 * at its value; a non-finite stop sits at the last finite point before it (or the curve's top).
 */
export function batchMarkers(
  anomalies: readonly RunAnomaly[],
  curve: 'loss' | 'gradNorm',
  values: ArrayLike<number>,
  count: number,
): Marker[] {
  const kinds = BATCH_KINDS[curve];
  const out: Marker[] = [];
  anomalies.forEach((a, index) => {
    if (!kinds.includes(a.kind) || !('step' in a)) return;
    let y = a.value;
    if (!Number.isFinite(y)) {
      y = Number.NaN;
      for (let i = Math.min(a.step, count) - 1; i >= 0 && Number.isNaN(y); i--) {
        const v = values[i] ?? Number.NaN;
        if (Number.isFinite(v)) y = v;
      }
    }
    if (Number.isFinite(y)) out.push({ x: a.step, y, kind: a.kind, label: a.message, anomaly: index });
  });
  return out;
}

/** Train and validation series of an epoch metric, at x = epoch number (1-based). */
export function epochSeries(epochs: readonly EpochReport[], metric: 'loss' | 'accuracy'): Series[] {
  const pick = (e: EpochReport, split: 'train' | 'val') =>
    metric === 'loss'
      ? split === 'train'
        ? e.trainLoss
        : e.valLoss
      : split === 'train'
        ? e.trainAccuracy
        : e.valAccuracy;
  return (['train', 'val'] as const).map((split) => ({
    key: split,
    label: split === 'train' ? 'training' : 'validation',
    className: `line line-${split}`,
    points: epochs.map((e): Point => [e.epoch + 1, pick(e, split)]).filter((p) => Number.isFinite(p[1])),
  }));
}

/** Markers of the epoch anomalies on the epoch-loss, accuracy or per-class chart. */
export function epochMarkers(
  anomalies: readonly RunAnomaly[],
  epochs: readonly EpochReport[],
  chart: 'loss' | 'accuracy' | 'class',
): Marker[] {
  const out: Marker[] = [];
  anomalies.forEach((a, index) => {
    const e = epochs.find((r) => r.epoch === a.epoch);
    if (!e) return;
    let y = Number.NaN;
    if (chart === 'loss' && a.kind === 'divergence') y = e.valLoss;
    else if (chart === 'accuracy' && a.kind === 'validation-drop') y = e.valAccuracy;
    else if (chart === 'class' && a.kind === 'class-stall' && a.classIndex !== undefined) {
      y = e.classLoss[a.classIndex] ?? Number.NaN;
    }
    if (Number.isFinite(y)) out.push({ x: a.epoch + 1, y, kind: a.kind, label: a.message, anomaly: index });
  });
  return out;
}

/** One series per class: its mean training loss at each epoch's end. */
export function classSeries(
  epochs: readonly EpochReport[],
  classNames: readonly string[],
  colors: readonly string[],
): Series[] {
  const classes = epochs[0]?.classLoss.length ?? 0;
  return Array.from({ length: classes }, (_, c) => ({
    key: `class-${c}`,
    label: classNames[c] ?? String(c),
    className: 'line line-class',
    color: colors[c % colors.length],
    points: epochs
      .map((e): Point => [e.epoch + 1, e.classLoss[c] ?? Number.NaN])
      .filter((p) => Number.isFinite(p[1])),
  }));
}

/** The nearest point of a series sorted by x (null when empty). */
export function nearest(points: readonly Point[], x: number): Point | null {
  if (points.length === 0) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.[0] ?? Number.POSITIVE_INFINITY) < x) lo = mid + 1;
    else hi = mid;
  }
  const before = points[lo - 1];
  const at = points[lo] ?? null;
  if (!at) return before ?? null;
  return before && Math.abs(before[0] - x) <= Math.abs(at[0] - x) ? before : at;
}
