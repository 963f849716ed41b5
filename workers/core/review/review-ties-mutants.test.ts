/**
 * The last survivors of `review/` (issue 16, twenty-fourth round), each applied by hand: a tie in pca2d's sign rule,
 * a point exactly on a lasso edge, and feature evidence's tolerance for a feature constant in its class. Expected
 * values are worked by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { classFeatureStats, rowDeviation } from './feature-evidence';
import { pointInPolygon } from './geometry';
import { pca2d } from './pca';

describe('pca2d sign rule on a tie', () => {
  it('breaks a tie of magnitudes by the first index: the axis (1, −1)/√2 keeps its first entry positive', () => {
    // Rows on the line y = −x, mean 0: the covariance is [[10, −10], [−10, 10]], of rank 1, so one product with any
    // start (a, b), a ≠ b, gives 20·(a − b, b − a): two entries of exactly equal magnitude. The sign rule takes the
    // first as the largest, so the axis is (1, −1)/√2 and a row (x, −x) projects to x·√2.
    const rows = [1, -1, -1, 1, 2, -2, -2, 2];
    const out = pca2d(Float32Array.from(rows), 4, 2);
    const first = [0, 1, 2, 3].map((i) => out[i * 2] as number);
    const expected = [1, -1, 2, -2].map((x) => Math.fround(x * Math.SQRT2));
    expect(first).toEqual(expected);
  });
});

describe('pointInPolygon on an edge or at a vertex’s height', () => {
  // The even-odd test with `>` on both ends' heights and `<` on the crossing is half-open: a point on a left or bottom
  // edge of the square [0, 2]² is inside, one on a right or top edge outside, whichever way the square is walked.
  const ccw = [0, 0, 2, 0, 2, 2, 0, 2];
  const cw = [0, 0, 0, 2, 2, 2, 2, 0];
  const cases: [number, number, boolean][] = [
    [1, 0, true], // bottom edge
    [1, 2, false], // top edge
    [0, 1, true], // left edge
    [2, 1, false], // right edge
    [0, 0, true], // bottom-left corner
    [2, 0, false], // bottom-right corner
    [0, 2, false], // top-left corner
    [2, 2, false], // top-right corner
    [1, 1, true],
  ];
  for (const [name, polygon] of [
    ['anticlockwise', ccw],
    ['clockwise', cw],
  ] as const) {
    it(`counts the square’s edges half-open, walked ${name}`, () => {
      expect(cases.map(([x, y]) => pointInPolygon(x, y, polygon))).toEqual(cases.map((c) => c[2]));
    });
  }

  it('counts a point at two vertices’ height once per side', () => {
    // The diamond (1, 0), (2, 1), (1, 2), (0, 1): y = 1 is the height of its left and right vertices. Only the edges
    // leaving y = 1 upwards count (their lower end is at or below 1, the upper above), one on each side: (0.5, 1) and
    // (1.5, 1) lie between them, inside; (−1, 1) and (3, 1) have both or none of them to the right, outside.
    const diamond = [1, 0, 2, 1, 1, 2, 0, 1];
    const reversed = [0, 1, 1, 2, 2, 1, 1, 0];
    for (const polygon of [diamond, reversed]) {
      expect([-1, 0.5, 1.5, 3].map((x) => pointInPolygon(x, 1, polygon))).toEqual([false, true, true, false]);
    }
  });
});

describe('feature evidence: a feature constant in its class, relative to 1', () => {
  it('counts a feature as constant when its std is at most 1e-12, however small its mean', () => {
    // Values 0 and 1e-13 (as float32, v): mean v/2, std v/2 ≈ 5e-14, at most 1e-12 · max(1, |mean|) = 1e-12, so
    // constant (std 0, not varying); the second feature, 0 and 1, varies. A tolerance of 1e-12 · min(1, |mean|)
    // (≈ 5e-26) would count the first as varying.
    const v = Math.fround(1e-13);
    const features = Float32Array.from([0, 0, v, 1, 0, 0, v, 1]);
    const stats = classFeatureStats(features, 2, Int32Array.from([0, 1, 2, 3]));
    expect(Array.from(stats.varying)).toEqual([1]);
    expect(stats.std[0]).toBe(0);
    expect(stats.std[1]).toBe(0.5);
  });

  it('gives z 0 to a row within 1e-12 of a constant class value, even a value far below 1', () => {
    // The class is constant at 0 on feature 0; the row's value 1e-13 is off it by 1e-13 ≤ 1e-12 · max(1, 1e-13), so
    // z is 0. A tolerance of 1e-12 · min(1, |v|) ≈ 1e-25 would give +∞. A row at 1e-11 is off it: +∞.
    const v = Math.fround(1e-13);
    const far = Math.fround(1e-11);
    const features = Float32Array.from([0, 0, 0, 1, 0, 2, v, 0, far, 0]);
    const stats = classFeatureStats(features, 2, Int32Array.from([0, 1, 2]));
    expect(rowDeviation(stats, features, 2, 3).features[0]?.z).toBe(0);
    expect(rowDeviation(stats, features, 2, 4).features[0]?.z).toBe(Infinity);
  });
});
