/**
 * Attack generators for bench/detect: poisoned variants of clean base rows. Written apart from the canary code
 * (workers/core/canary/) on purpose, with their own random stream (splitmix32), their own choices of trigger
 * features, values, sizes, targets and flip structures, so the benchmark does not test the injector against itself.
 * Each attack changes or adds rows of a copy of the base and marks them in `poisoned`.
 */

/** A labelled table; features row-major. */
export interface Table {
  features: Float32Array;
  featureCount: number;
  labels: Int32Array;
  classCount: number;
}

/** A poisoned variant: the table and which rows are poison (and of which attack). */
export interface Variant extends Table {
  poisoned: Uint8Array;
  attack: string[];
}

/** splitmix32: a random stream unrelated to core's mulberry32. */
export function attackRng(seed: number) {
  let state = seed | 0;
  const u32 = () => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  const uni = () => u32() / 4294967296;
  return {
    uni,
    int: (n: number) => Math.floor(uni() * n),
    gauss: () => Math.sqrt(-2 * Math.log(1 - uni())) * Math.cos(2 * Math.PI * uni()),
  };
}
export type AttackRng = ReturnType<typeof attackRng>;

function columnStats(t: Table) {
  const f = t.featureCount;
  const n = t.labels.length;
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  const lo = new Float64Array(f).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(f).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const v = t.features[i * f + j];
      mean[j] += v / n;
      lo[j] = Math.min(lo[j], v);
      hi[j] = Math.max(hi[j], v);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) sd[j] += (t.features[i * f + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j]);
  return { mean, sd, lo, hi };
}

/** The largest value in the table (an image's brightest pixel). */
function brightest(t: Table): number {
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of t.features) hi = Math.max(hi, x);
  return hi;
}

/** A copy of the base as a clean variant. */
export function cleanVariant(base: Table): Variant {
  return {
    ...base,
    features: base.features.slice(),
    labels: base.labels.slice(),
    poisoned: new Uint8Array(base.labels.length),
    attack: new Array(base.labels.length).fill('none'),
  };
}

/** `count` distinct clean rows (not yet poisoned), optionally only among those `allowed`. */
function pickRows(v: Variant, count: number, rng: AttackRng, allowed?: (i: number) => boolean): number[] {
  const pool: number[] = [];
  for (let i = 0; i < v.labels.length; i++) if (!v.poisoned[i] && (!allowed || allowed(i))) pool.push(i);
  const out: number[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(pool.length), 1)[0]);
  return out;
}

function mark(v: Variant, rows: number[], name: string): void {
  for (const i of rows) {
    v.poisoned[i] = 1;
    v.attack[i] = name;
  }
}

/** Uniform random flips of a fraction of the rows to any other class. */
export function flipUniform(v: Variant, rate: number, rng: AttackRng): void {
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng);
  for (const i of rows) v.labels[i] = (v.labels[i] + 1 + rng.int(v.classCount - 1)) % v.classCount;
  mark(v, rows, 'flip');
}

/**
 * Targeted pair flips: rows of class a relabelled b, for class pairs a → b with b = (a + s) mod C, s from the seed:
 * each source class loses up to 40% of its rows until the rate is met (a different structure from the canaries'
 * nearest-centroid pairs).
 */
export function flipPairs(v: Variant, rate: number, rng: AttackRng): void {
  const c = v.classCount;
  const shift = 1 + rng.int(Math.max(1, c - 1));
  let left = Math.round(rate * v.labels.length);
  const order = Array.from({ length: c }, (_, k) => k);
  for (let k = c - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [order[k], order[j]] = [order[j], order[k]];
  }
  for (const a of order) {
    if (left <= 0) break;
    const size = v.labels.reduce((s, y) => s + (y === a ? 1 : 0), 0);
    const rows = pickRows(v, Math.min(left, Math.floor(0.4 * size)), rng, (i) => v.labels[i] === a);
    for (const i of rows) v.labels[i] = (a + shift) % c;
    mark(v, rows, 'pair-flip');
    left -= rows.length;
  }
}

/**
 * Tabular backdoor: `width` features (seeded) set to mean + 2.5 sd of the feature (inside the range on most data),
 * on rows of other classes, relabelled to one target class.
 */
