/**
 * Feature evidence on classes small enough to work out by hand, the rules that skip the Mahalanobis part, and the order
 * of the pushing features (issue 16: the mutation run left these unchecked by feature-evidence.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { ledoitWolfShrinkage } from '../scores/embedding';
import { classFeatureStats, type FeatureDeviation, pushOrder, rowDeviation } from './feature-evidence';

/**
 * Five rows of (x, y, 5): (0, 0) at the class mean, then (1, 2), (−1, −2), (2, −1), (−2, 1). Both features have mean
 * 0 and variance 2, they are uncorrelated (1·2 + 1·2 − 2·1 − 2·1 = 0), so the shrunk correlation matrix is the
 * identity and a row's squared distance is z_x² + z_y²: 0.5 + 2 = 2.5 for every row but the first.
 */
const square = Float32Array.from([0, 0, 5, 1, 2, 5, -1, -2, 5, 2, -1, 5, -2, 1, 5]);
// Listed out of order, so the class's distances are sorted by the code, not by the list.
const squareMembers = Int32Array.from([1, 2, 0, 3, 4]);

describe('feature evidence worked by hand', () => {
  it('gives each feature its z and its share of the distance, 0 for a constant feature', () => {
    const stats = classFeatureStats(square, 3, squareMembers);
    expect([...stats.varying]).toEqual([0, 1]);
    const d = rowDeviation(stats, square, 3, 1);
    expect(d.features.length).toBe(3);
    expect(d.features[0]?.z).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(d.features[1]?.z).toBeCloseTo(2 / Math.SQRT2, 12);
    expect(d.features[2]?.z).toBe(0);
    expect(d.features[0]?.share).toBeCloseTo(0.2, 6);
    expect(d.features[1]?.share).toBeCloseTo(0.8, 6);
    expect(d.features[2]?.share).toBe(0);
    expect(d.distance).toBeCloseTo(Math.sqrt(2.5), 6);
    // One row of five (the one at the mean) lies strictly closer.
    expect(d.distancePercentile).toBe(0.2);
  });

  it('keeps the class’s own distances sorted, and gives a row at the mean no shares and percentile 0', () => {
    const stats = classFeatureStats(square, 3, squareMembers);
    const distances = [...(stats.distances ?? [])];
    expect(distances.length).toBe(5);
    expect(distances[0]).toBeCloseTo(0, 12);
    for (const x of distances.slice(1)) expect(x).toBeCloseTo(Math.sqrt(2.5), 6);
    const atMean = rowDeviation(stats, square, 3, 0);
    expect(atMean.distance).toBe(0);
    expect(atMean.distancePercentile).toBe(0);
    expect(atMean.features.map((f) => f.share)).toEqual([null, null, null]);
  });

  it('skips the distance for fewer than 3 rows or no varying feature, and says why', () => {
    const two = classFeatureStats(square, 3, Int32Array.from([1, 2]));
    expect([two.skipped, two.chol, two.distances]).toEqual([
      'the class has too few rows or no varying feature',
      null,
      null,
    ]);
    const d = rowDeviation(two, square, 3, 3);
    expect([d.distance, d.distancePercentile, d.features.map((f) => f.share)]).toEqual([
      null,
      null,
      [null, null, null],
    ]);
    // Rows (1, 2) and (−1, −2): mean 0, standard deviations 1 and 2; row 3 is (2, −1).
    expect(d.features.map((f) => f.z)).toEqual([2, -0.5, 0]);
    const constant = classFeatureStats(
      Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1]),
      3,
      Int32Array.from([0, 1, 2]),
    );
    expect(constant.skipped).toBe('the class has too few rows or no varying feature');
    const three = classFeatureStats(square, 3, Int32Array.from([1, 2, 3]));
    expect(three.skipped).toBeNull();
    expect(three.chol).not.toBeNull();
  });

  it('feeds Ledoit–Wolf the scaled rows’ full scatter and fourth moment', () => {
    // x ~ N(0, 1), y = x + noise, z = x − y + noise: correlated both ways, so the scatter is not symmetric by chance.
    const rng = createRng(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const n = 60;
    const features = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const x = gauss();
      const y = x + 0.5 * gauss();
      features.set([x, y, x - y + 0.3 * gauss()], 3 * i);
    }
    const stats = classFeatureStats(
      features,
      3,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    // The reference: population mean and deviation per feature, then the scaled rows z, S = Σ z zᵀ, Σ |z|⁴.
    const mean = [0, 1, 2].map((j) => features.filter((_, k) => k % 3 === j).reduce((s, v) => s + v, 0) / n);
    const std = [0, 1, 2].map((j) =>
      Math.sqrt(
        features.filter((_, k) => k % 3 === j).reduce((s, v) => s + (v - (mean[j] as number)) ** 2, 0) / n,
      ),
    );
    const scatter = new Float64Array(9);
    let fourth = 0;
    for (let i = 0; i < n; i++) {
      const z = [0, 1, 2].map(
        (j) => ((features[3 * i + j] as number) - (mean[j] as number)) / (std[j] as number),
      );
      fourth += z.reduce((s, v) => s + v * v, 0) ** 2;
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) scatter[3 * a + b] += (z[a] as number) * (z[b] as number);
    }
    const expected = ledoitWolfShrinkage(scatter, 3, n, fourth);
    expect(expected).toBeGreaterThan(0);
    expect(stats.shrinkage).toBeCloseTo(expected, 9);
  });
});

describe('pushOrder', () => {
  const order = (features: Array<Pick<FeatureDeviation, 'share' | 'z'>>) => [
    ...pushOrder({
      features: features.map((x) => ({ ...x, percentile: 0.5 })),
      distance: null,
      distancePercentile: null,
    }),
  ];

  it('orders by share of the distance when there is one, else by |z|', () => {
    expect(
      order([
        { share: 0.2, z: 5 },
        { share: 0.7, z: 1 },
        { share: 0.1, z: -9 },
      ]),
    ).toEqual([1, 0, 2]);
    expect(
      order([
        { share: null, z: 1 },
        { share: null, z: -3 },
        { share: null, z: 2 },
      ]),
    ).toEqual([1, 2, 0]);
  });

  it('breaks equal shares by |z|, then by feature order', () => {
    expect(
      order([
        { share: 0.5, z: 1 },
        { share: 0.5, z: -3 },
      ]),
    ).toEqual([1, 0]);
    expect(
      order([
        { share: 0.25, z: 2 },
        { share: 0.25, z: -2 },
        { share: 0.25, z: 2 },
        { share: 0.25, z: 1 },
      ]),
    ).toEqual([0, 1, 2, 3]);
  });
});
