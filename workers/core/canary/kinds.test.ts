/**
 * The canary kinds on tables where every row of a class is the same (issue 16, from a mutation run): a fresh row of
 * a class is then that class's row exactly, so each kind's arithmetic (the blend, the patch, the trigger values, the
 * outlier scaling, the duplicate noise) can be checked value by value, and the trigger's size and place on images
 * that are not square.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type CanaryContext, type CanarySource, canaryContext } from './context';
import { blendTrigger, featureTrigger, nearDuplicate, outlier, pairFlip, patchTrigger } from './kinds';

/** `n` rows of `f` features; row i is class i % classes and every feature of it is `level(class)`. */
function flat(n: number, f: number, classes: number, level: (k: number) => number): CanarySource {
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const features = Float32Array.from({ length: n * f }, (_, k) => level(labels[Math.floor(k / f)] as number));
  return { features, featureCount: f, labels, classCount: classes };
}

/** Grey images (0.5) of `h` × `w`, with one black and one white pixel at `marks` so the pixel range is [0, 1]. */
function grey(h: number, w: number, marks: [number, number]): CanarySource {
  const src = flat(30, h * w, 3, () => 0.5);
  src.features[marks[0]] = 0; // row 0
  src.features[h * w + marks[1]] = 1; // row 1
  return src;
}

describe('image triggers', () => {
  it('blend one pattern over the pixel range into every canary: x′ = (1 − α) x + α p', () => {
    const ctx = canaryContext(grey(8, 8, [0, 1]), null, 1);
    const out = blendTrigger(ctx, 6, createRng(2));
    const alpha = out.params.alpha as number;
    const pattern: number[] = [];
    for (let j = 2; j < 64; j++) {
      const v = out.features[j] as number;
      for (let i = 1; i < 6; i++) expect(out.features[i * 64 + j]).toBeCloseTo(v, 6);
      pattern.push((v - (1 - alpha) * 0.5) / alpha);
    }
    for (const p of pattern) {
      expect(p).toBeGreaterThanOrEqual(-1e-3);
      expect(p).toBeLessThanOrEqual(1 + 1e-3);
    }
    expect(Math.max(...pattern) - Math.min(...pattern)).toBeGreaterThan(0.5);
    expect(() =>
      blendTrigger(
        canaryContext(
          flat(6, 10, 2, (k) => k),
          null,
          1,
        ),
        2,
        createRng(1),
      ),
    ).toThrow('Canaries: a blend trigger needs image-shaped rows.');
  });

  it('patches a square in any of the four corners of a wide image, the rest of the row untouched', () => {
    // 6 × 12: side 6, so the patch is max(2, round(6 / 7)) = 2 to max(2, round(6 / 4)) = 2 pixels; marks mid-image.
    const ctx = canaryContext(grey(6, 12, [42, 43]), { height: 6, width: 12, channels: 1 }, 1);
    const corners = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const out = patchTrigger(ctx, 2, createRng(seed));
      const { size, top, left, value } = out.params as Record<string, number>;
      expect(size).toBe(2);
      // A mid-grey corner is as far from black as from white: the patch is white.
      expect(value).toBe(1);
      corners.add(`${top},${left}`);
      for (let p = 0; p < 72; p++) {
        const r = Math.floor(p / 12);
        const c = p % 12;
        const inside = r >= top && r < top + size && c >= left && c < left + size;
        if (inside) expect(out.features[p]).toBe(1);
        else if (p !== 42 && p !== 43) expect(out.features[p]).toBe(0.5);
      }
    }
    expect(corners).toEqual(new Set(['0,0', '0,10', '4,0', '4,10']));
  });

  it('takes the end of the range farther from the corner: a grey corner in [-1, 1] gets the dark end', () => {
    const src = grey(8, 8, [27, 28]);
    src.features[27] = -1;
    // Values below 0 are not read as pixels unless the shape is given.
    const ctx = canaryContext(src, { height: 8, width: 8, channels: 1 }, 1);
    expect(patchTrigger(ctx, 2, createRng(1)).params.value).toBe(-1);
    expect(() =>
      patchTrigger(
        canaryContext(
          flat(6, 10, 2, (k) => k),
          null,
          1,
        ),
        2,
        createRng(1),
      ),
    ).toThrow('Canaries: a patch trigger needs image-shaped rows.');
  });

  it('sizes the patch from a seventh to a quarter of the side', () => {
    // 28 × 28: round(28 / 7) = 4 to round(28 / 4) = 7 pixels.
    const ctx = canaryContext(grey(28, 28, [400, 401]), null, 1);
    const sizes = new Set<number>();
    for (let seed = 0; seed < 60; seed++)
      sizes.add(patchTrigger(ctx, 1, createRng(seed)).params.size as number);
    expect([...sizes].sort()).toEqual([4, 5, 6, 7]);
  });
});

