import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { knnExact, knnIvf, knnScores, measureKnnRecall } from './knn';
import { gaussian, mismatch, randomLabels, randomMatrix } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Brute-force neighbours in Float64: sort all others by distance. */
function reference(x: Float32Array, n: number, d: number, k: number, normalize = false) {
  const pts = Array.from({ length: n }, (_, i) => {
    const row = Array.from(x.subarray(i * d, i * d + d));
    const norm = Math.hypot(...row);
    return normalize ? row.map((v) => v / Math.max(norm, 1e-12)) : row;
  });
  return pts.map((p, i) =>
    pts
      .map((q, j) => ({ j, dist: Math.hypot(...p.map((v, t) => v - q[t])) }))
      .filter((o) => o.j !== i)
      .sort((a, b) => a.dist - b.dist)
      .slice(0, k),
  );
}

/** Points around a few well-separated centres, so neighbours are unambiguous and IVF cells are meaningful. */
function clustered(n: number, d: number, clusters: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = randomMatrix(clusters, d, seed + 1, 10);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let j = 0; j < d; j++) out[i * d + j] = centres[c * d + j] + gaussian(rng);
  }
  return out;
}

describe('knnExact', () => {
  it('matches brute force (indices and distances) on random points, across tiles', async () => {
    const n = 90;
    const d = 6;
    const k = 5;
    const x = randomMatrix(n, d, 2);
    const before = tf.memory().numTensors;
    const got = await knnExact(x, n, d, k, { tileRows: 16 });
    expect(tf.memory().numTensors).toBe(before);
    const ref = reference(x, n, d, k);
    expect(Array.from(got.indices)).toEqual(ref.flatMap((r) => r.map((o) => o.j)));
    expect(
      mismatch(
        got.distances,
        ref.flatMap((r) => r.map((o) => o.dist)),
        1e-4,
        1e-4,
      ),
    ).toBe('');
  });

  it('normalises rows when asked', async () => {
    const n = 40;
    const d = 4;
    const x = randomMatrix(n, d, 8);
    const got = await knnExact(x, n, d, 3, { normalize: true });
    const ref = reference(x, n, d, 3, true);
    expect(Array.from(got.indices)).toEqual(ref.flatMap((r) => r.map((o) => o.j)));
    expect(
      mismatch(
        got.distances,
        ref.flatMap((r) => r.map((o) => o.dist)),
        1e-4,
        1e-4,
      ),
    ).toBe('');
  });

  it('hand case on a line, with scores', async () => {
    // Points 0, 1, 3, 6 on a line; k = 2.
    const x = Float32Array.from([0, 1, 3, 6]);
    const r = await knnExact(x, 4, 1, 2);
    expect(Array.from(r.indices)).toEqual([1, 2, 0, 2, 1, 0, 2, 1]);
    expect(Array.from(r.distances)).toEqual([1, 3, 1, 2, 2, 3, 3, 5]);
    const s = knnScores(r, Int32Array.from([0, 0, 1, 1]));
    expect(Array.from(s.distance)).toEqual([2, 1.5, 2.5, 4]);
    // Sample 0: neighbours 1 (same), 2 (other) → 0.5. Sample 2: 1 (other), 0 (other) → 1.
    expect(Array.from(s.disagreement)).toEqual([0.5, 0.5, 1, 0.5]);
  });

  it('pads with -1 when there are fewer than k other points', async () => {
    const r = await knnExact(Float32Array.from([0, 2]), 2, 1, 3);
    expect(Array.from(r.indices)).toEqual([1, -1, -1, 0, -1, -1]);
    const s = knnScores(r, Int32Array.from([0, 1]));
    expect(Array.from(s.distance)).toEqual([2, 2]);
    expect(Array.from(s.disagreement)).toEqual([1, 1]);
  });

  it('knnScores matches a reference on random data', async () => {
    const n = 70;
    const d = 5;
    const k = 7;
    const x = randomMatrix(n, d, 12);
    const labels = randomLabels(n, 3, 13);
    const s = knnScores(await knnExact(x, n, d, k), labels);
    const ref = reference(x, n, d, k);
    expect(
      mismatch(
        s.distance,
        ref.map((r) => r.reduce((a, o) => a + o.dist, 0) / k),
        1e-4,
        1e-4,
      ),
    ).toBe('');
    expect(
      mismatch(
        s.disagreement,
        ref.map((r, i) => r.filter((o) => labels[o.j] !== labels[i]).length / k),
      ),
    ).toBe('');
  });
});

