/**
 * The canary injector: the analyst's rows, untouched, followed by two seeded draws of canaries of every kind (draw 0
 * fits the fused suspicion, draw 1 measures it) and any companion rows. Pure and deterministic.
 */
import { createRng, deriveSeed, type Rng } from '../random';
import { oneCategoryEach } from './categories';
import { type CanaryContext, type CanarySource, canaryContext, populatedClasses, snapRows } from './context';
import {
  blendTrigger,
  featureTrigger,
  nearDuplicate,
  outlier,
  pairFlip,
  patchTrigger,
  randomFlip,
} from './kinds';
import {
  CANARY_KINDS,
  CANARY_ROLE,
  type CanaryDrawPlan,
  type CanaryKind,
  type CanaryOptions,
  type CanaryPlan,
  type CanaryRows,
  DEFAULT_CANARY_OPTIONS,
  IMAGE_CANARY_KINDS,
  type ImageShape,
} from './types';

/** The analyst's rows with canaries appended, and what each appended row is. */
export interface CanaryInjection {
  /** Analyst rows 0..rows-1 as given, then the appended rows. */
  features: Float32Array;
  featureCount: number;
  labels: Int32Array;
  classCount: number;
  /** Analyst rows (the first `rows` of the data). */
  rows: number;
  /** Per appended row: index into CANARY_KINDS. */
  kind: Uint8Array;
  /** Per appended row: CANARY_ROLE (fit, report or companion). */
  role: Uint8Array;
  /** Per appended row: the analyst row it was built from, -1 for none. */
  source: Int32Array;
  plan: CanaryPlan;
}

/** The kinds that fit the data: image kinds only for image-shaped rows, pair flips only with three classes or more. */
export function defaultCanaryKinds(classCount: number, image: ImageShape | null): CanaryKind[] {
  return CANARY_KINDS.filter(
    (k) => (image !== null || !IMAGE_CANARY_KINDS.includes(k)) && (k !== 'pair-flip' || classCount > 2),
  );
}

/** Parses a comma-separated list of kinds; throws naming the first unknown one. */
export function parseCanaryKinds(text: string): CanaryKind[] {
  const out: CanaryKind[] = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const kind = CANARY_KINDS.find((k) => k === name);
    if (!kind)
      throw new RangeError(`Unknown canary kind "${name}"; the kinds are ${CANARY_KINDS.join(', ')}.`);
    if (!out.includes(kind)) out.push(kind);
  }
  if (out.length === 0) throw new RangeError('No canary kind given.');
  return out;
}

/** Canaries of one kind in one draw: the rate's share, at least `minPerKind`. */
export function canariesPerDraw(
  rows: number,
  kinds: number,
  options: Pick<CanaryOptions, 'rate' | 'minPerKind'>,
) {
  if (!(options.rate >= 0 && options.rate <= 0.5)) {
    throw new RangeError(`The canary rate must be between 0 and 0.5, got ${options.rate}.`);
  }
  return Math.max(options.minPerKind, Math.round((options.rate * rows) / (2 * Math.max(1, kinds))));
}

function makeKind(
  kind: CanaryKind,
  ctx: CanaryContext,
  count: number,
  rng: Rng,
  trigger: Rng,
  seed: number,
): CanaryRows {
  switch (kind) {
    case 'random-flip':
      return randomFlip(ctx, count, rng);
    case 'pair-flip':
      return pairFlip(ctx, count, rng, seed);
    case 'feature-trigger':
      return featureTrigger(ctx, count, rng, trigger);
    case 'outlier':
      return outlier(ctx, count, rng);
    case 'near-duplicate':
      return nearDuplicate(ctx, count, rng);
    case 'patch-trigger':
      return patchTrigger(ctx, count, rng, trigger);
    case 'blend-trigger':
      return blendTrigger(ctx, count, rng, trigger);
  }
}

/** Kinds that plant one backdoor: they need more rows than a flip for the model to learn the trigger. */
export const TRIGGER_CANARY_KINDS: readonly CanaryKind[] = [
  'feature-trigger',
  'patch-trigger',
  'blend-trigger',
];