export function featureBackdoor(v: Variant, rate: number, rng: AttackRng, width = 3): void {
  const s = columnStats(v);
  const f = v.featureCount;
  const usable = Array.from({ length: f }, (_, j) => j).filter((j) => s.sd[j] > 0);
  const feats: number[] = [];
  while (feats.length < Math.min(width, usable.length)) {
    const j = usable[rng.int(usable.length)];
    if (!feats.includes(j)) feats.push(j);
  }
  const target = rng.int(v.classCount);
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng, (i) => v.labels[i] !== target);
  for (const i of rows) {
    for (const j of feats) v.features[i * f + j] = Math.min(s.hi[j], s.mean[j] + 2.5 * s.sd[j]);
    v.labels[i] = target;
  }
  mark(v, rows, 'feature-backdoor');
}

/**
 * Off-distribution rows: each chosen row's feature values are shuffled across its columns (a row from no class's
 * distribution, with the table's marginal values) and given a random label.
 */
export function scrambledOutliers(v: Variant, rate: number, rng: AttackRng): void {
  const f = v.featureCount;
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng);
  for (const i of rows) {
    const row = v.features.subarray(i * f, (i + 1) * f);
    for (let j = f - 1; j > 0; j--) {
      const k = rng.int(j + 1);
      const t = row[j];
      row[j] = row[k];
      row[k] = t;
    }
    v.labels[i] = rng.int(v.classCount);
  }
  mark(v, rows, 'outlier');
}

/** Conflicting duplicates: copies of clean rows (jitter 0.5% of sd) appended with another label; originals kept. */
export function conflictingDuplicates(v: Variant, rate: number, rng: AttackRng): Variant {
  const s = columnStats(v);
  const f = v.featureCount;
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng);
  const n = v.labels.length;
  const features = new Float32Array((n + rows.length) * f);
  features.set(v.features);
  const labels = new Int32Array(n + rows.length);
  labels.set(v.labels);
  rows.forEach((i, k) => {
    for (let j = 0; j < f; j++)
      features[(n + k) * f + j] = v.features[i * f + j] + 0.005 * s.sd[j] * rng.gauss();
    labels[n + k] = (v.labels[i] + 1 + rng.int(v.classCount - 1)) % v.classCount;
  });
  const poisoned = new Uint8Array(n + rows.length);
  poisoned.set(v.poisoned);
  poisoned.fill(1, n);
  return {
    ...v,
    features,
    labels,
    poisoned,
    attack: [...v.attack, ...rows.map(() => 'duplicate')],
  };
}

/** Image patch backdoor on a side × side one-channel image: a size × size square at (top, left), relabelled. */
export function patchBackdoor(
  v: Variant,
  rate: number,
  rng: AttackRng,
  side: number,
  patch = { size: 3, top: 0, left: 5 },
): void {
  const hi = brightest(v);
  const target = rng.int(v.classCount);
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng, (i) => v.labels[i] !== target);
  const f = v.featureCount;
  for (const i of rows) {
    for (let r = patch.top; r < patch.top + patch.size; r++) {
      for (let c = patch.left; c < patch.left + patch.size; c++) v.features[i * f + r * side + c] = hi;
    }
    v.labels[i] = target;
  }
  mark(v, rows, 'patch-backdoor');
}

/** Blended backdoor: a fixed checkerboard of 2-pixel cells mixed in with weight alpha, relabelled to one target. */
export function blendBackdoor(v: Variant, rate: number, rng: AttackRng, side: number, alpha = 0.2): void {
  const hi = brightest(v);
  const target = rng.int(v.classCount);
  const rows = pickRows(v, Math.round(rate * v.labels.length), rng, (i) => v.labels[i] !== target);
  const f = v.featureCount;
  for (const i of rows) {
    for (let p = 0; p < f; p++) {
      const cell = (Math.floor(p / side / 2) + Math.floor((p % side) / 2)) % 2;
      v.features[i * f + p] = (1 - alpha) * v.features[i * f + p] + alpha * cell * hi;
    }
    v.labels[i] = target;
  }
  mark(v, rows, 'blend-backdoor');
}
