/**
 * What every canary kind reads from the analyst's rows: per-feature statistics, rows by class, the image shape,
 * the class pairs nearest to each other, and a way to make a fresh, plausible row of a class that copies no
 * analyst row (so a canary never becomes an exact twin of a clean row and makes it look poisoned).
 */
import type { Rng } from '../random';
import { createRng } from '../random';
import { type CategoryGroups, categoryGroups } from './categories';
import type { ImageShape } from './types';

/** The analyst's rows as the canary kinds see them (never modified). */
export interface CanarySource {
  /** rows × featureCount, row-major. */
  features: Float32Array;
  featureCount: number;
  labels: Int32Array;
  classCount: number;
}

/** Per-feature statistics of the analyst's rows. */
export interface FeatureStats {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** 0.5th, 50th and 99.5th percentiles (from at most `QUANTILE_SAMPLE` rows). */
  low: Float64Array;
  median: Float64Array;
  high: Float64Array;
  /**
   * The coarsest of `GRID_STEPS` that every sampled cell is a multiple of (whole numbers, 8-bit pixels as k / 255,
   * values written with one to three decimals); null for continuous values. Canary values are snapped to it.
   */
  grid: number | null;
}

export interface CanaryContext {
  source: CanarySource;
  stats: FeatureStats;
  /** Rows of each class (classes with no row have an empty array). */
  classRows: Int32Array[];
  /** The image shape, or null for tabular rows. */
  image: ImageShape | null;
  /** Smallest and largest feature value over the whole table (the pixel range of images). */
  range: { min: number; max: number };
  /** The table's one-hot groups (categories.ts); none for images. */
  categories: CategoryGroups;
}

/** Steps a table's values may be written on, coarsest first: whole numbers, one decimal, 8-bit pixels, 2 and 3 decimals. */
export const GRID_STEPS: readonly number[] = [1, 0.1, 1 / 255, 0.01, 0.001];

/** Whether `v` is a multiple of `step`, up to float32 storage (a relative 1e-6). */
function onStep(v: number, step: number): boolean {
  return Math.abs(v - Math.round(v / step) * step) <= 1e-6 * Math.max(1, Math.abs(v));
}

/** Rows read for the percentiles: enough for the 0.5% tails, bounded for 200k-row tables. */
const QUANTILE_SAMPLE = 4000;

/** Rows a fresh row's partner is chosen among (the nearest of them is used). */
const PARTNER_CANDIDATES = 12;

function quantileOf(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at];
}

/** Mean, population std, min, max and tail percentiles of every feature. */
export function featureStats(source: CanarySource, seed: number): FeatureStats {
  const { features, featureCount: f } = source;
  const n = source.labels.length;
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  const min = new Float64Array(f).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(f).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const v = features[i * f + j];
      mean[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < f; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const d = features[i * f + j] - mean[j];
      sq[j] += d * d;
    }
  }
  const std = Float64Array.from(sq, (s) => Math.sqrt(s / Math.max(1, n)));
  const rng = createRng(seed);
  const m = Math.min(n, QUANTILE_SAMPLE);
  const picked = Int32Array.from({ length: m }, (_, k) => (n <= QUANTILE_SAMPLE ? k : rng.int(n)));
  const low = new Float64Array(f);
  const median = new Float64Array(f);
  const high = new Float64Array(f);
  const column = new Float64Array(m);
  // Bit t set: every distinct sampled value read so far is a multiple of GRID_STEPS[t].
  let steps = (1 << GRID_STEPS.length) - 1;
  for (let j = 0; j < f; j++) {
    for (let k = 0; k < m; k++) column[k] = features[picked[k] * f + j];
    column.sort();
    for (let k = 0; steps !== 0 && k < m; k++) {
      if (k > 0 && column[k] === column[k - 1]) continue;
      GRID_STEPS.forEach((step, t) => {
        if (steps & (1 << t) && !onStep(column[k], step)) steps &= ~(1 << t);
      });
    }
    low[j] = quantileOf(column, 0.005);
    median[j] = quantileOf(column, 0.5);
    high[j] = quantileOf(column, 0.995);
  }
  if (n === 0) {
    min.fill(0);
    max.fill(0);
  }
  const first = GRID_STEPS.findIndex((_, t) => (steps & (1 << t)) !== 0);
  return { mean, std, min, max, low, median, high, grid: n > 0 && first >= 0 ? GRID_STEPS[first] : null };
}

