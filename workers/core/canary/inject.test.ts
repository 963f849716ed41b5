/**
 * The injector's bookkeeping (issue 16, from a mutation run): how many canaries each draw gets, the refusals word for
 * word, and what every appended row is (kind, role, source) in the order the draws are appended, counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import type { CanarySource } from './context';
import { canariesPerDraw, injectCanaries, parseCanaryKinds } from './inject';
import { CANARY_KINDS, CANARY_ROLE, DEFAULT_CANARY_OPTIONS } from './types';

/** `n` rows of 10 features in `classes` classes (row i is class i % classes), values at random around the class. */
function table(n: number, classes: number): CanarySource {
  const rng = createRng(5);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const features = Float32Array.from(
    { length: n * 10 },
    (_, k) => 3 * (labels[Math.floor(k / 10)] as number) + rng.next(),
  );
  return { features, featureCount: 10, labels, classCount: classes };
}

describe('canariesPerDraw', () => {
  it('is the rate over both draws of every kind, rounded, and at least the minimum', () => {
    expect(canariesPerDraw(1000, 4, { rate: 0.25, minPerKind: 1 })).toBe(31); // 250 / 8 = 31.25
    expect(canariesPerDraw(12, 1, { rate: 0.25, minPerKind: 1 })).toBe(2); // 3 / 2 = 1.5, rounded up
    expect(canariesPerDraw(12, 1, { rate: 0.25, minPerKind: 9 })).toBe(9);
    expect(canariesPerDraw(1000, 2, { rate: 0.5, minPerKind: 1 })).toBe(125);
    expect(canariesPerDraw(100, 0, { rate: 0.5, minPerKind: 1 })).toBe(25); // no kinds counts as one
    expect(canariesPerDraw(1000, 4, { rate: 0, minPerKind: 3 })).toBe(3);
  });

  it('refuses a rate outside 0 to 0.5', () => {
    for (const rate of [-0.01, 0.51, Number.NaN]) {
      expect(() => canariesPerDraw(100, 2, { rate, minPerKind: 1 })).toThrow(
        `The canary rate must be between 0 and 0.5, got ${rate}.`,
      );
    }
  });
});

describe('parseCanaryKinds', () => {
  it('names every kind when one is unknown, and refuses an empty list', () => {
    expect(() => parseCanaryKinds('outlier,glitter')).toThrow(
      'Unknown canary kind "glitter"; the kinds are random-flip, pair-flip, feature-trigger, outlier, near-duplicate, patch-trigger, blend-trigger.',
    );
    for (const text of ['', ' , ,']) expect(() => parseCanaryKinds(text)).toThrow('No canary kind given.');
  });
});

describe('injectCanaries', () => {
  it('refuses tables that do not add up, one class, and image kinds on tabular rows, in words', () => {
    const src = table(30, 3);
    expect(() => injectCanaries({ ...src, featureCount: 4 })).toThrow(
      'Canaries: 300 feature values for 30 rows × 4 features.',
    );
    expect(() => injectCanaries({ ...src, labels: new Int32Array(30) })).toThrow(
      'Canaries need at least two classes with rows.',
    );
    expect(() => injectCanaries(src, { kinds: ['outlier', 'patch-trigger'] })).toThrow(
      'The canary kind "patch-trigger" needs image rows: give the image shape, or a square number of features holding pixel values (from 0 to 1, or whole numbers from 0 to 255).',
    );
  });

  it('appends each draw kind by kind, companions after their canaries, with kind, role and source per row', () => {
    const src = table(60, 3);
    const out = injectCanaries(src, { kinds: ['random-flip', 'near-duplicate'] });
    // 2% of 60 rows is far below the minimum: 6 per kind and draw; near-duplicates bring 6 companions each.
    const flip = CANARY_KINDS.indexOf('random-flip');
    const dup = CANARY_KINDS.indexOf('near-duplicate');
    const { fit, report, companion } = CANARY_ROLE;
    const blocks: [number, number][] = [
      [flip, fit],
      [dup, fit],
      [dup, companion],
      [flip, report],
      [dup, report],
      [dup, companion],
    ];
    expect(Array.from(out.kind)).toEqual(blocks.flatMap(([k]) => new Array(6).fill(k)));
    expect(Array.from(out.role)).toEqual(blocks.flatMap(([, r]) => new Array(6).fill(r)));
    expect(out.rows).toBe(60);
    expect(out.labels).toHaveLength(60 + 36);
    expect(out.features).toHaveLength((60 + 36) * 10);
    // Every appended row names the analyst row it was built from; a companion shares its canary's, and its label.
    for (let j = 0; j < 36; j++) {
      const from = out.source[j] as number;
      expect(from).toBeGreaterThanOrEqual(0);
      expect(from).toBeLessThan(60);
    }
    for (const [canaries, twins] of [
      [6, 12],
      [24, 30],
    ]) {
      for (let t = 0; t < 6; t++) {
        const from = out.source[(twins as number) + t] as number;
        expect(out.source[(canaries as number) + t]).toBe(from);
        expect(out.labels[60 + (twins as number) + t]).toBe(src.labels[from]);
        expect(out.labels[60 + (canaries as number) + t]).not.toBe(src.labels[from]);
      }
    }
    expect(out.plan).toMatchObject({
      seed: DEFAULT_CANARY_OPTIONS.seed,
      rate: DEFAULT_CANARY_OPTIONS.rate,
      kinds: ['random-flip', 'near-duplicate'],
      image: null,
      canaries: 24,
      companions: 12,
    });
    expect(out.plan.draws.map((d) => [d.kind, d.draw, d.count])).toEqual([
      ['random-flip', 0, 6],
      ['near-duplicate', 0, 6],
      ['random-flip', 1, 6],
      ['near-duplicate', 1, 6],
    ]);
  });

  it('makes each kind with its own maker, whose parameters the plan records', () => {
    // 16 features read as a 4 × 4 image and four classes: every kind applies.
    const src = {
      ...table(80, 4),
      featureCount: 16,
      features: new Float32Array(80 * 16).map((_, k) => (k % 7) / 7),
    };
    const out = injectCanaries(src, { seed: 2 });
    const keys = Object.fromEntries(
      out.plan.draws.filter((d) => d.draw === 0).map((d) => [d.kind, Object.keys(d.params).sort()]),
    );
    expect(keys).toEqual({
      'random-flip': [],
      'pair-flip': ['pairs'],
      'feature-trigger': ['features', 'target', 'values'],
      outlier: [],
      'near-duplicate': [],
      'patch-trigger': ['left', 'size', 'target', 'top', 'value'],
      'blend-trigger': ['alpha', 'target'],
    });
  });

  it('gives trigger kinds their own minimum, and draws other rows in the second draw', () => {
    const src = table(60, 3);
    const out = injectCanaries(src, {
      kinds: ['outlier', 'feature-trigger'],
      rate: 0,
      minPerKind: 2,
      minPerTrigger: 3,
    });
    expect(out.plan.draws.map((d) => [d.kind, d.count])).toEqual([
      ['outlier', 2],
      ['feature-trigger', 3],
      ['outlier', 2],
      ['feature-trigger', 3],
    ]);
    // Outlier rows of the fit draw (appended rows 0-1) and of the report draw (rows 5-6) differ.
    const row = (j: number) => Array.from(out.features.subarray((60 + j) * 10, (61 + j) * 10)).join();
    expect([row(0), row(1)]).not.toContain(row(5));
    expect([row(0), row(1)]).not.toContain(row(6));
  });
});
