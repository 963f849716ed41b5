/**
 * The edges of the kNN search (issue 16, from the survivors of mutation testing): the tile plan the memory estimate
 * shares, refusals, zero rows under normalisation, a search of some queries only, the IVF settings clamped to what
 * the data allows, sampling without repeats, and cancellation between tiles and cells.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { ScoringCancelledError } from './hooks';
import { knnExact, knnIvf, measureKnnRecall } from './knn';
import { sampleRows } from './knn-ivf';
import { knnTileRows } from './knn-plan';
import { randomMatrix } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Brute-force neighbour indices of row i in Float64, nearest first, ties on the lower index. */
function bruteForce(x: Float32Array, n: number, d: number, k: number, i: number): number[] {
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[a * d + j] - x[b * d + j]) ** 2;
    return s;
  };
  return Array.from({ length: n }, (_, j) => j)
    .filter((j) => j !== i)
    .sort((a, b) => dist(i, a) - dist(i, b) || a - b)
    .slice(0, k);
}

describe('knnTileRows: about 4M distances (16 MiB) per tile, 16 to 1024 query rows', () => {
  it('takes 4,194,304 / N rows between the bounds, and the bounds outside them', () => {
    // 4,194,304 / 5,000 = 838.86; / 8,192 = 512; / 100,000 = 41.9; / 262,144 = 16 exactly.
    expect(knnTileRows(5_000)).toBe(838);
    expect(knnTileRows(8_192)).toBe(512);
    expect(knnTileRows(100_000)).toBe(41);
    expect(knnTileRows(262_144)).toBe(16);
    // Small N: capped at 1024 rows (4096 × 1024 is exactly 4M); huge N: never fewer than 16 rows.
    expect(knnTileRows(4_096)).toBe(1024);
    expect(knnTileRows(4_097)).toBe(1023);
    expect(knnTileRows(1)).toBe(1024);
    expect(knnTileRows(0)).toBe(1024);
    expect(knnTileRows(10_000_000)).toBe(16);
  });
});

describe('knnExact refusals and edges', () => {
  it('refuses a k that is not a positive integer, and values that are not N × d, naming both', async () => {
    const x = randomMatrix(6, 2, 1);
    for (const k of [0, -1, 1.5, Number.NaN]) {
      await expect(knnExact(x, 6, 2, k)).rejects.toThrow(`k must be a positive integer, got ${k}.`);
      await expect(knnIvf(x, 6, 2, k, { seed: 1 })).rejects.toThrow(
        `k must be a positive integer, got ${k}.`,
      );
    }
    await expect(knnExact(x.subarray(0, 11), 6, 2, 1)).rejects.toThrow('Expected N×d = 12 values, got 11.');
  });

  it('k = 1 is accepted and finds the single nearest', async () => {
    const r = await knnExact(Float32Array.from([0, 10, 1, 4]), 4, 1, 1);
    expect(Array.from(r.indices)).toEqual([2, 3, 0, 2]);
    expect(Array.from(r.distances)).toEqual([1, 6, 1, 3]);
  });

  it('neighbours at the same distance are listed by lower index, and the lowest k of them are kept', async () => {
    // On a line: 0 has 1 (at -1) and 2 (at 1) both at distance 1, and 3 (at 5) at 5.
    const x = Float32Array.from([0, -1, 1, 5]);
    const two = await knnExact(x, 4, 1, 2);
    expect(Array.from(two.indices.subarray(0, 2))).toEqual([1, 2]);
    const one = await knnExact(x, 4, 1, 1);
    expect(one.indices[0]).toBe(1);
    const ivf = await knnIvf(x, 4, 1, 1, { nlist: 1, seed: 1 });
    expect(ivf.indices[0]).toBe(1);
    // Three copies of one row (duplicated samples): each lists the lowest-indexed other copy, at distance 0.
    const copies = await knnExact(Float32Array.from([2, 2, 2]), 3, 1, 1);
    expect(Array.from(copies.indices)).toEqual([1, 0, 0]);
    expect(Array.from(copies.distances)).toEqual([0, 0, 0]);
  });

  it('a zero row stays zero under normalisation: at distance 1 from every unit row, never NaN', async () => {
    // Rows (0,0), (3,4) → (0.6,0.8), (0,-2) → (0,-1). Zero row to each unit row: 1; (0.6,0.8) to (0,-1): √3.6.
    const x = Float32Array.from([0, 0, 3, 4, 0, -2]);
    const r = await knnExact(x, 3, 2, 2, { normalize: true });
    expect(Array.from(r.indices.subarray(2, 4))).toEqual([0, 2]);
    expect(r.distances[0]).toBeCloseTo(1, 5);
    expect(r.distances[1]).toBeCloseTo(1, 5);
    expect(r.distances[2]).toBeCloseTo(1, 5);
    expect(r.distances[3]).toBeCloseTo(Math.sqrt(3.6), 5);
  });

  it('searches only the queries asked for, across tiles; other rows stay -1', async () => {
    const n = 50;
    const d = 3;
    const k = 4;
    const x = randomMatrix(n, d, 31);
    const queries = Int32Array.from([2, 7, 8, 19, 33, 49]);
    const r = await knnExact(x, n, d, k, { queries, tileRows: 4 });
    for (let i = 0; i < n; i++) {
      const row = Array.from(r.indices.subarray(i * k, i * k + k));
      if (queries.includes(i)) expect(row, `query ${i}`).toEqual(bruteForce(x, n, d, k, i));
      else expect(row, `row ${i}`).toEqual([-1, -1, -1, -1]);
    }
  });

  it('yields between tiles (not after the last) and stops with ScoringCancelledError when cancelled', async () => {
    const x = randomMatrix(40, 2, 5);
    let yields = 0;
    await knnExact(x, 40, 2, 3, {
      tileRows: 10,
      between: async () => {
        yields++;
      },
    });
    expect(yields).toBe(3);
    let asked = 0;
    await expect(
      knnExact(x, 40, 2, 3, {
        tileRows: 10,
        between: async () => {},
        cancelled: () => ++asked >= 2,
      }),
    ).rejects.toBeInstanceOf(ScoringCancelledError);
    expect(asked).toBe(2);
  });
});

