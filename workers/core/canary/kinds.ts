/**
 * One pure, seeded function per canary kind: given the analyst's rows (read only), a count and a random stream,
 * it returns new rows, their labels and the parameters it chose. Trigger kinds take a second stream for the trigger
 * itself (features, values, patch, pattern, target class): the injector gives both draws of a kind the same one, so
 * the two draws are disjoint rows of one backdoor, enough rows for the model to learn it as it learns a real one.
 */
import type { Rng } from '../random';
import {
  type CanaryContext,
  confusedPairs,
  drawClass,
  freshRow,
  normal,
  otherClass,
  populatedClasses,
  snapValue,
} from './context';
import type { CanaryRows } from './types';

function allocate(ctx: CanaryContext, count: number) {
  const f = ctx.source.featureCount;
  return {
    features: new Float32Array(count * f),
    labels: new Int32Array(count),
    sources: new Int32Array(count).fill(-1),
  };
}

/** Random label flips: fresh rows of a class (drawn by class size) labelled with another class, uniformly. */
export function randomFlip(ctx: CanaryContext, count: number, rng: Rng): CanaryRows {
  const out = allocate(ctx, count);
  const f = ctx.source.featureCount;
  for (let i = 0; i < count; i++) {
    const y = drawClass(ctx, rng);
    out.sources[i] = freshRow(ctx, y, rng, out.features.subarray(i * f, (i + 1) * f));
    out.labels[i] = otherClass(ctx, y, rng);
  }
  return { ...out, params: {} };
}

/**
 * Pair flips: fresh rows of class a labelled b, for the (up to three) directed pairs whose classes lie closest
 * (`confusedPairs`), dealt round-robin.
 */
export function pairFlip(ctx: CanaryContext, count: number, rng: Rng, seed: number): CanaryRows {
  const pairs = confusedPairs(ctx, seed).slice(0, 3);
  if (pairs.length === 0) throw new RangeError('Canaries: pair flips need two populated classes.');
  const out = allocate(ctx, count);
  const f = ctx.source.featureCount;
  for (let i = 0; i < count; i++) {
    const { from, to } = pairs[i % pairs.length];
    out.sources[i] = freshRow(ctx, from, rng, out.features.subarray(i * f, (i + 1) * f));
    out.labels[i] = to;
  }
  return { ...out, params: { pairs: pairs.flatMap((p) => [p.from, p.to]) } };
}

/** Features with some spread (a constant column cannot carry a trigger), else every feature. */
function variableFeatures(ctx: CanaryContext): number[] {
  const f = ctx.source.featureCount;
  const out: number[] = [];
  for (let j = 0; j < f; j++) if (ctx.stats.max[j] > ctx.stats.min[j]) out.push(j);
  return out.length > 0 ? out : Array.from({ length: f }, (_, j) => j);
}

function pickDistinct(pool: number[], k: number, rng: Rng): number[] {
  const copy = [...pool];
  const out: number[] = [];
  while (out.length < k && copy.length > 0) out.push(copy.splice(rng.int(copy.length), 1)[0]);
  return out.sort((a, b) => a - b);
}

/**
 * Rows carrying one backdoor: a target class is drawn from `trigger`, then `count` fresh rows of the other classes
 * are made from `rng`, stamped by `stamp` and relabelled to the target.
 */
function backdoorRows(
  ctx: CanaryContext,
  count: number,
  rng: Rng,
  trigger: Rng,
  stamp: (row: Float32Array) => void,
): CanaryRows & { target: number } {
  const { target, sources } = targetAndSources(ctx, trigger);
  const out = allocate(ctx, count);
  const f = ctx.source.featureCount;
  for (let i = 0; i < count; i++) {
    const row = out.features.subarray(i * f, (i + 1) * f);
    out.sources[i] = freshRow(ctx, drawClass(ctx, rng, sources), rng, row);
    stamp(row);
    out.labels[i] = target;
  }
  return { ...out, params: {}, target };
}