/**
 * Appends two independent draws of canaries (and companions) to the analyst's rows. Options default to
 * DEFAULT_CANARY_OPTIONS; kinds that need images or three classes are refused with a message when asked for on
 * data that lacks them.
 */
export function injectCanaries(source: CanarySource, given: Partial<CanaryOptions> = {}): CanaryInjection {
  const options: CanaryOptions = { ...DEFAULT_CANARY_OPTIONS, ...given };
  const n = source.labels.length;
  const f = source.featureCount;
  if (source.features.length !== n * f) {
    throw new RangeError(`Canaries: ${source.features.length} feature values for ${n} rows × ${f} features.`);
  }
  const ctx = canaryContext(source, options.image, deriveSeed(options.seed, 11));
  if (populatedClasses(ctx).length < 2) throw new RangeError('Canaries need at least two classes with rows.');
  const kinds = options.kinds ?? defaultCanaryKinds(source.classCount, ctx.image);
  for (const k of kinds) {
    if (IMAGE_CANARY_KINDS.includes(k) && !ctx.image) {
      throw new RangeError(
        `The canary kind "${k}" needs image rows: give the image shape, or a square number of features holding pixel values (from 0 to 1, or whole numbers from 0 to 255).`,
      );
    }
  }
  const perDraw = canariesPerDraw(n, kinds.length, options);
  const parts: Array<{ rows: CanaryRows; kind: number; draw: 0 | 1 }> = [];
  const draws: CanaryDrawPlan[] = [];
  for (const draw of [0, 1] as const) {
    kinds.forEach((kind, k) => {
      const seed = deriveSeed(options.seed, 1000 * (draw + 1) + k);
      const count = TRIGGER_CANARY_KINDS.includes(kind) ? Math.max(perDraw, options.minPerTrigger) : perDraw;
      // Both draws of a kind share the trigger stream (one backdoor), and nothing else.
      const trigger = createRng(deriveSeed(options.seed, 500 + k));
      const rows = makeKind(kind, ctx, count, createRng(seed), trigger, seed);
      parts.push({ rows, kind: CANARY_KINDS.indexOf(kind), draw });
      draws.push({ kind, draw, count, params: rows.params });
    });
  }
  const canaries = parts.reduce((s, p) => s + p.rows.labels.length, 0);
  const companions = parts.reduce((s, p) => s + (p.rows.companions?.labels.length ?? 0), 0);
  const total = n + canaries + companions;
  const features = new Float32Array(total * f);
  features.set(source.features);
  const labels = new Int32Array(total);
  labels.set(source.labels);
  const added = canaries + companions;
  const kind = new Uint8Array(added);
  const role = new Uint8Array(added);
  const from = new Int32Array(added);
  let at = 0;
  const append = (x: Float32Array, y: Int32Array, k: number, r: number, src: Int32Array | null) => {
    features.set(x, (n + at) * f);
    snapRows(ctx, features.subarray((n + at) * f, (n + at + y.length) * f));
    // A canary holds one category of each one-hot group, as every analyst row does (categories.ts); an outlier's
    // values may fall off them, as a corrupted row's.
    if (CANARY_KINDS[k] !== 'outlier') {
      for (let r = 0; r < y.length; r++) {
        oneCategoryEach(ctx.categories.groups, features.subarray((n + at + r) * f, (n + at + r + 1) * f));
      }
    }
    labels.set(y, n + at);
    kind.fill(k, at, at + y.length);
    role.fill(r, at, at + y.length);
    if (src) from.set(src, at);
    else from.fill(-1, at, at + y.length);
    at += y.length;
  };
  for (const p of parts) {
    append(p.rows.features, p.rows.labels, p.kind, p.draw, p.rows.sources);
    const c = p.rows.companions;
    if (c) append(c.features, c.labels, p.kind, CANARY_ROLE.companion, p.rows.sources);
  }

  return {
    features,
    featureCount: f,
    labels,
    classCount: source.classCount,
    rows: n,
    kind,
    role,
    source: from,
    plan: {
      seed: options.seed,
      rate: options.rate,
      kinds: [...kinds],
      image: ctx.image,
      draws,
      canaries,
      companions,
    },
  };
}
