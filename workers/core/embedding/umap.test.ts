import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { epochsFor, splitForFit, umap2d } from './umap';

/** Two Gaussian clusters in `d` dims, centres 8 apart (unit variance); labels alternate 0, 1. */
function twoClusters(n: number, d: number, seed: number): { data: Float32Array; labels: Uint8Array } {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const data = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let j = 0; j < d; j++) data[i * d + j] = gauss() + (j === 0 ? 8 * (i % 2) : 0);
  }
  return { data, labels };
}

/** Leave-one-out 1-NN accuracy of `labels` in the N × 2 layout. */
function oneNnAccuracy(xy: Float32Array, labels: Uint8Array): number {
  const n = labels.length;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let label = -1;
    for (let k = 0; k < n; k++) {
      if (k === i) continue;
      const dx = (xy[2 * i] as number) - (xy[2 * k] as number);
      const dy = (xy[2 * i + 1] as number) - (xy[2 * k + 1] as number);
      const dist = dx * dx + dy * dy;
      if (dist < best) {
        best = dist;
        label = labels[k] as number;
      }
    }
    if (label === labels[i]) right++;
  }
  return right / n;
}

const N = 160;
const D = 8;
const FAST = { nNeighbors: 10, nEpochs: 60 };

describe('umap2d', () => {
  it('gives the same layout for the same seed and another for another seed', async () => {
    const { data } = twoClusters(N, D, 1);
    const a = await umap2d(data, N, D, { seed: 3, ...FAST });
    const b = await umap2d(data, N, D, { seed: 3, ...FAST });
    const c = await umap2d(data, N, D, { seed: 4, ...FAST });
    if (a.kind !== 'finished' || b.kind !== 'finished' || c.kind !== 'finished')
      throw new Error('not finished');
    expect(a.xy.length).toBe(2 * N);
    expect(a.xy.every(Number.isFinite)).toBe(true);
    expect(Array.from(b.xy)).toEqual(Array.from(a.xy));
    expect(Array.from(c.xy)).not.toEqual(Array.from(a.xy));
    expect(a.fitted).toBe(N);
    expect(a.epochs).toBe(60);
  });

  it('keeps two well-separated clusters apart: 1-NN in the layout recovers ≥ 95% of labels', async () => {
    const { data, labels } = twoClusters(N, D, 2);
    const out = await umap2d(data, N, D, { seed: 5, ...FAST });
    if (out.kind !== 'finished') throw new Error('not finished');
    expect(oneNnAccuracy(out.xy, labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('stops between epochs when cancelled and reports where', async () => {
    const { data } = twoClusters(N, D, 1);
    const abort = new AbortController();
    const seen: number[] = [];
    const out = await umap2d(
      data,
      N,
      D,
      { seed: 3, ...FAST },
      {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase !== 'epochs') return;
          seen.push(p.epoch);
          if (p.epoch === 5) abort.abort();
        },
      },
    );
    expect(out).toEqual({ kind: 'cancelled', epoch: 5 });
    expect(Math.max(...seen)).toBe(5);
  });

  it('above maxFit fits a seeded subsample and places the rest with transform, clusters still apart', async () => {
    const { data, labels } = twoClusters(N, D, 6);
    const phases = new Set<string>();
    const out = await umap2d(
      data,
      N,
      D,
      { seed: 5, ...FAST, maxFit: 100, transformChunk: 25 },
      { onProgress: (p) => phases.add(p.phase) },
    );
    if (out.kind !== 'finished') throw new Error('not finished');
    expect(out.fitted).toBe(100);
    expect(out.xy.every(Number.isFinite)).toBe(true);
    expect([...phases]).toEqual(['neighbours', 'epochs', 'placing']);
    expect(oneNnAccuracy(out.xy, labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('places the rest with transform when the epochs are not a multiple of 3 (umap-js looped forever)', async () => {
    expect([epochsFor(0), epochsFor(50), epochsFor(60), epochsFor(200)]).toEqual([0, 51, 60, 201]);
    const { data } = twoClusters(60, D, 7);
    const out = await umap2d(data, 60, D, { seed: 1, nNeighbors: 5, nEpochs: 50, maxFit: 40 });
    if (out.kind !== 'finished') throw new Error('not finished');
    expect(out.epochs).toBe(51);
    expect(out.xy.every(Number.isFinite)).toBe(true);
  });

  it('splits rows into a seeded, sorted subsample and the rest', () => {
    const a = splitForFit(50, 20, 9);
    expect(a.fit.length).toBe(20);
    expect(a.rest.length).toBe(30);
    expect(new Set([...a.fit, ...a.rest]).size).toBe(50);
    expect(Array.from(a.fit)).toEqual(Array.from(a.fit).sort((x, y) => x - y));
    expect(Array.from(splitForFit(50, 20, 9).fit)).toEqual(Array.from(a.fit));
    expect(Array.from(splitForFit(50, 20, 10).fit)).not.toEqual(Array.from(a.fit));
    expect(splitForFit(10, 20, 9).fit.length).toBe(10);
  });

  it('refuses sets no bigger than the neighbourhood', async () => {
    await expect(umap2d(new Float32Array(10 * 2), 10, 2, { seed: 1 })).rejects.toThrow(/more than 15 points/);
  });
});
