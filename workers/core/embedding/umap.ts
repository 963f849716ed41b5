/**
 * 2-D UMAP of row-major embeddings with umap-js (McInnes et al. 2018, https://arxiv.org/abs/1802.03426), seeded
 * and driven one epoch at a time so that a caller can show progress and cancel between epochs.
 *
 * Size limit: umap-js's neighbour search and epochs are plain JavaScript, so above `maxFit` points (default 10,000)
 * the layout is fitted on a seeded subsample of `maxFit` points and the rest are placed with umap-js's `transform`
 * (their neighbours among the fitted points, then a short optimisation with the fitted points held still), in
 * chunks so that progress and cancellation still work. Sets of up to `maxFit` points are fitted whole.
 * Why 10,000 (bench/umap.ts, synth20k's 20,000 × 64 run embeddings, 2 loaded cores): a whole fit took 81 s, 50 s
 * of it in the neighbour graph, which cannot be interrupted; fitting 10,000 and placing 10,000 took 48 s (16 s
 * graph). On synthetic 20,000 × 64 clusters, 5,000 + 15,000 was no faster than 10,000 + 10,000 (30 s vs 31 s).
 */
import { UMAP } from 'umap-js';
import { createRng, deriveSeed, shuffleInPlace } from '../random';

/** UMAP settings; all but `seed` have defaults. */
export interface UmapOptions {
  /** Seeds every random choice (neighbour search, initial layout, negative samples, subsample). */
  seed: number;
  /** Neighbours per point in the fuzzy graph (default 15, umap-js's default). */
  nNeighbors?: number;
  /** Minimum distance between points in the layout (default 0.1). */
  minDist?: number;
  /**
   * Optimisation epochs (default 200, umap-js's own choice above 7,500 points; it takes 500 for small sets, which
   * costs 2.5× the time for a layout that looks the same at map size), rounded up to a multiple of 3 (see
   * `epochsFor`). 0 lets umap-js choose by size.
   */
  nEpochs?: number;
  /** Most points fitted; the rest are placed with `transform` (default 10,000). */
  maxFit?: number;
  /** Points placed per `transform` call above `maxFit` (default 2,000). */
  transformChunk?: number;
}

/** Where a layout is: neighbour graph, epochs, then (above `maxFit`) placing the rest. */
export type UmapProgress =
  | { phase: 'neighbours'; fraction: number }
  | { phase: 'epochs'; epoch: number; epochs: number; fraction: number }
  | { phase: 'placing'; done: number; total: number; fraction: number };

/** The end of a layout job. */
export type UmapOutcome =
  | {
      kind: 'finished';
      /** N × 2 row-major coordinates, in the input's row order. */
      xy: Float32Array;
      /** Points the layout was fitted on (N when N ≤ maxFit). */
      fitted: number;
      epochs: number;
      /** ms: neighbour graph, epochs, placing the rest. */
      timings: { graphMs: number; epochsMs: number; placeMs: number };
    }
  | { kind: 'cancelled'; epoch: number };

/** How the caller follows and stops a job. */
export interface UmapHooks {
  onProgress?: (progress: UmapProgress) => void;
  /** Checked between epochs and chunks; an aborted signal ends the job with `cancelled`. */
  signal?: AbortSignal;
}

/**
 * The epochs to ask umap-js for: a multiple of 3. Its `transform` runs nEpochs / 3 epochs and stops only when the
 * epoch count equals that exactly (umap-js 1.4.0, `optimizeLayout`), so any other value never returns.
 */
export function epochsFor(requested: number): number {
  return requested <= 0 ? 0 : Math.ceil(requested / 3) * 3;
}

/** Longest stretch of work (ms) before yielding to the event loop, so a cancel message can arrive. */
const SLICE_MS = 50;

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The rows of N × d `data` as number arrays, which is what umap-js takes. */
function vectors(data: Float32Array, rows: ArrayLike<number>, d: number): number[][] {
  return Array.from({ length: rows.length }, (_, k) => {
    const i = rows[k] as number;
    return Array.from(data.subarray(i * d, i * d + d));
  });
}

