import { beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { classFeatureStats, pushOrder, rowDeviation } from './feature-evidence';

/** A standard normal draw (Box–Muller). */
function normal(rng: ReturnType<typeof createRng>): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n rows × 2 features: x ~ N(0, 1), y = x + small noise (correlated), and one constant third feature. */
function correlated(n: number, seed: number) {
  const rng = createRng(seed);
  const features = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const x = normal(rng);
    features[3 * i] = x;
    features[3 * i + 1] = x + 0.3 * normal(rng);
    features[3 * i + 2] = 5;
  }
  return features;
}

describe('feature evidence', () => {
  const n = 400;
  const features = correlated(n, 3);
  const members = Int32Array.from({ length: n }, (_, i) => i);
  // Built in beforeEach, not when the file is collected: Stryker switches a mutant on only while tests run.
  let stats: ReturnType<typeof classFeatureStats>;
  beforeEach(() => {
    stats = classFeatureStats(features, 3, members);
  });

  it('reads the class mean, std and which features vary', () => {
    expect([...stats.varying]).toEqual([0, 1]);
    expect(stats.std[2]).toBe(0);
    expect(stats.shrinkage).toBeGreaterThanOrEqual(0);
    expect(stats.shrinkage).toBeLessThan(0.2);
    expect(stats.distances?.length).toBe(n);
  });

  it('splits the Mahalanobis distance into shares that sum to 1', () => {
    const d = rowDeviation(stats, features, 3, 7);
    const shares = d.features.map((f) => f.share ?? 0);
    expect(shares[0] + shares[1]).toBeCloseTo(1, 10);
    expect(shares[2]).toBe(0);
    expect(d.features[2]?.z).toBe(0);
  });

  it('matches a direct 2 × 2 computation of the distance', () => {
    const row = 11;
    const d = rowDeviation(stats, features, 3, row);
    const z = [0, 1].map(
      (j) => ((features[3 * row + j] as number) - (stats.mean[j] as number)) / (stats.std[j] as number),
    );
    // The correlation r of the scaled features, shrunk: Σ = [[1, (1-α) r], [(1-α) r, 1]] (unit variances).
    let r = 0;
    for (const i of members)
      r +=
        (((features[3 * i] as number) - (stats.mean[0] as number)) / (stats.std[0] as number)) *
        (((features[3 * i + 1] as number) - (stats.mean[1] as number)) / (stats.std[1] as number));
    r = ((1 - stats.shrinkage) * r) / n;
    const [a, b] = z as [number, number];
    const d2 = (a * a - 2 * r * a * b + b * b) / (1 - r * r);
    expect(d.distance).toBeCloseTo(Math.sqrt(d2), 5);
  });

  it('puts a row that breaks the correlation far out, carried by the feature that breaks it', () => {
    // x typical, y far above what x predicts: neither is extreme alone, together they are.
    const f = new Float32Array(features);
    f[0] = 0.1;
    f[1] = 1.6;
    const s = classFeatureStats(f, 3, members);
    const d = rowDeviation(s, f, 3, 0);
    expect(Math.abs(d.features[1]?.z ?? 0)).toBeLessThan(2);
    expect(d.distancePercentile).toBeGreaterThan(0.99);
    expect(pushOrder(d)[0]).toBe(1);
    expect(d.features[0]?.share).toBeLessThan(0);
  });

  it('ranks a value within its class with ties counted half', () => {
    const f = Float32Array.from([1, 2, 2, 3, 10].flatMap((v) => [v, 0, 0]));
    const s = classFeatureStats(f, 3, Int32Array.from([0, 1, 2, 3, 4]));
    const d = rowDeviation(s, f, 3, 1);
    expect(d.features[0]?.percentile).toBeCloseTo((1 + 2 / 2) / 5, 10);
    expect(rowDeviation(s, f, 3, 4).features[0]?.percentile).toBeCloseTo(0.9, 10);
  });

  it('marks a feature constant in the class but different in the row as off the class', () => {
    const f = Float32Array.from([0, 1, 5, 1, 1, 5, 2, 2, 5, 3, 1, 9].map((v) => v));
    // Row 3 is left out of the class: its third feature (9) differs from the class's constant 5.
    const s = classFeatureStats(f, 3, Int32Array.from([0, 1, 2]));
    const d = rowDeviation(s, f, 3, 3);
    expect(d.features[2]?.z).toBe(Infinity);
  });
});
