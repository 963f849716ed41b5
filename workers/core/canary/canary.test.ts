/**
 * The canary kinds on small seeded tables: each kind makes what it says (labels, triggers, distances), the analyst's
 * rows are never touched, the draws are deterministic and independent, and bad requests are refused with a message.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { gaussian } from '../scores/test-utils';
import { type CanarySource, canaryContext, confusedPairs } from './context';
import { canariesPerDraw, defaultCanaryKinds, injectCanaries, parseCanaryKinds } from './inject';
import {
  blendTrigger,
  featureTrigger,
  nearDuplicate,
  outlier,
  pairFlip,
  patchTrigger,
  randomFlip,
} from './kinds';
import { CANARY_KINDS, CANARY_ROLE } from './types';

/** Gaussian blobs: class k centred at centres[k] in every feature, unit noise. */
function blobs(perClass: number, centres: number[], featureCount: number, seed: number): CanarySource {
  const rng = createRng(seed);
  const n = perClass * centres.length;
  const features = new Float32Array(n * featureCount);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % centres.length;
    for (let j = 0; j < featureCount; j++)
      features[i * featureCount + j] = centres[labels[i]] + gaussian(rng);
  }
  return { features, featureCount, labels, classCount: centres.length };
}

/** 8×8 one-channel "images" with pixels in [0, 1]. */
function images(perClass: number, classes: number, seed: number): CanarySource {
  const rng = createRng(seed);
  const n = perClass * classes;
  const features = Float32Array.from({ length: n * 64 }, () => 0.2 + 0.6 * rng.next());
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  return { features, featureCount: 64, labels, classCount: classes };
}

function row(x: Float32Array, f: number, i: number): Float32Array {
  return x.subarray(i * f, (i + 1) * f);
}

function nearestDistance(src: CanarySource, x: Float32Array): number {
  const f = src.featureCount;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < src.labels.length; i++) {
    let d = 0;
    for (let j = 0; j < f; j++) d += (src.features[i * f + j] - x[j]) ** 2;
    best = Math.min(best, d);
  }
  return Math.sqrt(best);
}

