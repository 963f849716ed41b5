import { UMAP } from 'umap-js';
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../random';
import { epochsFor, splitForFit, type UmapProgress, umap2d } from './umap';

// Issue 16 (mutation testing): the refusals, the split, progress, cancellation at each point, and where each row's
// coordinates land, checked against umap-js driven directly.

/** n points in d dims, two groups 6 apart along the first axis (row i in group i mod 2), seeded. */
function points(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from(
    { length: n * d },
    (_, k) => rng.next() + (k % d === 0 ? 6 * (Math.floor(k / d) % 2) : 0),
  );
}

const rowsOf = (data: Float32Array, rows: ArrayLike<number>, d: number) =>
  Array.from(rows, (i) => Array.from(data.subarray(i * d, (i + 1) * d)));

/** The layout umap-js gives when driven by hand: fit the rows, run every epoch, place the rest chunk by chunk. */
function reference(
  data: Float32Array,
  n: number,
  d: number,
  seed: number,
  maxFit: number,
  chunk: number,
): number[] {
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: 5,
    minDist: 0.1,
    nEpochs: 9,
    random: createRng(deriveSeed(seed, 0x0a1)).next,
  });
  const { fit, rest } = splitForFit(n, maxFit, seed);
  const epochs = umap.initializeFit(rowsOf(data, fit, d));
  for (let e = 0; e < epochs; e++) umap.step();
  const xy = new Array<number>(2 * n).fill(Number.NaN);
  umap.getEmbedding().forEach((p, k) => {
    xy[2 * fit[k]] = Math.fround(p[0]);
    xy[2 * fit[k] + 1] = Math.fround(p[1]);
  });
  for (let from = 0; from < rest.length; from += chunk) {
    const rows = rest.subarray(from, from + chunk);
    umap.transform(rowsOf(data, rows, d)).forEach((p, k) => {
      xy[2 * rows[k]] = Math.fround(p[0]);
      xy[2 * rows[k] + 1] = Math.fround(p[1]);
    });
  }
  return xy;
}

const SMALL = { nNeighbors: 5, nEpochs: 9 };

