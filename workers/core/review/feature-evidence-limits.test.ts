/**
 * The limits of feature evidence's Mahalanobis part, whose tests factor 512 features or scatter 5e7 products (1-2 s
 * here): the feature cap and the work cap of the class's own distances (issue 16). Kept out of the mutation runs'
 * test files for their cost; their mutants were applied by hand (docs/mutation.md, ninth round).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { classFeatureStats, rowDeviation } from './feature-evidence';

describe('feature evidence limits', () => {
  it('factors up to 512 varying features and refuses 513 in words', () => {
    const rng = createRng(7);
    const rows = (f: number) => Float32Array.from({ length: 4 * f }, () => rng.next());
    const members = Int32Array.from([0, 1, 2, 3]);
    const at512 = classFeatureStats(rows(512), 512, members);
    expect(at512.skipped).toBeNull();
    expect(at512.distances?.length).toBe(4);
    expect(classFeatureStats(rows(513), 513, members).skipped).toBe(
      '513 varying features is more than the 512 this view factors',
    );
  });

  it('computes the class’s own distances up to 5e7 rows × features², none beyond, nor a percentile', () => {
    // 20,000 rows × 50² = 5e7 exactly: computed. One row more: not computed.
    const rng = createRng(5);
    const f = 50;
    const features = Float32Array.from({ length: 20_001 * f }, () => rng.next());
    const at = classFeatureStats(
      features,
      f,
      Int32Array.from({ length: 20_000 }, (_, i) => i),
    );
    expect(at.distances?.length).toBe(20_000);
    const over = classFeatureStats(
      features,
      f,
      Int32Array.from({ length: 20_001 }, (_, i) => i),
    );
    expect([over.skipped, over.distances]).toEqual([null, null]);
    const d = rowDeviation(over, features, f, 0);
    expect(d.distance).toBeGreaterThan(0);
    expect(d.distancePercentile).toBeNull();
  });
});
