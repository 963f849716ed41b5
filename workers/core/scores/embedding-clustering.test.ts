/**
 * Activation clustering's 2-means against a plain reference written from its description (issue 16, from mutation
 * testing): k-means++ seeding (the first centre drawn uniformly, the second with probability ∝ squared distance to
 * the first), then Lloyd steps (ties to the first centre, an empty cluster keeps its centre), stopping when nothing
 * moves or after `iterations` centre updates; and the best of `restarts` runs by inertia, drawn from one seeded
 * stream. Points on a small integer grid make distance ties common; one Lloyd step leaves local minima, so the
 * restarts matter.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, deriveSeed, type Rng } from '../random';
import { activationClustering, type EmbeddingInput, spectralSignature, twoMeans } from './embedding';
import { gaussian } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Point = number[];

/** One class of rows `dim` wide. */
function oneClass(values: number[], dim: number): EmbeddingInput {
  const samples = values.length / dim;
  return {
    embeddings: Float32Array.from(values),
    samples,
    dim,
    labels: new Int32Array(samples),
    classCount: 1,
  };
}

const dist2 = (x: Point, c: Point) => x.reduce((s, v, j) => s + (v - c[j]) ** 2, 0);

/** The reference 2-means: centres as arrays, assignments as numbers. */
function reference(pts: Point[], rng: Rng, iterations: number) {
  const n = pts.length;
  const first = Math.floor(rng.next() * n);
  const d2 = pts.map((x) => dist2(x, pts[first]));
  const u = rng.next() * d2.reduce((s, v) => s + v, 0);
  // The first point whose running sum of squared distances passes u (the last point when all are at the first).
  let second = n - 1;
  let running = 0;
  for (let i = 0; i < n; i++) {
    running += d2[i];
    if (running > u) {
      second = i;
      break;
    }
  }
  let centres = [[...pts[first]], [...pts[second]]];
  let assign: number[] = new Array(n).fill(0);
  let inertia = 0;
  let step = 0;
  for (; ; step++) {
    const next = pts.map((x) => (dist2(x, centres[1]) < dist2(x, centres[0]) ? 1 : 0));
    inertia = pts.reduce((s, x) => s + Math.min(dist2(x, centres[0]), dist2(x, centres[1])), 0);
    const moved = next.some((k, i) => k !== assign[i]);
    assign = next;
    if (step === iterations || (step > 0 && !moved)) break;
    centres = centres.map((old, k) => {
      const members = pts.filter((_, i) => assign[i] === k);
      if (members.length === 0) return old;
      return old.map((_, j) => members.reduce((s, m) => s + m[j], 0) / members.length);
    });
  }
  return { assign, centres, inertia, first, second, steps: step };
}

function points(values: Float32Array, p: number): Point[] {
  return Array.from({ length: values.length / p }, (_, i) => Array.from(values.subarray(i * p, (i + 1) * p)));
}

/** n points on the grid {0, …, 4}^p (many ties), or Gaussian blobs. */
function grid(n: number, p: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * p }, () => Math.floor(rng.next() * 5));
}

function blobs(n: number, p: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from(
    { length: n * p },
    (_, t) => gaussian(rng) + (Math.floor(t / p) % 3 === 0 ? 6 : 0),
  );
}

describe('twoMeans against the reference', () => {
  it('seeds, assigns, moves and stops as described, on grids with ties and on blobs', () => {
    let seededApart = 0;
    let stoppedEarly = 0;
    for (const make of [grid, blobs]) {
      for (const [n, p] of [
        [5, 1],
        [9, 2],
        [30, 3],
      ]) {
        for (const iterations of [0, 1, 2, 3, 50]) {
          for (let seed = 1; seed <= 6; seed++) {
            const values = make(n, p, seed * 31 + n);
            const got = twoMeans(values, n, p, createRng(seed), iterations);
            const want = reference(points(values, p), createRng(seed), iterations);
            const what = `${make.name} n=${n} p=${p} iterations=${iterations} seed=${seed}`;
            expect(Array.from(got.assign), what).toEqual(want.assign);
            expect(Array.from(got.centres), what).toEqual(want.centres.flat());
            expect(got.inertia, what).toBeCloseTo(want.inertia, 9);
            if (want.second !== want.first) seededApart++;
            if (want.steps < iterations) stoppedEarly++;
          }
        }
      }
    }
    // The cases exercise both seeds and the early stop (asserted so the comparison cannot become vacuous).
    expect(seededApart).toBeGreaterThan(100);
    expect(stoppedEarly).toBeGreaterThan(20);
  });

  it('draws exactly two numbers from the stream per run, so restarts continue one seeded sequence', () => {
    const values = grid(12, 2, 4);
    const rng = createRng(8);
    twoMeans(values, 12, 2, rng, 5);
    const after = rng.next();
    const ref = createRng(8);
    ref.next();
    ref.next();
    expect(after).toBe(ref.next());
  });

  it('never seeds the second centre at the first centre’s place, even when the draw is exactly 0', () => {
    // A stream of zeros: the first centre is row 0; u = 0 · total = 0, and row 1 (a copy of row 0) has probability 0.
    const zeros: Rng = { next: () => 0, int: () => 0 };
    const r = twoMeans(Float32Array.from([5, 5, 1, 9]), 4, 1, zeros, 0);
    expect(Array.from(r.centres)).toEqual([5, 1]);
  });

  it('picks the second centre by squared distance: a point at the first centre is never the second', () => {
    // Four points at 0 and one at 10: whichever point is first, the second is a point at another place.
    const values = Float32Array.from([0, 0, 0, 0, 10]);
    for (let seed = 1; seed <= 40; seed++) {
      const r = twoMeans(values, 5, 1, createRng(seed), 0);
      expect(r.centres[0], `seed ${seed}`).not.toBe(r.centres[1]);
    }
  });
});