/**
 * `v` on the table's grid and within its range (the smallest and largest value of any feature); `v` itself for a
 * table of continuous values.
 */
export function snapValue(ctx: Pick<CanaryContext, 'stats' | 'range'>, v: number): number {
  const step = ctx.stats.grid;
  if (step === null || Number.isNaN(v)) return v;
  return Math.min(ctx.range.max, Math.max(ctx.range.min, Math.round(v / step) * step));
}

/**
 * Snaps every value of `rows` in place: on a table of pixels or whole numbers a canary then holds values a real row
 * could hold (a fresh row between two images would otherwise hold values off the 1/255 grid, which no decoded image
 * has and which the shared-values score counts apart, and an outlier pixel brighter than white).
 */
export function snapRows(ctx: Pick<CanaryContext, 'stats' | 'range'>, rows: Float32Array): void {
  if (ctx.stats.grid === null) return;
  for (let i = 0; i < rows.length; i++) rows[i] = snapValue(ctx, rows[i]);
}

/**
 * Whether a table's values look like pixels as a CSV writes them: none below 0, and either none above 1 (intensities
 * scaled to [0, 1]) or whole numbers up to 255 (`grid`, featureStats). A table of 16 measured quantities is not an
 * image because 16 is 4 × 4: the synthetic held-out tables of 16 features (negative values, three decimals) were given
 * patch and blend canaries, and their calibration cards listed image triggers.
 */
export function pixelValues(grid: number | null, range: { min: number; max: number }): boolean {
  return range.min >= 0 && (range.max <= 1 || (grid === 1 && range.max <= 255));
}

/**
 * The image shape to use: the given one, else, for `pixels` (pixelValues), a square feature count of at least 4×4 read
 * as one channel.
 */
export function imageShapeOf(
  featureCount: number,
  given: ImageShape | null,
  pixels: boolean,
): ImageShape | null {
  if (given) {
    if (given.height * given.width * given.channels !== featureCount) {
      throw new RangeError(
        `Canaries: an image of ${given.height}×${given.width}×${given.channels} has ${given.height * given.width * given.channels} values, but the rows have ${featureCount} features.`,
      );
    }
    return given;
  }
  const side = Math.round(Math.sqrt(featureCount));
  return pixels && side >= 4 && side * side === featureCount
    ? { height: side, width: side, channels: 1 }
    : null;
}

/** Builds the context the kinds read; `seed` only chooses the rows the percentiles are read from. */
export function canaryContext(source: CanarySource, image: ImageShape | null, seed: number): CanaryContext {
  const stats = featureStats(source, seed);
  const counts = new Int32Array(source.classCount);
  for (const y of source.labels) counts[y]++;
  const classRows = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(source.classCount);
  source.labels.forEach((y, i) => {
    classRows[y][fill[y]++] = i;
  });
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < source.featureCount; j++) {
    lo = Math.min(lo, stats.min[j]);
    hi = Math.max(hi, stats.max[j]);
  }
  const range = { min: Number.isFinite(lo) ? lo : 0, max: Number.isFinite(hi) ? hi : 1 };
  const shape = imageShapeOf(source.featureCount, image, pixelValues(stats.grid, range));
  const n = source.labels.length;
  return {
    source,
    stats,
    classRows,
    image: shape,
    range,
    // Pixels are never categories, though a binarised image's adjacent pixels may look like one.
    categories: shape
      ? { groups: [], groupOf: new Int32Array(source.featureCount).fill(-1) }
      : categoryGroups(source.features, source.featureCount, n, seed),
  };
}

/** Classes that have at least one row. */
export function populatedClasses(ctx: CanaryContext): number[] {
  return ctx.classRows.flatMap((rows, k) => (rows.length > 0 ? [k] : []));
}

/** A class drawn in proportion to its row count, among `allowed` (all populated classes when absent). */
export function drawClass(ctx: CanaryContext, rng: Rng, allowed?: readonly number[]): number {
  const pool = allowed ?? populatedClasses(ctx);
  let total = 0;
  for (const k of pool) total += ctx.classRows[k].length;
  if (total === 0) throw new RangeError('Canaries: no class has rows to draw from.');
  let pick = rng.next() * total;
  for (const k of pool) {
    pick -= ctx.classRows[k].length;
    if (pick < 0) return k;
  }
  return pool[pool.length - 1];
}