describe('knnIvf', () => {
  it('is exact when every cell is probed', async () => {
    const n = 300;
    const d = 8;
    const x = clustered(n, d, 6, 4);
    const exact = await knnExact(x, n, d, 5);
    const before = tf.memory().numTensors;
    const approx = await knnIvf(x, n, d, 5, { nlist: 10, nprobe: 10, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(approx.indices)).toEqual(Array.from(exact.indices));
    expect(mismatch(approx.distances, exact.distances, 1e-4, 1e-4)).toBe('');
  });

  it('keeps high recall with a few probes on clustered data, and measures it', async () => {
    const n = 2000;
    const d = 8;
    const x = clustered(n, d, 20, 5);
    const r = await measureKnnRecall(x, n, d, 10, { nlist: 40, nprobe: 4, seed: 3, queries: 300 });
    expect(r.queries).toBe(300);
    expect(r.recall).toBeGreaterThan(0.95);
    expect(r.recall).toBeLessThanOrEqual(1);
    // With one probe on unclustered data some true neighbours must be missed: the measure can fail.
    const y = randomMatrix(n, d, 6);
    const poor = await measureKnnRecall(y, n, d, 10, { nlist: 40, nprobe: 1, seed: 3, queries: 300 });
    expect(poor.recall).toBeLessThan(0.9);
  });
});

describe('kNN scores and recall, counted by hand', () => {
  it('a row with no neighbour scores 0, and padding (-1) never counts', () => {
    // Row 0 found nothing; row 1 found row 0 (3 away, another label) and one pad.
    const result = {
      k: 2,
      indices: Int32Array.from([-1, -1, 0, -1]),
      distances: Float32Array.from([0, 0, 3, 9]),
    };
    const s = knnScores(result, Int32Array.from([0, 1]));
    expect(Array.from(s.distance)).toEqual([0, 3]);
    expect(Array.from(s.disagreement)).toEqual([0, 1]);
  });

  it('recall is the share of exact neighbours the approximation found, over every row by default', async () => {
    // Two cells, {0, 1, 2} and {100, 101}, one probed per point, k = 3. Each of 0, 1, 2 finds the other two of its
    // cell and misses 100 (2 of 3); 100 and 101 find each other and miss 2 and 1 (1 of 3): 8 of 15.
    const x = Float32Array.from([0, 1, 2, 100, 101]);
    const t0 = performance.now();
    const poor = await measureKnnRecall(x, 5, 1, 3, { nlist: 2, nprobe: 1, seed: 1 });
    const elapsed = performance.now() - t0;
    expect(poor.queries).toBe(5);
    expect(poor.k).toBe(3);
    expect(poor.recall).toBeCloseTo(8 / 15, 12);
    // The two durations are parts of the call (no time is asserted).
    expect(poor.approximateMs).toBeGreaterThanOrEqual(0);
    expect(poor.exactMs).toBeGreaterThanOrEqual(0);
    expect(poor.approximateMs + poor.exactMs).toBeLessThanOrEqual(elapsed);
    // Both cells probed: exact (on points with no tied neighbours).
    const spread = Float32Array.from([0, 1, 3, 7, 100]);
    const full = await measureKnnRecall(spread, 5, 1, 1, { nlist: 2, nprobe: 2, seed: 1, queries: 4 });
    expect([full.recall, full.queries]).toEqual([1, 4]);
  });

  it('measures recall against an exact search with the same options (normalised rows here)', async () => {
    // Angles 0°, 10°, 40°, 90°, 75° at lengths 1, 10, 1, 10, 1. By angle the nearest of each is 10°, 0°, 10°, 75°,
    // 90°; by raw distance the first row's nearest is the 40° row. Both searches normalise: recall 1.
    const rad = (deg: number) => (deg * Math.PI) / 180;
    const at = (deg: number, r: number) => [r * Math.cos(rad(deg)), r * Math.sin(rad(deg))];
    const x = Float32Array.from([at(0, 1), at(10, 10), at(40, 1), at(90, 10), at(75, 1)].flat());
    const r = await measureKnnRecall(x, 5, 2, 1, { nlist: 1, nprobe: 1, seed: 1, normalize: true });
    expect(r.recall).toBe(1);
  });

  it('counts a wrong neighbour as a miss even when it is the next row’s nearest', async () => {
    // Rows 6, 4, 0, 10, 1, 9 (values), k = 1. Two cells, {0, 1, 4} and {6, 9, 10} (2-means: 4 is 2.33 from 5/3 and
    // 4.33 from 25/3), one probed per row. Row 0 (6) finds row 5 (9) but its nearest is row 1 (4); row 1 (4) finds
    // row 4 (1) but its nearest is row 0 (6); the other four find their nearest: recall 4/6. Row 1's wrong find,
    // row 4, is row 2's nearest, and still counts as a miss.
    const x = Float32Array.from([6, 4, 0, 10, 1, 9]);
    const options = { nlist: 2, nprobe: 1, seed: 1 };
    expect(Array.from((await knnIvf(x, 6, 1, 1, options)).indices)).toEqual([5, 4, 4, 5, 2, 3]);
    const r = await measureKnnRecall(x, 6, 1, 1, options);
    expect(r.recall).toBeCloseTo(4 / 6, 12);
  });
});