describe('canary kinds', () => {
  const src = blobs(60, [0, 1.5, 8], 10, 3);
  const ctx = canaryContext(src, null, 1);

  it('random flips: fresh rows of their source class, labelled with another class, copying no row', () => {
    const out = randomFlip(ctx, 30, createRng(5));
    for (let i = 0; i < 30; i++) {
      const from = src.labels[out.sources[i]];
      expect(out.labels[i]).not.toBe(from);
      expect(nearestDistance(src, row(out.features, 10, i))).toBeGreaterThan(1e-3);
      // Between its source row and a partner of the same class: within the class's spread of its centre.
      const x = row(out.features, 10, i);
      const centre = [0, 1.5, 8][from];
      expect(Math.abs(x.reduce((s, v) => s + v, 0) / 10 - centre)).toBeLessThan(2);
    }
  });

  it('pair flips follow the closest class pairs (0 and 1 here, class 2 far away)', () => {
    const pairs = confusedPairs(ctx, 1).slice(0, 2);
    expect(pairs.map((p) => [p.from, p.to].sort().join())).toEqual(['0,1', '0,1']);
    const out = pairFlip(ctx, 12, createRng(2), 1);
    expect((out.params.pairs as number[]).slice(0, 4)).toEqual([
      pairs[0].from,
      pairs[0].to,
      pairs[1].from,
      pairs[1].to,
    ]);
    for (let i = 0; i < 12; i++) {
      const p = (out.params.pairs as number[]).slice(2 * (i % 3), 2 * (i % 3) + 2);
      expect(src.labels[out.sources[i]]).toBe(p[0]);
      expect(out.labels[i]).toBe(p[1]);
    }
  });

  it('feature triggers set a few features to one rare value each and relabel to one target', () => {
    const out = featureTrigger(ctx, 20, createRng(9));
    const feats = out.params.features as number[];
    const values = out.params.values as number[];
    expect(feats.length).toBe(2);
    for (let i = 0; i < 20; i++) {
      expect(out.labels[i]).toBe(out.params.target);
      expect(src.labels[out.sources[i]]).not.toBe(out.params.target);
      feats.forEach((j, t) => {
        expect(out.features[i * 10 + j]).toBeCloseTo(values[t], 4);
      });
    }
    // Rare: at or beyond the 0.5th / 99.5th percentile of the column.
    feats.forEach((j, t) => {
      expect(values[t] >= ctx.stats.high[j] - 1e-4 || values[t] <= ctx.stats.low[j] + 1e-4).toBe(true);
    });
  });

  it('outliers lie far from every analyst row', () => {
    const out = outlier(ctx, 12, createRng(4));
    const fresh = randomFlip(ctx, 12, createRng(4));
    const far = Array.from({ length: 12 }, (_, i) => nearestDistance(src, row(out.features, 10, i)));
    const near = Array.from({ length: 12 }, (_, i) => nearestDistance(src, row(fresh.features, 10, i)));
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    expect(median(far)).toBeGreaterThan(2.5 * median(near));
  });

  it('near-duplicates: a canary next to a correctly labelled companion, with another label', () => {
    const out = nearDuplicate(ctx, 10, createRng(8));
    const c = out.companions;
    if (!c) throw new Error('near-duplicates come with companions');
    for (let i = 0; i < 10; i++) {
      expect(c.labels[i]).toBe(src.labels[out.sources[i]]);
      expect(out.labels[i]).not.toBe(c.labels[i]);
      let d = 0;
      for (let j = 0; j < 10; j++) d += (out.features[i * 10 + j] - c.features[i * 10 + j]) ** 2;
      expect(Math.sqrt(d)).toBeLessThan(0.2);
      expect(Math.sqrt(d)).toBeGreaterThan(0);
    }
  });

  it('patch triggers stamp one square in a corner at the pixel range’s end, in every channel', () => {
    const rgb = images(20, 3, 2);
    // The same pixels read as a 4 × 4 × 4 image: channels last.
    const ictx = canaryContext({ ...rgb }, { height: 4, width: 4, channels: 4 }, 1);
    const out = patchTrigger(ictx, 6, createRng(3));
    const { size, top, left, value, target } = out.params as Record<string, number>;
    expect([0, 4 - size]).toContain(top);
    expect([0, 4 - size]).toContain(left);
    for (let i = 0; i < 6; i++) {
      expect(out.labels[i]).toBe(target);
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < 4; c++) {
          const inside = r >= top && r < top + size && c >= left && c < left + size;
          for (let k = 0; k < 4; k++) {
            const v = out.features[i * 64 + (r * 4 + c) * 4 + k];
            if (inside) expect(v).toBeCloseTo(value, 5);
            else expect(v === value).toBe(false);
          }
        }
      }
    }
  });

  it('blend triggers mix one pattern into every canary with the same weight', () => {
    const img = images(20, 3, 4);
    const ictx = canaryContext(img, null, 1);
    expect(ictx.image).toEqual({ height: 8, width: 8, channels: 1 });
    const out = blendTrigger(ictx, 8, createRng(6));
    const alpha = out.params.alpha as number;
    expect(alpha).toBeGreaterThanOrEqual(0.1);
    expect(alpha).toBeLessThanOrEqual(0.2);
    // x' = (1 - α) x + α p: for two canaries, x'_a - (1-α) x_a and x'_b - (1-α) x_b are the same α p. The fresh rows
    // are not returned, so check the pattern through a second call with the same stream: it repeats exactly.
    const again = blendTrigger(ictx, 8, createRng(6));
    expect(Array.from(again.features)).toEqual(Array.from(out.features));
    for (let i = 0; i < 8; i++) expect(out.labels[i]).toBe(out.params.target);
  });

  it('patch triggers contrast with their corner, and feature triggers take a blank feature’s rare end', () => {
    // Every pixel of the top rows is dark (0) or bright (1); the middle rows vary.
    const make = (edge: number) => {
      const img = images(30, 3, 9);
      for (let i = 0; i < img.labels.length; i++) {
        for (let p = 0; p < 64; p++) if (p < 16 || p >= 48) img.features[i * 64 + p] = edge;
      }
      img.features[0] = 1 - edge; // so the range spans [0, 1]
      return canaryContext(img, null, 1);
    };
    expect(patchTrigger(make(0), 4, createRng(2)).params.value).toBe(1);
    expect(patchTrigger(make(1), 4, createRng(2)).params.value).toBe(0);
    // Feature 0 is 0 on all but one row: its rare end is the high one, whatever the stream.
    const blank = blobs(60, [0, 3], 4, 5);
    for (let i = 0; i < blank.labels.length; i++) blank.features[i * 4] = i === 7 ? 5 : 0;
    const bctx = canaryContext(blank, null, 1);
    const picked: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const out = featureTrigger(bctx, 2, createRng(seed));
      const at = (out.params.features as number[]).indexOf(0);
      if (at >= 0) picked.push((out.params.values as number[])[at]);
    }
    expect(picked.length).toBeGreaterThan(3);
    for (const v of picked) expect(v).toBeGreaterThanOrEqual(bctx.stats.high[0]);
  });

  it('image kinds refuse rows that are not images', () => {
    expect(() => patchTrigger(ctx, 2, createRng(1))).toThrow(/needs image-shaped rows/);
    expect(() => canaryContext(src, { height: 3, width: 3, channels: 1 }, 1)).toThrow(
      /3×3×1 has 9 values, but the rows have 10 features/,
    );
  });
});