describe('activation clustering: the best of the restarts', () => {
  /** One class in one dimension: the projection on its one principal axis is the centred value itself. */
  function referenceScores(
    values: number[],
    params: typeof PARAMS,
    seed: number,
    laterOnTie = false,
  ): number[] {
    const n = values.length;
    let mean = 0;
    for (const v of values) mean += v;
    mean /= n;
    const pts = values.map((v) => [Math.fround(v - mean)]);
    const rng = createRng(deriveSeed(seed, 0));
    let best = reference(pts, rng, params.iterations);
    for (let r = 1; r < params.restarts; r++) {
      const next = reference(pts, rng, params.iterations);
      if (next.inertia < best.inertia || (laterOnTie && next.inertia === best.inertia)) best = next;
    }
    const ones = best.assign.filter((k) => k === 1).length;
    const minority = ones <= n - ones ? 1 : 0;
    const size = minority ? ones : n - ones;
    const out = new Array(n).fill(0);
    if (size === 0 || size >= params.minorityFraction * n) return out;
    let silhouette = 0;
    pts.forEach((x, i) => {
      if (best.assign[i] !== minority) return;
      const a = Math.sqrt(dist2(x, best.centres[minority]));
      const b = Math.sqrt(dist2(x, best.centres[1 - minority]));
      silhouette += Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
    });
    for (let i = 0; i < n; i++) if (best.assign[i] === minority) out[i] = silhouette / size;
    return out;
  }

  const PARAMS = { dims: 10, minorityFraction: 0.45, restarts: 3, iterations: 1 };

  it('matches the reference for one, three and six restarts of one Lloyd step', async () => {
    // Three groups (0–2, 7–8, 20): one Lloyd step from a poor seed keeps a poor split, another restart finds a better.
    const values = [0, 1, 2, 0, 1, 2, 7, 8, 7, 20, 21, 0.5];
    const input = oneClass(values, 1);
    let restartsMattered = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const scores: number[][] = [];
      for (const restarts of [1, 3, 6]) {
        const params = { ...PARAMS, restarts };
        const got = Array.from(await activationClustering(input, params, seed));
        const want = referenceScores(values, params, seed);
        for (let i = 0; i < values.length; i++)
          expect(got[i], `seed ${seed} restarts ${restarts} row ${i}`).toBeCloseTo(want[i], 5);
        scores.push(want);
      }
      if (scores[0].some((v, i) => v !== scores[1][i] || v !== scores[2][i])) restartsMattered++;
    }
    expect(restartsMattered).toBeGreaterThan(0);
  });

  it('keeps the first of two splits of equal inertia', async () => {
    // −8, seven 0s and 8: singling out −8 or 8 leaves {0 × 7, ±8} with centre ±1, inertia 7 + 49 = 56 either way
    // (exact in floating point), the best split. Each restart singles out one of the two; the first found is kept.
    const values = [-8, 0, 0, 0, 0, 0, 0, 0, 8];
    const input = oneClass(values, 1);
    const params = { ...PARAMS, minorityFraction: 0.35, restarts: 4, iterations: 50 };
    let tiesMattered = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const got = Array.from(await activationClustering(input, params, seed));
      const want = referenceScores(values, params, seed);
      expect(got, `seed ${seed}`).toEqual(want);
      // The flagged row scores (b − 0) / b = 1, the others 0.
      expect(want.filter((v) => v === 1)).toHaveLength(1);
      if (referenceScores(values, params, seed, true).some((v, i) => v !== want[i])) tiesMattered++;
    }
    expect(tiesMattered).toBeGreaterThan(0);
  });
});

describe('a split that is no minority', () => {
  it('scores every row 0 when the smaller cluster holds 35% of the class or more', async () => {
    // Four rows at 0 and four at 10 split 4 / 4; three at 0 and five at 10 split 3 / 5 (3 ≥ 0.35 × 8 = 2.8).
    for (const values of [
      [0, 0, 0, 0, 10, 10, 10, 10],
      [0, 0, 0, 10, 10, 10, 10, 10],
    ]) {
      const got = await activationClustering(
        oneClass(values, 1),
        { dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 },
        1,
      );
      expect(Array.from(got)).toEqual(new Array(8).fill(0));
    }
  });
});

describe('the smallest classes that are scored', () => {
  it('spectral: a class of two members, (0, 0) and (2, 0), scores ((h − μ)·v)² = 1 each, normalised or not', async () => {
    const input = oneClass([0, 0, 2, 0], 2);
    for (const normalize of [false, true]) {
      const got = await spectralSignature(input, { iterations: 100, normalize }, 1);
      expect(got[0]).toBeCloseTo(1, 6);
      expect(got[1]).toBeCloseTo(1, 6);
    }
  });

  it('activation clustering: a class of four members with one far away flags that one', async () => {
    // 0, 0.1, 0.2 and 10: the minority {10} is its own centre (a = 0), so its silhouette is (b − 0) / b = 1
    const input = oneClass([0, 0.1, 0.2, 10], 1);
    const got = await activationClustering(
      input,
      { dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 },
      1,
    );
    expect(Array.from(got.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(got[3]).toBeCloseTo(1, 6);
  });
});
