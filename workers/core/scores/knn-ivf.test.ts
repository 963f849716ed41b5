/**
 * The parts of the IVF search against plain references (issue 16, from mutation testing): the nearest centres of
 * each row, tile by tile, by brute force in Float64; the CSR grouping of rows by cell; the seeded k-means of the
 * coarse centres transcribed from its description (a sample of at most 64 rows a cell drawn by partial
 * Fisher–Yates, initial centres drawn from the sample the same way, Lloyd steps, an empty cell re-seeded with a
 * random sample row).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import { ScoringCancelledError } from './hooks';
import { knnIvf } from './knn';
import { groupBy, nearestCentres, trainCoarseCentres } from './knn-ivf';
import { randomMatrix } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NO_WAIT = { between: async () => {} };

function uniform(count: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => (rng.next() * 2 - 1) * scale);
}

function sqDist(a: Float32Array, i: number, b: Float32Array, c: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += (a[i * d + j] - b[c * d + j]) ** 2;
  return s;
}

/** The m nearest centres of row i, nearest first (the lower index first on a tie). */
function bruteNearest(xs: Float32Array, i: number, centres: Float32Array, nc: number, d: number, m: number) {
  return Array.from({ length: nc }, (_, c) => c)
    .sort((a, b) => sqDist(xs, i, centres, a, d) - sqDist(xs, i, centres, b, d) || a - b)
    .slice(0, m);
}

describe('nearestCentres', () => {
  it('lists each row’s m nearest centres, nearest first, across tiles of 1024 rows', async () => {
    // 2,100 rows: three tiles (1024, 1024, 52) of queries against 5 centres
    const n = 2100;
    const d = 3;
    const xs = uniform(n * d, 1);
    const centres = uniform(5 * d, 2);
    for (const m of [1, 3, 5]) {
      const got = await nearestCentres(xs, n, d, centres, 5, m, NO_WAIT);
      expect(got).toHaveLength(n * m);
      for (let i = 0; i < n; i++) {
        expect(Array.from(got.subarray(i * m, (i + 1) * m)), `m ${m} row ${i}`).toEqual(
          bruteNearest(xs, i, centres, 5, d, m),
        );
      }
    }
  });

  it('yields (and can be cancelled) between tiles, not after the last one', async () => {
    const d = 2;
    const centres = uniform(4 * d, 3);
    let asked = 0;
    const cancelAtOnce = { between: async () => {}, cancelled: () => ++asked > 0 };
    // one tile: never asked
    await nearestCentres(uniform(1024 * d, 4), 1024, d, centres, 4, 1, cancelAtOnce);
    expect(asked).toBe(0);
    // two tiles: asked once, between them
    await expect(
      nearestCentres(uniform(1025 * d, 4), 1025, d, centres, 4, 1, cancelAtOnce),
    ).rejects.toBeInstanceOf(ScoringCancelledError);
    expect(asked).toBe(1);
  });
});

describe('groupBy', () => {
  it('lists the rows of each key in row order, with offsets, a row pushed under several keys', () => {
    const rng = createRng(7);
    const n = 50;
    const keys = 6;
    const pushes = Array.from({ length: n }, () =>
      Array.from({ length: 1 + Math.floor(rng.next() * 3) }, () => Math.floor(rng.next() * keys)),
    );
    const { start, rows } = groupBy(n, keys, (i, push) => {
      for (const key of pushes[i]) push(key, i);
    });
    expect(start).toHaveLength(keys + 1);
    expect(start[0]).toBe(0);
    for (let g = 0; g < keys; g++) {
      const want: number[] = [];
      pushes.forEach((ks, i) => {
        for (const key of ks) if (key === g) want.push(i);
      });
      expect(Array.from(rows.subarray(start[g], start[g + 1])), `key ${g}`).toEqual(want);
    }
    expect(rows).toHaveLength(pushes.flat().length);
    // a key nobody pushed is empty
    const sparse = groupBy(3, 4, (i, push) => push(i === 1 ? 3 : 0, i));
    expect(Array.from(sparse.start)).toEqual([0, 2, 2, 2, 3]);
    expect(Array.from(sparse.rows)).toEqual([0, 2, 1]);
  });
});