/** A class other than `y`, uniformly. */
export function otherClass(ctx: CanaryContext, y: number, rng: Rng): number {
  const others = populatedClasses(ctx).filter((k) => k !== y);
  const pool = others.length > 0 ? others : Array.from({ length: ctx.source.classCount }, (_, k) => k);
  const candidates = pool.filter((k) => k !== y);
  return candidates.length > 0 ? candidates[rng.int(candidates.length)] : y;
}

function standardizedDistance(ctx: CanaryContext, a: number, b: number): number {
  const { features, featureCount: f } = ctx.source;
  let d = 0;
  for (let j = 0; j < f; j++) {
    const s = ctx.stats.std[j] > 1e-12 ? ctx.stats.std[j] : 1;
    const x = (features[a * f + j] - features[b * f + j]) / s;
    d += x * x;
  }
  return d;
}

/**
 * A fresh row of class `y` written into `out` (featureCount values): a random row of the class moved 15–35% of the
 * way toward the nearest of a few other rows of the class. It lies among the class's rows without copying any, so a
 * canary built on it is not an exact twin of an analyst row. Returns the row it started from.
 */
export function freshRow(ctx: CanaryContext, y: number, rng: Rng, out: Float32Array): number {
  const rows = ctx.classRows[y];
  if (rows.length === 0) throw new RangeError(`Canaries: class ${y} has no rows.`);
  const f = ctx.source.featureCount;
  const base = rows[rng.int(rows.length)];
  let partner = base;
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < PARTNER_CANDIDATES && rows.length > 1; t++) {
    const c = rows[rng.int(rows.length)];
    if (c === base) continue;
    const d = standardizedDistance(ctx, base, c);
    if (d < best) {
      best = d;
      partner = c;
    }
  }
  const lambda = 0.15 + 0.2 * rng.next();
  const x = ctx.source.features;
  for (let j = 0; j < f; j++) {
    const a = x[base * f + j];
    out[j] = a + lambda * (x[partner * f + j] - a);
  }
  return base;
}

/** Standard normal draw (Box–Muller) from a seeded stream. */
export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Directed class pairs (from, to) ordered by how close `to` sits to the rows of `from`: the mean over rows of `from`
 * of d(own centroid) / d(centroid of `to`), on standardised features, from at most 20,000 rows. The model is not
 * trained yet when canaries are made, so the nearest-centroid confusion stands in for the model's.
 */
export function confusedPairs(ctx: CanaryContext, seed: number): Array<{ from: number; to: number }> {
  const { features, featureCount: f, labels, classCount: c } = ctx.source;
  const n = labels.length;
  const centroids = new Float64Array(c * f);
  const counts = new Int32Array(c);
  const z = (i: number, j: number) => {
    const s = ctx.stats.std[j] > 1e-12 ? ctx.stats.std[j] : 1;
    return (features[i * f + j] - ctx.stats.mean[j]) / s;
  };
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let j = 0; j < f; j++) centroids[labels[i] * f + j] += z(i, j);
  }
  for (let k = 0; k < c; k++) for (let j = 0; j < f; j++) centroids[k * f + j] /= Math.max(1, counts[k]);
  const rng = createRng(seed);
  const m = Math.min(n, 20_000);
  const closeness = new Float64Array(c * c);
  const seen = new Int32Array(c);
  const d = new Float64Array(c);
  for (let t = 0; t < m; t++) {
    const i = n <= 20_000 ? t : rng.int(n);
    const y = labels[i];
    for (let k = 0; k < c; k++) {
      if (counts[k] === 0) continue;
      let s = 0;
      for (let j = 0; j < f; j++) {
        const v = z(i, j) - centroids[k * f + j];
        s += v * v;
      }
      d[k] = Math.sqrt(s);
    }
    seen[y]++;
    for (let k = 0; k < c; k++) if (k !== y && counts[k] > 0) closeness[y * c + k] += d[y] / (d[k] + 1e-9);
  }
  const pairs: Array<{ from: number; to: number; v: number }> = [];
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      if (a !== b && counts[a] > 0 && counts[b] > 0) {
        pairs.push({ from: a, to: b, v: closeness[a * c + b] / Math.max(1, seen[a]) });
      }
    }
  }
  pairs.sort((p, q) => q.v - p.v || p.from - q.from || p.to - q.to);
  return pairs.map(({ from, to }) => ({ from, to }));
}