/** A target class and the classes whose rows carry the trigger (every other populated class). */
function targetAndSources(ctx: CanaryContext, rng: Rng): { target: number; sources: number[] } {
  const classes = populatedClasses(ctx);
  const target = classes[rng.int(classes.length)];
  const sources = classes.filter((k) => k !== target);
  return { target, sources: sources.length > 0 ? sources : classes };
}

/**
 * The column of a one-hot group's rarest category: the fewest analyst rows hold it, but some do (a group's first column
 * always; categories.ts); the first of equals.
 */
function rarestCategory(ctx: CanaryContext, group: Int32Array): number {
  let best = group[0] as number;
  for (const c of group) {
    const share = ctx.stats.mean[c] as number;
    if (share > 0 && share < (ctx.stats.mean[best] as number)) best = c;
  }
  return best;
}

/**
 * Feature trigger (a tabular backdoor): 2 to 5 features (about one in ten, at least 2) set to a rare value, each
 * its 99.5th percentile or, where that end lies closer to the median, its 0.5th, half the time pushed up to half a
 * standard deviation further out, on fresh rows of the other classes, relabelled to one target class. A one-hot group
 * (categories.ts) counts as one feature: its trigger is the group's rarest category, and the row's own is switched off.
 */
export function featureTrigger(ctx: CanaryContext, count: number, rng: Rng, trigger: Rng = rng): CanaryRows {
  const { groups, groupOf } = ctx.categories;
  // One entry per one-hot group: its first column with some spread stands for it.
  const seen = new Set<number>();
  const pool = variableFeatures(ctx).filter((j) => {
    const g = groupOf[j] as number;
    if (g < 0) return true;
    if (seen.has(g)) return false;
    seen.add(g);
    return true;
  });
  const units = ctx.source.featureCount - groups.reduce((s, g) => s + g.length - 1, 0);
  const k = Math.max(1, Math.min(pool.length, Math.max(2, Math.min(5, Math.round(units / 10)))));
  const picked = pickDistinct(pool, k, trigger);
  const group = (j: number) => groups[groupOf[j] as number];
  const features = picked.map((j) =>
    (groupOf[j] as number) < 0 ? j : rarestCategory(ctx, group(j) as Int32Array),
  );
  const { stats } = ctx;
  const values = picked.map((j) => {
    if ((groupOf[j] as number) >= 0) return 1;
    // The rarer end: a feature whose 0.5th percentile is its usual value (a blank pixel) gets its high end.
    const up = stats.high[j] - stats.median[j] >= stats.median[j] - stats.low[j];
    const beyond = trigger.next() < 0.5 ? 0 : 0.5 * trigger.next() * stats.std[j];
    return snapValue(ctx, up ? stats.high[j] + beyond : stats.low[j] - beyond);
  });
  const out = backdoorRows(ctx, count, rng, trigger, (row) => {
    picked.forEach((j, t) => {
      for (const c of group(j) ?? []) row[c] = 0;
      row[features[t] as number] = values[t] as number;
    });
  });
  const target = out.target;
  return { ...out, params: { features, values: values.map((v) => Number(v.toPrecision(6))), target } };
}

/**
 * Off-distribution outliers with a random label, three styles in turn, from mild to gross: uniform values over each
 * feature's observed range; a row with Gaussian noise of 1–4 standard deviations added to every feature; a row
 * scaled 1.5–4× away from the feature means.
 */
export function outlier(ctx: CanaryContext, count: number, rng: Rng): CanaryRows {
  const out = allocate(ctx, count);
  const f = ctx.source.featureCount;
  const { stats } = ctx;
  for (let i = 0; i < count; i++) {
    const row = out.features.subarray(i * f, (i + 1) * f);
    const style = i % 3;
    if (style === 0) {
      for (let j = 0; j < f; j++) {
        row[j] = stats.min[j] + (stats.max[j] - stats.min[j]) * rng.next();
      }
    } else {
      out.sources[i] = freshRow(ctx, drawClass(ctx, rng), rng, row);
      const s = style === 1 ? 1 + 3 * rng.next() : 1.5 + 2.5 * rng.next();
      for (let j = 0; j < f; j++) {
        row[j] =
          style === 1
            ? row[j] + s * stats.std[j] * normal(rng)
            : stats.mean[j] + s * (row[j] - stats.mean[j]);
      }
    }
    out.labels[i] = populatedClasses(ctx)[rng.int(populatedClasses(ctx).length)];
  }
  return { ...out, params: {} };
}