/** The coarse centres by the description: sample, initial centres, Lloyd steps, empty cells re-seeded. */
function referenceCentres(
  xs: Float32Array,
  n: number,
  d: number,
  nlist: number,
  rng: Rng,
  iterations: number,
) {
  const draw = (count: number, take: number) => {
    const all = Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(rng.next() * (count - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, take).sort((a, b) => a - b);
  };
  const m = Math.min(n, 64 * nlist);
  const sampleIdx = draw(n, m);
  const sample = new Float32Array(m * d);
  sampleIdx.forEach((row, r) => {
    for (let j = 0; j < d; j++) sample[r * d + j] = xs[row * d + j];
  });
  const centres = new Float32Array(nlist * d);
  draw(m, nlist).forEach((r, c) => {
    for (let j = 0; j < d; j++) centres[c * d + j] = sample[r * d + j];
  });
  let reseeded = 0;
  for (let it = 0; it < iterations; it++) {
    const assign = Array.from({ length: m }, (_, i) => bruteNearest(sample, i, centres, nlist, d, 1)[0]);
    for (let c = 0; c < nlist; c++) {
      const members = assign.flatMap((a, i) => (a === c ? [i] : []));
      if (members.length === 0) {
        reseeded++;
        const r = Math.floor(rng.next() * m);
        for (let j = 0; j < d; j++) centres[c * d + j] = sample[r * d + j];
        continue;
      }
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (const i of members) s += sample[i * d + j];
        centres[c * d + j] = s / members.length;
      }
    }
  }
  return { centres, reseeded, sampled: m };
}

describe('trainCoarseCentres', () => {
  it('matches the reference: a sample of 64 rows a cell, Lloyd steps, empty cells re-seeded', async () => {
    let reseeded = 0;
    for (const [n, nlist, iterations] of [
      [300, 2, 3],
      [90, 4, 0],
      [90, 4, 1],
      [200, 6, 5],
    ]) {
      for (let seed = 1; seed <= 4; seed++) {
        const d = 2;
        // rows on a coarse grid: repeated rows make equal initial centres, whose cells then go empty
        const gridRng = createRng(seed * 100 + n);
        const xs = Float32Array.from({ length: n * d }, () => Math.floor(gridRng.next() * 3));
        const got = await trainCoarseCentres(xs, n, d, nlist, createRng(seed), NO_WAIT, iterations);
        const want = referenceCentres(xs, n, d, nlist, createRng(seed), iterations);
        const what = `n ${n} nlist ${nlist} iterations ${iterations} seed ${seed}`;
        for (let i = 0; i < nlist * d; i++) expect(got[i], what).toBeCloseTo(want.centres[i], 5);
        reseeded += want.reseeded;
      }
    }
    // The cases re-seed empty cells (asserted so the comparison cannot become vacuous).
    expect(reseeded).toBeGreaterThan(0);
  });

  it('runs 10 Lloyd steps by default', async () => {
    // 8 cells on 600 uniform rows (a sample of 512) still move at the tenth step
    const xs = uniform(600 * 2, 9);
    const got = await trainCoarseCentres(xs, 600, 2, 8, createRng(2), NO_WAIT);
    const want = referenceCentres(xs, 600, 2, 8, createRng(2), 10);
    const nine = referenceCentres(xs, 600, 2, 8, createRng(2), 9);
    for (let i = 0; i < 16; i++) expect(got[i]).toBeCloseTo(want.centres[i], 5);
    expect(Array.from(nine.centres)).not.toEqual(Array.from(want.centres));
  });
});

describe('knnIvf with normalize', () => {
  it('searches the unit-length rows: probing every cell finds the nearest by angle', async () => {
    // rows of very different lengths, so the nearest by angle and by plain distance differ
    const n = 40;
    const d = 3;
    const x = randomMatrix(n, d, 61);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] *= 1 + (i % 5) * 3;
    const unit = x.map((v, t) => {
      const i = Math.floor(t / d);
      return v / Math.hypot(...x.subarray(i * d, i * d + d));
    });
    const k = 3;
    const byAngle = (i: number) =>
      Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .sort((a, b) => sqDist(unit, i, unit, a, d) - sqDist(unit, i, unit, b, d) || a - b)
        .slice(0, k);
    const got = await knnIvf(x, n, d, k, { nlist: 4, nprobe: 4, seed: 5, normalize: true });
    for (let i = 0; i < n; i++)
      expect(Array.from(got.indices.subarray(i * k, i * k + k)), `row ${i}`).toEqual(byAngle(i));
    const plain = await knnIvf(x, n, d, k, { nlist: 4, nprobe: 4, seed: 5 });
    expect(Array.from(plain.indices)).not.toEqual(Array.from(got.indices));
  });
});