describe('knnIvf settings', () => {
  it('clamps nprobe to the cells and nlist to the rows: probing every cell is exact search', async () => {
    const n = 60;
    const d = 4;
    const k = 5;
    const x = randomMatrix(n, d, 41);
    const exact = await knnExact(x, n, d, k);
    // nprobe 100 > nlist 4; nlist 500 > N 60 (one cell per row, probes 60); nlist 0 → round(√60) = 8, nprobe 8.
    for (const settings of [
      { nlist: 4, nprobe: 100 },
      { nlist: 500, nprobe: 1000 },
      { nlist: 0, nprobe: 8 },
    ]) {
      const approx = await knnIvf(x, n, d, k, { ...settings, seed: 2 });
      expect(Array.from(approx.indices), JSON.stringify(settings)).toEqual(Array.from(exact.indices));
    }
  });

  it('without nprobe probes 8 cells: exact when there are 8 cells, not always when there are 40', async () => {
    const n = 400;
    const d = 6;
    const k = 6;
    const x = randomMatrix(n, d, 43);
    const exact = await knnExact(x, n, d, k);
    const eight = await knnIvf(x, n, d, k, { nlist: 8, seed: 3 });
    expect(Array.from(eight.indices)).toEqual(Array.from(exact.indices));
    const forty = await knnIvf(x, n, d, k, { nlist: 40, seed: 3 });
    expect(Array.from(forty.indices)).not.toEqual(Array.from(exact.indices));
  });

  it('a query with fewer than k points in its probed cells gets -1 at infinite distance', async () => {
    // Two far groups of 3; one probe each: a point's cell holds 2 others, so the 3rd and 4th neighbours are missing.
    const x = Float32Array.from([0, 0.1, 0.2, 100, 100.1, 100.2]);
    const r = await knnIvf(x, 6, 1, 4, { nlist: 2, nprobe: 1, seed: 1 });
    for (let i = 0; i < 6; i++) {
      expect(Array.from(r.indices.subarray(i * 4 + 2, i * 4 + 4)), `row ${i}`).toEqual([-1, -1]);
      expect(r.distances[i * 4 + 3]).toBe(Number.POSITIVE_INFINITY);
      expect(r.distances[i * 4 + 1]).toBeLessThan(0.25);
    }
  });

  it('is cancelled between cells', async () => {
    const x = randomMatrix(300, 3, 47);
    await expect(
      knnIvf(x, 300, 3, 3, { nlist: 20, nprobe: 2, seed: 1, between: async () => {}, cancelled: () => true }),
    ).rejects.toBeInstanceOf(ScoringCancelledError);
  });

  it('measureKnnRecall samples min(N, 20,000) queries by default', async () => {
    const x = randomMatrix(120, 3, 53);
    const r = await measureKnnRecall(x, 120, 3, 4, { nlist: 4, nprobe: 4, seed: 9 });
    expect(r.queries).toBe(120);
    expect(r.k).toBe(4);
    expect(r.recall).toBe(1);
  });
});

describe('sampleRows', () => {
  it('draws m distinct rows in ascending order; m = N is every row', () => {
    const rows = Array.from(sampleRows(100, 30, createRng(4)));
    expect(rows).toHaveLength(30);
    expect(new Set(rows).size).toBe(30);
    expect(rows.every((r) => r >= 0 && r < 100)).toBe(true);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    // Different draws for different streams (the sample is random, not the first m rows).
    expect(rows).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(Array.from(sampleRows(12, 12, createRng(5)))).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});