describe('feature triggers', () => {
  const count = (f: number) => {
    const ctx = canaryContext(
      flat(30, f, 3, (k) => k),
      null,
      1,
    );
    return (featureTrigger(ctx, 2, createRng(1)).params.features as number[]).length;
  };

  it('use about one feature in ten, from 2 to 5', () => {
    expect([4, 10, 30, 44, 60].map(count)).toEqual([2, 2, 3, 4, 5]);
  });

  it('use only features that vary, and put each at or beyond its rare end, by at most half a std', () => {
    const src = flat(30, 6, 3, () => 1);
    // Feature 4 alone varies, off any grid (a step of 1.0137), so the trigger values are not snapped.
    for (let i = 0; i < 30; i++) src.features[i * 6 + 4] = i * 1.0137;
    const ctx = canaryContext(src, null, 1);
    const seen: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const out = featureTrigger(ctx, 3, createRng(seed));
      expect(out.params.features).toEqual([4]);
      const v = (out.params.values as number[])[0] as number;
      // Feature 4 is 0..29 × 1.0137: its 0.5th percentile (0) lies 15.2 below the median (position round(14.5) = 15),
      // its 99.5th (29 × 1.0137) only 14.2 above, so the low end is the rarer one.
      expect(v <= 1e-4 && v >= -0.5 * (ctx.stats.std[4] as number) - 1e-3).toBe(true);
      seen.push(v);
      for (let i = 0; i < 3; i++) {
        expect(out.features[i * 6 + 4]).toBeCloseTo(v, 3);
        for (const j of [0, 1, 2, 3, 5]) expect(out.features[i * 6 + j]).toBe(1);
      }
    }
    // Half the time at the percentile itself, half the time pushed further out.
    expect(seen.some((v) => v === 0)).toBe(true);
    expect(seen.some((v) => v < -0.01)).toBe(true);
    // Whole numbers 0..29 lie on a grid: pushed out, the value stays a whole number within the table's range (0).
    for (let i = 0; i < 30; i++) src.features[i * 6 + 4] = i;
    const whole = canaryContext(src, null, 1);
    for (let seed = 0; seed < 10; seed++) {
      expect(featureTrigger(whole, 3, createRng(seed)).params.values).toEqual([0]);
    }
  });

  it('with one class only, keep that class as the target and its rows as sources', () => {
    const ctx = canaryContext(
      flat(12, 10, 1, () => 0),
      null,
      1,
    );
    const out = featureTrigger(ctx, 4, createRng(3));
    expect(out.params.target).toBe(0);
    expect(Array.from(out.labels)).toEqual([0, 0, 0, 0]);
    // No feature varies: any 2 of the 10 may carry the trigger, listed in order.
    const features = out.params.features as number[];
    expect(features).toHaveLength(2);
    expect(features[0]).toBeLessThan(features[1] as number);
  });

  it('list their features in ascending order', () => {
    const ctx = canaryContext(
      flat(30, 60, 3, (k) => k),
      null,
      1,
    );
    for (let seed = 0; seed < 5; seed++) {
      const features = featureTrigger(ctx, 2, createRng(seed)).params.features as number[];
      expect(features).toEqual([...features].sort((a, b) => a - b));
      expect(new Set(features).size).toBe(5);
    }
  });
});