/** The seeded subsample to fit (sorted, so the fit sees rows in input order) and the rest, or all rows. */
export function splitForFit(n: number, maxFit: number, seed: number): { fit: Int32Array; rest: Int32Array } {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= maxFit) return { fit: all, rest: new Int32Array(0) };
  shuffleInPlace(all, createRng(deriveSeed(seed, 0x5b5)));
  return { fit: all.slice(0, maxFit).sort(), rest: all.slice(maxFit).sort() };
}

/**
 * Lays out N × d `data` in 2-D with UMAP. Equal data, options and seed give equal layouts. Refuses (throws) when
 * N ≤ nNeighbors, where the neighbour graph cannot be built.
 */
export async function umap2d(
  data: Float32Array,
  n: number,
  d: number,
  options: UmapOptions,
  hooks: UmapHooks = {},
): Promise<UmapOutcome> {
  const nNeighbors = options.nNeighbors ?? 15;
  const maxFit = options.maxFit ?? 10_000;
  if (data.length < n * d)
    throw new Error(`UMAP: ${n} × ${d} embeddings expected, ${data.length} values given.`);
  if (n <= nNeighbors) throw new Error(`UMAP needs more than ${nNeighbors} points; this run has ${n}.`);
  const { signal, onProgress } = hooks;
  const rng = createRng(deriveSeed(options.seed, 0x0a1));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    nEpochs: epochsFor(options.nEpochs ?? 200),
    random: rng.next,
  });
  const { fit, rest } = splitForFit(n, maxFit, options.seed);
  // umap-js moves the fitted points too when a transform batch has as many points as the fit: keep it smaller.
  const chunk = Math.max(1, Math.min(options.transformChunk ?? 2_000, fit.length - 1));
  onProgress?.({ phase: 'neighbours', fraction: 0 });
  await yieldToEvents();
  if (signal?.aborted) return { kind: 'cancelled', epoch: 0 };
  let started = performance.now();
  // The neighbour graph is one umap-js call that cannot be interrupted: seconds for tens of thousands of points.
  const epochs = umap.initializeFit(vectors(data, fit, d));
  const graphMs = performance.now() - started;
  started = performance.now();
  let epoch = 0;
  let slice = performance.now();
  while (epoch < epochs) {
    epoch = umap.step();
    onProgress?.({ phase: 'epochs', epoch, epochs, fraction: epoch / epochs });
    if (performance.now() - slice > SLICE_MS) {
      await yieldToEvents();
      slice = performance.now();
    }
    if (signal?.aborted && epoch < epochs) return { kind: 'cancelled', epoch };
  }
  const epochsMs = performance.now() - started;
  started = performance.now();
  const xy = new Float32Array(n * 2);
  const fitted = umap.getEmbedding();
  for (let k = 0; k < fit.length; k++) {
    const p = fitted[k] ?? [Number.NaN, Number.NaN];
    const i = fit[k] as number;
    xy[2 * i] = p[0] ?? Number.NaN;
    xy[2 * i + 1] = p[1] ?? Number.NaN;
  }
  for (let from = 0; from < rest.length; from += chunk) {
    if (signal?.aborted) return { kind: 'cancelled', epoch };
    const rows = rest.subarray(from, Math.min(rest.length, from + chunk));
    const placed = umap.transform(vectors(data, rows, d));
    for (let k = 0; k < rows.length; k++) {
      const p = placed[k] ?? [Number.NaN, Number.NaN];
      const i = rows[k] as number;
      xy[2 * i] = p[0] ?? Number.NaN;
      xy[2 * i + 1] = p[1] ?? Number.NaN;
    }
    const done = from + rows.length;
    onProgress?.({ phase: 'placing', done, total: rest.length, fraction: done / rest.length });
    await yieldToEvents();
  }
  return {
    kind: 'finished',
    xy,
    fitted: fit.length,
    epochs,
    timings: { graphMs, epochsMs, placeMs: performance.now() - started },
  };
}