describe('injectCanaries', () => {
  const src = blobs(100, [0, 2, 4, 6], 16, 7);

  it('appends two draws per kind after the untouched analyst rows, deterministically', () => {
    const before = src.features.slice();
    // Read as 4 × 4 images: these rows hold negative values, so no image shape is guessed for them (below).
    const image = { height: 4, width: 4, channels: 1 };
    const a = injectCanaries(src, { seed: 3, image });
    const b = injectCanaries(src, { seed: 3, image });
    const c = injectCanaries(src, { seed: 4, image });
    expect(Array.from(src.features)).toEqual(Array.from(before));
    expect(Array.from(a.features.subarray(0, before.length))).toEqual(Array.from(before));
    expect(Array.from(a.labels.subarray(0, 400))).toEqual(Array.from(src.labels));
    expect(Array.from(a.features)).toEqual(Array.from(b.features));
    expect(Array.from(a.features)).not.toEqual(Array.from(c.features));
    // An image, so every kind applies; 4 classes keep pair flips. Without the shape, 16 features of measured values
    // (some negative) are a table: no patch or blend triggers.
    expect(a.plan.kinds).toEqual([...CANARY_KINDS]);
    expect(injectCanaries(src, { seed: 3 }).plan.kinds).toEqual(
      CANARY_KINDS.filter((k) => k !== 'patch-trigger' && k !== 'blend-trigger'),
    );
    const per = canariesPerDraw(400, 7, { rate: 0.02, minPerKind: 6 });
    expect(per).toBe(6);
    // Four kinds at 6 per draw, the three trigger kinds at their minimum of 10 per draw.
    expect(a.plan.canaries).toBe(2 * (4 * 6 + 3 * 10));
    expect(a.plan.companions).toBe(2 * per);
    expect(a.labels.length).toBe(400 + a.plan.canaries + a.plan.companions);
    const fit = a.role.filter((r) => r === CANARY_ROLE.fit).length;
    const report = a.role.filter((r) => r === CANARY_ROLE.report).length;
    expect([fit, report]).toEqual([54, 54]);
    // Both draws of a trigger kind are disjoint rows of one backdoor: the same trigger, other rows.
    const triggers = a.plan.draws.filter((d) => d.kind === 'feature-trigger');
    expect(triggers.map((d) => d.draw)).toEqual([0, 1]);
    expect(triggers[0].params).toEqual(triggers[1].params);
    const kindOf = CANARY_KINDS.indexOf('feature-trigger');
    const rowsOf = (draw: number) =>
      Array.from(a.role.keys()).filter((j) => a.kind[j] === kindOf && a.role[j] === draw);
    const first = rowsOf(0).map((j) => Array.from(row(a.features, 16, 400 + j)).join());
    const second = new Set(rowsOf(1).map((j) => Array.from(row(a.features, 16, 400 + j)).join()));
    expect(first.some((r) => second.has(r))).toBe(false);
    // Flips draw independent rows too.
    const flips = a.plan.draws.filter((d) => d.kind === 'random-flip');
    expect(flips.map((d) => d.count)).toEqual([6, 6]);
  });

  it('scales with the rate above the minimum, and respects the kinds asked for', () => {
    const out = injectCanaries(src, { seed: 1, rate: 0.1, kinds: ['random-flip', 'outlier'] });
    expect(out.plan.kinds).toEqual(['random-flip', 'outlier']);
    // 10% of 400 rows over 2 kinds × 2 draws.
    expect(out.plan.canaries).toBe(2 * 2 * 10);
    expect(new Set(out.kind)).toEqual(new Set([0, 3]));
  });

  it('chooses default kinds from the data, and refuses what does not fit', () => {
    expect(defaultCanaryKinds(2, null)).toEqual([
      'random-flip',
      'feature-trigger',
      'outlier',
      'near-duplicate',
    ]);
    expect(defaultCanaryKinds(3, { height: 2, width: 2, channels: 1 })).toContain('patch-trigger');
    const tabular = blobs(50, [0, 3], 10, 1);
    expect(() => injectCanaries(tabular, { kinds: ['blend-trigger'] })).toThrow(/needs image rows/);
    expect(() => injectCanaries(tabular, { rate: 0.9 })).toThrow(/between 0 and 0.5, got 0.9/);
    expect(() => parseCanaryKinds('random-flip,glitter')).toThrow(/Unknown canary kind "glitter"/);
    expect(parseCanaryKinds(' outlier , random-flip,outlier')).toEqual(['outlier', 'random-flip']);
  });
});
