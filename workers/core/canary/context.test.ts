/**
 * What the canary kinds read from the analyst's rows (issue 16, from a mutation run): feature statistics counted by
 * hand, the image shape, rows by class, class draws, other classes, fresh rows and the normal stream, each on tables
 * small enough to check every number.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import {
  type CanaryContext,
  type CanarySource,
  canaryContext,
  confusedPairs,
  drawClass,
  featureStats,
  freshRow,
  imageShapeOf,
  normal,
  otherClass,
  pixelValues,
  populatedClasses,
} from './context';

const source = (columns: number[][], labels: number[], classCount: number): CanarySource => {
  const f = columns.length;
  const n = labels.length;
  const features = Float32Array.from({ length: n * f }, (_, k) => columns[k % f]?.[Math.floor(k / f)] ?? 0);
  return { features, featureCount: f, labels: Int32Array.from(labels), classCount };
};
const list = (a: Float64Array) => Array.from(a);

describe('featureStats', () => {
  it('mean, population std, min, max and the 0.5th, 50th and 99.5th percentiles of each feature', () => {
    // Feature 0: 1, 2, 3, 10 (mean 4, variance (9 + 4 + 1 + 36) / 4 = 12.5); feature 1: constant 5. With 4 rows the
    // percentiles are positions round(0.015) = 0, round(1.5) = 2 and round(2.985) = 3 of the sorted column.
    const stats = featureStats(
      source(
        [
          [1, 2, 3, 10],
          [5, 5, 5, 5],
        ],
        [0, 0, 1, 1],
        2,
      ),
      1,
    );
    expect(list(stats.mean)).toEqual([4, 5]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(stats.std[1]).toBe(0);
    expect(list(stats.min)).toEqual([1, 5]);
    expect(list(stats.max)).toEqual([10, 5]);
    expect(list(stats.low)).toEqual([1, 5]);
    expect(list(stats.median)).toEqual([3, 5]);
    expect(list(stats.high)).toEqual([10, 5]);
  });

  it('every statistic 0 for a table with no rows', () => {
    const stats = featureStats(source([[], [], []], [], 2), 1);
    for (const key of ['mean', 'std', 'min', 'max', 'low', 'median', 'high'] as const) {
      expect(list(stats[key])).toEqual([0, 0, 0]);
    }
  });

  it('percentiles from every row up to 4,000 rows, and from a sample spread over all rows above', () => {
    // Values 0..3999: positions round(19.995) = 20, round(1999.5) = 2000 and round(3979.005) = 3979.
    const column = (n: number) => source([Array.from({ length: n }, (_, i) => i)], new Array(n).fill(0), 1);
    const exact = featureStats(column(4000), 1);
    expect([exact.low[0], exact.median[0], exact.high[0]]).toEqual([20, 2000, 3979]);
    expect(exact.mean[0]).toBe(1999.5);
    expect(exact.std[0]).toBeCloseTo(Math.sqrt((4000 ** 2 - 1) / 12), 6);
    // 8,000 rows: 4,000 drawn from all of them, so the median is near 4,000 (its spread is about 63), not 2,000.
    const sampled = featureStats(column(8000), 1);
    expect(sampled.median[0]).toBeGreaterThan(3700);
    expect(sampled.median[0]).toBeLessThan(4300);
    expect(sampled.high[0]).toBeGreaterThan(7800);
    expect(sampled.low[0]).toBeLessThan(200);
  });
});

describe('the image shape', () => {
  it('a square feature count of at least 4 × 4 is one channel; a given shape must hold every feature', () => {
    expect(imageShapeOf(16, null, true)).toEqual({ height: 4, width: 4, channels: 1 });
    expect(imageShapeOf(9, null, true)).toBeNull();
    expect(imageShapeOf(15, null, true)).toBeNull();
    expect(imageShapeOf(12, { height: 2, width: 2, channels: 3 }, false)).toEqual({
      height: 2,
      width: 2,
      channels: 3,
    });
    expect(() => imageShapeOf(12, { height: 2, width: 2, channels: 2 }, false)).toThrow(
      'Canaries: an image of 2×2×2 has 8 values, but the rows have 12 features.',
    );
    // A square count of values that are not pixels is a table.
    expect(imageShapeOf(16, null, false)).toBeNull();
  });

  it('reads values as pixels from 0 to 1, or as whole numbers from 0 to 255', () => {
    expect(pixelValues(1, { min: 0, max: 255 })).toBe(true);
    expect(pixelValues(1, { min: 0, max: 16 })).toBe(true);
    expect(pixelValues(0.001, { min: 0, max: 1 })).toBe(true);
    expect(pixelValues(null, { min: 0.2, max: 0.8 })).toBe(true);
    expect(pixelValues(1, { min: 0, max: 256 })).toBe(false);
    expect(pixelValues(1, { min: -1, max: 16 })).toBe(false);
    expect(pixelValues(0.1, { min: 0, max: 16 })).toBe(false);
    expect(pixelValues(null, { min: -0.5, max: 0.5 })).toBe(false);
    expect(pixelValues(0.001, { min: 0, max: 1.001 })).toBe(false);
  });
});

describe('classes', () => {
  // Class 0 holds row 1, class 1 rows 0, 2 and 3, class 2 nothing. Built in each test (beforeEach), so a mutation
  // run's mutant is switched on while it is built.
  let ctx: CanaryContext;
  beforeEach(() => {
    ctx = canaryContext(source([[0, 10, 20, 30]], [1, 0, 1, 1], 3), null, 1);
  });

  it('lists the rows of each class in order, and the range of every value', () => {
    expect(ctx.classRows.map((r) => Array.from(r))).toEqual([[1], [0, 2, 3], []]);
    expect(populatedClasses(ctx)).toEqual([0, 1]);
    expect(ctx.range).toEqual({ min: 0, max: 30 });
  });

  it('draws a class in proportion to its rows, among the allowed ones', () => {
    // Class 0 has 1 row of 4: drawn when the uniform draw × 4 falls below 1.
    for (let seed = 0; seed < 40; seed++) {
      const u = createRng(seed).next();
      expect(drawClass(ctx, createRng(seed))).toBe(u * 4 < 1 ? 0 : 1);
      expect(drawClass(ctx, createRng(seed), [1])).toBe(1);
    }
    expect(() => drawClass(ctx, createRng(1), [2])).toThrow('Canaries: no class has rows to draw from.');
  });

  it('picks another class among the populated ones, or among all when only one has rows', () => {
    const rng = createRng(3);
    for (let t = 0; t < 20; t++) expect(otherClass(ctx, 0, rng)).toBe(1);
    const lone = canaryContext(source([[1, 2]], [0, 0], 3), null, 1);
    const seen = new Set(Array.from({ length: 40 }, () => otherClass(lone, 0, rng)));
    expect(seen).toEqual(new Set([1, 2]));
    const single = canaryContext(source([[1, 2]], [0, 0], 1), null, 1);
    expect(otherClass(single, 0, rng)).toBe(0);
  });

  it('makes a fresh row 15-35% of the way from a row of the class toward another of it', () => {
    const out = new Float32Array(1);
    expect(() => freshRow(ctx, 2, createRng(1), out)).toThrow('Canaries: class 2 has no rows.');
    // A class of one row: the fresh row is that row.
    expect(freshRow(ctx, 0, createRng(1), out)).toBe(1);
    expect(out[0]).toBe(10);
    // Two rows, 0 and 100, in class 0: the fresh row lies 15-35 from the one it started from.
    const pair = canaryContext(source([[0, 100, 7]], [0, 0, 1], 2), null, 1);
    const moved = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      const base = freshRow(pair, 0, createRng(seed), out);
      const start = base === 0 ? 0 : 100;
      const step = Math.abs((out[0] as number) - start);
      expect(step).toBeGreaterThanOrEqual(15 - 1e-4);
      expect(step).toBeLessThanOrEqual(35 + 1e-4);
      moved.add(base);
    }
    expect(moved).toEqual(new Set([0, 1]));
  });
});

describe('normal draws', () => {
  it('have mean 0 and standard deviation 1', () => {
    const rng = createRng(11);
    const draws = Array.from({ length: 20_000 }, () => normal(rng));
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    // Symmetric: as many below -1 as above 1 (15.9% each), within sampling error.
    const below = draws.filter((v) => v < -1).length / draws.length;
    const above = draws.filter((v) => v > 1).length / draws.length;
    expect(below).toBeCloseTo(0.159, 1);
    expect(above).toBeCloseTo(0.159, 1);
  });
});

describe('fresh rows and confused pairs, counted by hand', () => {
  it('move toward the nearest classmate on standardised features (a constant feature counts as scale 1)', () => {
    // Feature 0: 0, 2, 0, 100 (std ≈ 43); feature 1: 0, 0, 1, 0 (std ≈ 0.43); feature 2 constant. In raw units row 0
    // is nearer row 2 (1 apart) than row 1 (2 apart); standardised, row 1 (2 / 43) is far nearer than row 2 (1 / 0.43).
    const ctx = canaryContext(
      source(
        [
          [0, 2, 0, 100],
          [0, 0, 1, 0],
          [5, 5, 5, 5],
        ],
        [0, 0, 0, 0],
        1,
      ),
      null,
      1,
    );
    const nearest = [1, 0, 0, 1];
    const rows = [
      [0, 0, 5],
      [2, 0, 5],
      [0, 1, 5],
      [100, 0, 5],
    ];
    const out = new Float32Array(3);
    const bases = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const base = freshRow(ctx, 0, createRng(seed), out);
      bases.add(base);
      const from = rows[base] as number[];
      const to = rows[nearest[base] as number] as number[];
      // out = from + λ (to − from), λ in [0.15, 0.35], in every feature.
      const j = from[0] !== to[0] ? 0 : 1;
      const lambda = ((out[j] as number) - (from[j] as number)) / ((to[j] as number) - (from[j] as number));
      expect(lambda).toBeGreaterThanOrEqual(0.15 - 1e-6);
      expect(lambda).toBeLessThanOrEqual(0.35 + 1e-6);
      for (let k = 0; k < 3; k++) {
        expect(out[k]).toBeCloseTo(
          (from[k] as number) + lambda * ((to[k] as number) - (from[k] as number)),
          4,
        );
      }
    }
    expect(bases).toEqual(new Set([0, 1, 2, 3]));
  });

  it('confused pairs: by the mean ratio of a row’s distance to its own centroid and to the other’s', () => {
    // Class 0: 0, 1, 2 (centroid 1); class 1: 4, 8 (centroid 6); class 2: 20, 24 (centroid 22); class 3 empty.
    // Mean over a class's rows of d(own) / d(other):
    //   1→0 (2/3 + 2/7) / 2 = 0.476; 0→1 (1/6 + 0 + 1/4) / 3 = 0.139; 1→2 (2/17 + 2/13) / 2 = 0.136;
    //   2→1 (2/14 + 2/18) / 2 = 0.127; 2→0 (2/19 + 2/23) / 2 = 0.096; 0→2 (1/21 + 0 + 1/19) / 3 = 0.033.
    const ctx = canaryContext(source([[0, 1, 2, 4, 8, 20, 24]], [0, 0, 0, 1, 1, 2, 2], 4), null, 1);
    expect(confusedPairs(ctx, 1)).toEqual([
      { from: 1, to: 0 },
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 1 },
      { from: 2, to: 0 },
      { from: 0, to: 2 },
    ]);
  });
});