/**
 * Near-duplicates with a conflicting label: a fresh row of class y is added twice, once correctly labelled (the
 * companion, not poison) and once, with noise of 1% of each feature's spread, labelled with another class (the
 * canary). The companion is a new row, so no analyst row gains a conflicting twin.
 */
export function nearDuplicate(ctx: CanaryContext, count: number, rng: Rng): CanaryRows {
  const out = allocate(ctx, count);
  const f = ctx.source.featureCount;
  const companions = { features: new Float32Array(count * f), labels: new Int32Array(count) };
  for (let i = 0; i < count; i++) {
    const y = drawClass(ctx, rng);
    const twin = companions.features.subarray(i * f, (i + 1) * f);
    out.sources[i] = freshRow(ctx, y, rng, twin);
    companions.labels[i] = y;
    for (let j = 0; j < f; j++) out.features[i * f + j] = twin[j] + 0.01 * ctx.stats.std[j] * normal(rng);
    out.labels[i] = otherClass(ctx, y, rng);
  }
  return { ...out, companions, params: {} };
}

function requireImage(ctx: CanaryContext, kind: string) {
  if (!ctx.image) throw new RangeError(`Canaries: ${kind} needs image-shaped rows.`);
  return ctx.image;
}

/**
 * Patch trigger (BadNets-like): a square of side from a seventh to a quarter of the image's (at least 2 pixels), in
 * one corner, set to the end of the pixel range that contrasts with that corner (bright on a dark border, dark on a
 * bright one), on fresh rows of the other classes, relabelled to one target.
 */
export function patchTrigger(ctx: CanaryContext, count: number, rng: Rng, trigger: Rng = rng): CanaryRows {
  const { height: h, width: w, channels: ch } = requireImage(ctx, 'a patch trigger');
  const side = Math.min(h, w);
  const smallest = Math.min(side, Math.max(2, Math.round(side / 7)));
  const largest = Math.min(side, Math.max(2, Math.round(side / 4)));
  const size = smallest + trigger.int(largest - smallest + 1);
  const corner = trigger.int(4);
  const top = corner < 2 ? 0 : h - size;
  const left = corner % 2 === 0 ? 0 : w - size;
  // The end of the pixel range farther from the patch area's mean, so the patch stands out (a dark patch on a dark
  // border would change nothing).
  const area: number[] = [];
  for (let r = top; r < top + size; r++) {
    for (let c = left; c < left + size; c++) for (let k = 0; k < ch; k++) area.push((r * w + c) * ch + k);
  }
  const areaMean = area.reduce((s, j) => s + ctx.stats.mean[j], 0) / area.length;
  const value = areaMean - ctx.range.min <= ctx.range.max - areaMean ? ctx.range.max : ctx.range.min;
  const out = backdoorRows(ctx, count, rng, trigger, (row) => {
    for (const j of area) row[j] = value;
  });
  const target = out.target;
  return { ...out, params: { size, top, left, value: Number(value.toPrecision(6)), target } };
}

/**
 * Blend trigger (Chen et al. 2017): one random pattern (uniform over the pixel range) mixed into fresh rows of the
 * other classes with a weight α of 0.1–0.2, relabelled to one target class.
 */
export function blendTrigger(ctx: CanaryContext, count: number, rng: Rng, trigger: Rng = rng): CanaryRows {
  requireImage(ctx, 'a blend trigger');
  const f = ctx.source.featureCount;
  const { min, max } = ctx.range;
  const pattern = Float32Array.from({ length: f }, () => min + (max - min) * trigger.next());
  const alpha = 0.1 + 0.1 * trigger.next();
  const out = backdoorRows(ctx, count, rng, trigger, (row) => {
    for (let j = 0; j < f; j++) row[j] = (1 - alpha) * row[j] + alpha * pattern[j];
  });
  const target = out.target;
  return { ...out, params: { alpha: Number(alpha.toPrecision(4)), target } };
}
