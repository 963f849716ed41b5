/**
 * The canary kinds on value ranges that do not start at 0 and on features whose spread is not 1 (issue 16, from the
 * survivors of the sixth mutation round): where `max - min` and `max + min`, `median - low` and `median + low`, or a
 * scale by the std and by its inverse would agree. Every expected range and scale is counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type CanarySource, canaryContext } from './context';
import { blendTrigger, featureTrigger, outlier } from './kinds';

/** `n` rows of `f` features; row i is class i % 3 and every feature of it is `levels[class]`. */
function levelled(n: number, f: number, levels: readonly number[]): CanarySource {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const features = Float32Array.from(
    { length: n * f },
    (_, k) => levels[labels[Math.floor(k / f)] as number] as number,
  );
  return { features, featureCount: f, labels, classCount: 3 };
}

describe('ranges that do not start at 0', () => {
  it('blend a pattern drawn over the pixel range [2, 4], not [2, 8]', () => {
    // 8 × 8 images of 3, one pixel 2 and one 4: the range is [2, 4]; x′ = (1 − α) 3 + α p with p in [2, 4].
    const src = levelled(30, 64, [3, 3, 3]);
    src.features[0] = 2;
    src.features[64 + 1] = 4;
    const ctx = canaryContext(src, null, 1);
    const out = blendTrigger(ctx, 4, createRng(2));
    const alpha = out.params.alpha as number;
    const pattern: number[] = [];
    for (let j = 2; j < 64; j++) pattern.push(((out.features[j] as number) - (1 - alpha) * 3) / alpha);
    for (const p of pattern) {
      expect(p).toBeGreaterThanOrEqual(2 - 1e-3);
      expect(p).toBeLessThanOrEqual(4 + 1e-3);
    }
    // 62 uniform draws spread over most of the range.
    expect(Math.max(...pattern) - Math.min(...pattern)).toBeGreaterThan(1.5);
  });

  it('draw uniform outliers over each feature’s range [10, 13]', () => {
    const ctx = canaryContext(levelled(30, 5, [10, 11, 13]), null, 1);
    const out = outlier(ctx, 30, createRng(3));
    const values: number[] = [];
    for (let i = 0; i < 30; i += 3) values.push(...out.features.subarray(i * 5, i * 5 + 5));
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(10);
      expect(v).toBeLessThanOrEqual(13);
    }
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(2);
  });

  it('put a trigger at the rarer end measured from the median, and push it by up to half a std', () => {
    // Feature 4 is 5 + (0.10137 i)² for i = 0..29 (off any grid): low 5 (position 0), median 7.312 (position
    // round(14.5) = 15), high 13.642 (position 29). The high end lies 6.33 above the median, the low end 2.31 below:
    // the high end is the rarer one (measured from 0, the low end would seem 12.31 away). The other features are 1.
    const src = levelled(30, 6, [1, 1, 1]);
    const at = (i: number) => Math.fround(5 + (0.10137 * i) ** 2);
    for (let i = 0; i < 30; i++) src.features[i * 6 + 4] = at(i);
    let mean = 0;
    for (let i = 0; i < 30; i++) mean += at(i) / 30;
    let variance = 0;
    for (let i = 0; i < 30; i++) variance += (at(i) - mean) ** 2 / 30;
    const std = Math.sqrt(variance);
    const high = at(29);
    const ctx = canaryContext(src, null, 1);
    const pushes: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const out = featureTrigger(ctx, 2, createRng(seed));
      expect(out.params.features).toEqual([4]);
      const v = out.features[4] as number;
      expect(v).toBeGreaterThanOrEqual(high - 1e-5);
      pushes.push((v - high) / std);
    }
    // Half the draws stay at the percentile; the others go 0.5 u std further, u uniform in [0, 1).
    expect(pushes.filter((p) => p < 1e-6).length).toBeGreaterThan(3);
    expect(Math.max(...pushes)).toBeLessThanOrEqual(0.5 + 1e-5);
    expect(Math.max(...pushes)).toBeGreaterThan(0.25);
  });
});

describe('the second outlier style', () => {
  it('adds noise of s std, s from 1 to 4, to a fresh row', () => {
    // 400 features, classes at 10, 11 and 13 (ten rows each): every feature has mean 34/3 and std √(14/9) = 1.247,
    // and a fresh row of a class is its level exactly. A style-1 row (i % 3 = 1) is level + s · std · z, z standard
    // normal: the root mean square of its 400 offsets over the std is s within about ±15%.
    const levels = [10, 11, 13];
    const ctx = canaryContext(levelled(30, 400, levels), null, 1);
    const std = Math.sqrt(14 / 9);
    const out = outlier(ctx, 60, createRng(5));
    const scales: number[] = [];
    for (let i = 1; i < 60; i += 3) {
      const level = levels[(out.sources[i] as number) % 3] as number;
      let sq = 0;
      for (let j = 0; j < 400; j++) sq += ((out.features[i * 400 + j] as number) - level) ** 2;
      scales.push(Math.sqrt(sq / 400) / std);
    }
    for (const s of scales) {
      expect(s).toBeGreaterThan(0.8);
      expect(s).toBeLessThan(4.7);
    }
    expect(Math.min(...scales)).toBeLessThan(1.6);
    expect(Math.max(...scales)).toBeGreaterThan(3.2);
  });

  it('and the third scales a fresh row 1.5 to 4 times away from the mean, never less', () => {
    // Style 2 (i % 3 = 2): mean + s (level − mean) in every feature, s uniform in [1.5, 4].
    const levels = [10, 11, 13];
    const ctx = canaryContext(levelled(30, 4, levels), null, 1);
    const out = outlier(ctx, 90, createRng(6));
    const scales: number[] = [];
    for (let i = 2; i < 90; i += 3) {
      const level = levels[(out.sources[i] as number) % 3] as number;
      scales.push(((out.features[i * 4] as number) - 34 / 3) / (level - 34 / 3));
    }
    for (const s of scales) {
      expect(s).toBeGreaterThanOrEqual(1.5 - 1e-4);
      expect(s).toBeLessThanOrEqual(4 + 1e-4);
    }
    expect(Math.min(...scales)).toBeLessThan(1.8);
    expect(Math.max(...scales)).toBeGreaterThan(3.7);
  });
});