describe('outliers and near-duplicates', () => {
  // Classes 0, 1 and 3 (ten rows each): every feature of a class-k row is its level; the mean is 4/3.
  const levels = [0, 1, 3];
  // Built in each test, so a mutation run's mutant is switched on while it is built.
  let ctx: CanaryContext;
  beforeEach(() => {
    ctx = canaryContext(
      flat(30, 5, 3, (k) => levels[k] as number),
      null,
      1,
    );
  });
  const mean = 4 / 3;

  it('take three styles in turn: uniform over the range, noise on a fresh row, a fresh row scaled from the mean', () => {
    const out = outlier(ctx, 9, createRng(4));
    for (let i = 0; i < 9; i++) {
      const row = Array.from(out.features.subarray(i * 5, i * 5 + 5));
      expect([0, 1, 2]).toContain(out.labels[i]);
      if (i % 3 === 0) {
        expect(out.sources[i]).toBe(-1);
        for (const v of row) expect(v >= 0 && v <= 3).toBe(true);
        continue;
      }
      const source = out.sources[i] as number;
      const level = levels[source % 3] as number;
      if (i % 3 === 1) {
        expect(row.some((v) => Math.abs(v - level) > 1e-3)).toBe(true);
      } else {
        // Every feature moved s = 1.5..4 times as far from the mean as the class's level.
        const s = ((row[0] as number) - mean) / (level - mean);
        expect(s).toBeGreaterThanOrEqual(1.5 - 1e-4);
        expect(s).toBeLessThanOrEqual(4 + 1e-4);
        for (const v of row) expect(v).toBeCloseTo(row[0] as number, 4);
      }
    }
  });

  it('pair a canary with its correctly labelled twin, 1% of a std of noise apart', () => {
    const out = nearDuplicate(ctx, 6, createRng(5));
    const twins = out.companions;
    expect(twins).toBeDefined();
    for (let i = 0; i < 6; i++) {
      const y = twins?.labels[i] as number;
      for (let j = 0; j < 5; j++) {
        expect(twins?.features[i * 5 + j]).toBe(Math.fround(levels[y] as number));
        const noise = Math.abs((out.features[i * 5 + j] as number) - (levels[y] as number));
        expect(noise).toBeLessThan(0.01 * (ctx.stats.std[j] as number) * 6);
      }
    }
  });

  it('add noise of 1% of each feature’s std: the mean absolute noise is 0.8 of it, as for a normal draw', () => {
    const out = nearDuplicate(ctx, 60, createRng(6));
    let sum = 0;
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 5; j++) {
        const twin = out.companions?.features[i * 5 + j] as number;
        sum += Math.abs((out.features[i * 5 + j] as number) - twin) / (0.01 * (ctx.stats.std[j] as number));
      }
    }
    // E|Z| = √(2/π) ≈ 0.80 for a standard normal Z; 300 draws put the mean within ±0.08 of it.
    expect(sum / 300).toBeGreaterThan(0.7);
    expect(sum / 300).toBeLessThan(0.9);
  });

  it('pair flips are fresh rows of the class they come from, each in its own row', () => {
    const out = pairFlip(ctx, 6, createRng(7), 1);
    const pairs = out.params.pairs as number[];
    for (let i = 0; i < 6; i++) {
      const from = pairs[2 * (i % (pairs.length / 2))] as number;
      for (let j = 0; j < 5; j++) expect(out.features[i * 5 + j]).toBe(levels[from]);
    }
  });

  it('pair flips need two populated classes', () => {
    const one = canaryContext(
      flat(6, 3, 1, () => 0),
      null,
      1,
    );
    expect(() => pairFlip(one, 2, createRng(1), 1)).toThrow(
      'Canaries: pair flips need two populated classes.',
    );
  });
});