describe('umap2d, limits and progress', () => {
  it('puts each row’s coordinates in its own place, fitted whole or fitted and placed in chunks', async () => {
    const data = points(30, 3, 1);
    const whole = await umap2d(data, 30, 3, { seed: 2, ...SMALL });
    if (whole.kind !== 'finished') throw new Error('not finished');
    expect(Array.from(whole.xy)).toEqual(reference(data, 30, 3, 2, 10_000, 2_000));
    const split = await umap2d(data, 30, 3, { seed: 2, ...SMALL, maxFit: 20, transformChunk: 4 });
    if (split.kind !== 'finished') throw new Error('not finished');
    expect(Array.from(split.xy)).toEqual(reference(data, 30, 3, 2, 20, 4));
  });

  it('reports placing progress chunk by chunk, a chunk at most one point fewer than the fit', async () => {
    const data = points(40, 3, 3);
    const run = async (transformChunk: number) => {
      const placing: [number, number][] = [];
      const epochs: number[] = [];
      const out = await umap2d(
        data,
        40,
        3,
        { seed: 4, ...SMALL, maxFit: 12, transformChunk },
        {
          onProgress: (p: UmapProgress) => {
            if (p.phase === 'placing') placing.push([p.done, p.fraction]);
            if (p.phase === 'epochs') epochs.push(p.fraction * p.epochs - p.epoch);
          },
        },
      );
      expect(epochs.every((x) => Math.abs(x) < 1e-9)).toBe(true); // fraction = epoch / epochs
      return { out, placing };
    };
    const { placing } = await run(10);
    expect(placing).toEqual([
      [10, 10 / 28],
      [20, 20 / 28],
      [28, 1],
    ]);
    // A chunk as large as the fit would move the fitted points: 11 at most with 12 fitted.
    expect((await run(500)).placing).toEqual([
      [11, 11 / 28],
      [22, 22 / 28],
      [28, 1],
    ]);
  });

  it('the split keeps the rest sorted, and a set of exactly maxFit points is fitted whole', () => {
    const a = splitForFit(50, 20, 9);
    expect(Array.from(a.rest)).toEqual(Array.from(a.rest).sort((x, y) => x - y));
    expect(Array.from(splitForFit(20, 20, 9).fit)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochsFor(-3)).toBe(0);
  });

  it('refuses too few values and a set of exactly nNeighbors points, naming the counts', async () => {
    await expect(umap2d(new Float32Array(59), 20, 3, { seed: 1, ...SMALL })).rejects.toThrow(
      'UMAP: 20 × 3 embeddings expected, 59 values given.',
    );
    await expect(umap2d(points(5, 3, 1), 5, 3, { seed: 1, ...SMALL })).rejects.toThrow(
      'UMAP needs more than 5 points; this run has 5.',
    );
  });

  it('uses the minimum distance given', async () => {
    const data = points(30, 3, 5);
    const a = await umap2d(data, 30, 3, { seed: 2, ...SMALL });
    const b = await umap2d(data, 30, 3, { seed: 2, ...SMALL, minDist: 0.9 });
    if (a.kind !== 'finished' || b.kind !== 'finished') throw new Error('not finished');
    expect(Array.from(b.xy)).not.toEqual(Array.from(a.xy));
  });

  it('cancels before the graph, between chunks, and not after the last epoch', async () => {
    const data = points(40, 3, 6);
    const aborted = new AbortController();
    aborted.abort();
    expect(await umap2d(data, 40, 3, { seed: 1, ...SMALL }, { signal: aborted.signal })).toEqual({
      kind: 'cancelled',
      epoch: 0,
    });
    const lastEpoch = new AbortController();
    const finished = await umap2d(
      data,
      40,
      3,
      { seed: 1, ...SMALL },
      {
        signal: lastEpoch.signal,
        onProgress: (p) => {
          if (p.phase === 'epochs' && p.epoch === p.epochs) lastEpoch.abort();
        },
      },
    );
    expect(finished.kind).toBe('finished');
    const placing = new AbortController();
    const chunks: number[] = [];
    const out = await umap2d(
      data,
      40,
      3,
      { seed: 1, ...SMALL, maxFit: 20, transformChunk: 5 },
      {
        signal: placing.signal,
        onProgress: (p) => {
          if (p.phase !== 'placing') return;
          chunks.push(p.done);
          placing.abort();
        },
      },
    );
    expect(out).toEqual({ kind: 'cancelled', epoch: 9 });
    expect(chunks).toEqual([5]);
  });

  it('yields between epochs once a stretch of work passes 50 ms, so a cancel sent meanwhile arrives', async () => {
    const data = points(200, 3, 7);
    const abort = new AbortController();
    let sent = false;
    const out = await umap2d(
      data,
      200,
      3,
      { seed: 1, nNeighbors: 5, nEpochs: 3_000 },
      {
        signal: abort.signal,
        // The cancel is a message: it arrives only when the job yields to the event loop.
        onProgress: (p) => {
          if (p.phase !== 'epochs' || sent) return;
          sent = true;
          setTimeout(() => abort.abort(), 0);
        },
      },
    );
    expect(out.kind).toBe('cancelled');
    if (out.kind === 'cancelled') expect(out.epoch).toBeLessThan(3_000);
  });

  it('times its phases within the call', async () => {
    const t0 = performance.now();
    const out = await umap2d(points(40, 3, 8), 40, 3, { seed: 1, ...SMALL, maxFit: 20 });
    const elapsed = performance.now() - t0;
    if (out.kind !== 'finished') throw new Error('not finished');
    const { graphMs, epochsMs, placeMs } = out.timings;
    for (const t of [graphMs, epochsMs, placeMs]) expect(t).toBeGreaterThanOrEqual(0);
    expect(graphMs + epochsMs + placeMs).toBeLessThanOrEqual(elapsed);
  });
});
