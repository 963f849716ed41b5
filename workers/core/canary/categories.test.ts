/**
 * One-hot groups (issue 10): found from the values alone, on every row, and kept whole in every canary but the
 * outliers. Expected groups and categories are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { categoryGroups, MAX_CATEGORIES, oneCategoryEach } from './categories';
import { type CanarySource, canaryContext } from './context';
import { injectCanaries } from './inject';
import { featureTrigger } from './kinds';
import { CANARY_KINDS } from './types';

/** Rows of [age, colour=red, colour=green, colour=blue, hours, size=S, size=L]; colour i % 3, size S on even rows. */
function census(n: number, decimals = false): CanarySource {
  const rng = createRng(3);
  const f = 7;
  const features = new Float32Array(n * f);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = features.subarray(i * f, (i + 1) * f);
    // Blue is the rarest colour: one row in ten.
    const colour = i % 10 === 0 ? 2 : i % 2;
    labels[i] = colour === 2 ? 1 : i % 2;
    row[0] = 20 + Math.floor(50 * rng.next());
    row[1 + colour] = 1;
    row[4] = decimals ? 30 + 20 * rng.next() : 30 + Math.floor(20 * rng.next());
    row[i % 2 === 0 ? 5 : 6] = 1;
  }
  return { features, featureCount: f, labels, classCount: 2 };
}

const groupsOf = (s: CanarySource) =>
  categoryGroups(s.features, s.featureCount, s.labels.length).groups.map((g) => Array.from(g));

describe('categoryGroups', () => {
  it('finds each run of 0/1 columns with one 1 per row, and nothing else', () => {
    const src = census(40);
    expect(groupsOf(src)).toEqual([
      [1, 2, 3],
      [5, 6],
    ]);
    const { groupOf } = categoryGroups(src.features, 7, 40);
    expect(Array.from(groupOf)).toEqual([-1, 0, 0, 0, -1, 1, 1]);
  });

  it('is no group when a row holds two categories, or none, or a value other than 0 and 1', () => {
    const two = census(40);
    two.features[7 * 9 + 3] = 1; // row 9: red and blue
    expect(groupsOf(two)).toEqual([[5, 6]]);
    const none = census(40);
    none.features[7 * 9 + 2] = 0; // row 9: no colour (it was green)
    expect(groupsOf(none)).toEqual([[5, 6]]);
    const both = census(40);
    both.features[7 * 9 + 3] = 1; // row 9: green and blue …
    both.features[7 * 10 + 3] = 0; // … and row 10 no colour: as many 1s as rows, but not one per row
    expect(groupsOf(both)).toEqual([[5, 6]]);
    const half = census(40);
    half.features[7 * 9 + 5] = 0.5; // row 9: half a size
    expect(groupsOf(half)).toEqual([[1, 2, 3]]);
  });

  it('checks on every row a group it found on the sampled rows', () => {
    // 6,000 rows, 4,000 of them sampled: one table per row given two colours, so that some table's row is not sampled.
    for (const bad of [7, 1007, 2007, 3007, 4007, 5007]) {
      const src = census(6000);
      src.features[bad * 7 + 3] = 1;
      expect(groupsOf(src)).toEqual([[5, 6]]);
    }
    expect(groupsOf(census(6000))).toEqual([
      [1, 2, 3],
      [5, 6],
    ]);
  });

  it('starts no group on a column of zeros', () => {
    // [unused, colour=red, colour=green]
    const f = 3;
    const features = Float32Array.from({ length: 10 * f }, (_, k) =>
      k % f === 1 + (Math.floor(k / f) % 2) ? 1 : 0,
    );
    expect(categoryGroups(features, f, 10).groups.map((g) => Array.from(g))).toEqual([[1, 2]]);
  });

  it('leaves a column of zeros after a group out of it', () => {
    // [colour=red, colour=green, unused]: every row has red or green; the third column is all zeros.
    const f = 3;
    const features = Float32Array.from({ length: 10 * f }, (_, k) =>
      k % f === Math.floor(k / f) % 2 ? 1 : 0,
    );
    expect(categoryGroups(features, f, 10).groups.map((g) => Array.from(g))).toEqual([[0, 1]]);
  });

  it('needs two columns: a column of ones alone is no group', () => {
    const f = 3;
    const features = Float32Array.from({ length: 10 * f }, (_, k) =>
      k % f === 0 ? 1 : k % f === 1 ? 0.5 : 2,
    );
    expect(categoryGroups(features, f, 10).groups).toEqual([]);
    expect(categoryGroups(new Float32Array(0), 3, 0).groups).toEqual([]);
  });

  it('ends a group at MAX_CATEGORIES columns', () => {
    const f = MAX_CATEGORIES + 1;
    const n = 2 * f;
    const features = new Float32Array(n * f);
    for (let i = 0; i < n; i++) features[i * f + (i % f)] = 1;
    // The whole run is one-hot only with its last column, which lies past the cap.
    expect(categoryGroups(features, f, n).groups).toEqual([]);
    const capped = new Float32Array(n * MAX_CATEGORIES);
    for (let i = 0; i < n; i++) capped[i * MAX_CATEGORIES + (i % MAX_CATEGORIES)] = 1;
    expect(categoryGroups(capped, MAX_CATEGORIES, n).groups.map((g) => g.length)).toEqual([MAX_CATEGORIES]);
  });
});

describe('oneCategoryEach', () => {
  it('sets the largest value of each group to 1 and the others to 0, the first of equals winning', () => {
    const groups = [Int32Array.of(1, 2, 3), Int32Array.of(5, 6)];
    const row = Float32Array.of(42, 0.2, 0.7, 0.1, 37.5, 0.5, 0.5);
    oneCategoryEach(groups, row);
    expect(Array.from(row)).toEqual([42, 0, 1, 0, 37.5, 1, 0]);
    const gross = Float32Array.of(42, 3, 0, 4, 37.5, -1, -2);
    oneCategoryEach(groups, gross);
    expect(Array.from(gross)).toEqual([42, 0, 0, 1, 37.5, 1, 0]);
  });
});

/** Per group of census(), the number of 1s in row `r` of `x`. */
const onesPerGroup = (x: Float32Array, r: number) => {
  const at = (j: number) => x[r * 7 + j] as number;
  return [at(1) + at(2) + at(3), at(5) + at(6)];
};

describe('canaries on a table with one-hot columns', () => {
  it('set a feature trigger on the rarest category and switch the row’s own off', () => {
    const ctx = canaryContext(census(200), null, 1);
    expect(ctx.categories.groups.length).toBe(2);
    for (let seed = 1; seed <= 12; seed++) {
      const out = featureTrigger(ctx, 10, createRng(seed), createRng(100 + seed));
      const features = out.params.features as number[];
      // Four units (age, colour, hours, size): two carry the trigger; a colour trigger is blue, a size trigger S (the
      // first of the two equally common sizes).
      expect(features.length).toBe(2);
      expect(new Set(features).size).toBe(2);
      for (const j of features) expect([0, 3, 4, 5]).toContain(j);
      for (let r = 0; r < 10; r++) {
        expect(onesPerGroup(out.features, r)).toEqual([1, 1]);
        for (const [t, j] of features.entries())
          expect(out.features[r * 7 + j]).toBe((out.params.values as number[])[t]);
      }
      if (features.includes(3)) expect((out.params.values as number[])[features.indexOf(3)]).toBe(1);
    }
  });

  it('count a one-hot column as one feature when they choose how many features carry a trigger', () => {
    // 30 numeric features and one text column of 40 categories: 31 features, so 3 carry the trigger (not 7, of 70).
    const n = 200;
    const f = 70;
    const rng = createRng(9);
    const features = new Float32Array(n * f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 30; j++) features[i * f + j] = Math.floor(100 * rng.next());
      features[i * f + 30 + (i % 40)] = 1;
    }
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const ctx = canaryContext({ features, featureCount: f, labels, classCount: 2 }, null, 1);
    expect(ctx.categories.groups.map((g) => g.length)).toEqual([40]);
    expect((featureTrigger(ctx, 4, createRng(1), createRng(2)).params.features as number[]).length).toBe(3);
  });

  it('never set a trigger on a category no row holds', () => {
    // [x, colour=red, colour=unused, colour=green]: red on one row in four, the middle column all zeros.
    const n = 80;
    const features = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      features[i * 4] = i % 7;
      features[i * 4 + (i % 4 === 0 ? 1 : 3)] = 1;
    }
    const ctx = canaryContext(
      { features, featureCount: 4, labels: Int32Array.from({ length: n }, (_, i) => i % 2), classCount: 2 },
      null,
      1,
    );
    expect(ctx.categories.groups.map((g) => Array.from(g))).toEqual([[1, 2, 3]]);
    const out = featureTrigger(ctx, 6, createRng(1), createRng(2));
    expect((out.params.features as number[]).sort()).toEqual([0, 1]);
  });

  it('hold one category of each group, outliers excepted, also where the numbers carry decimals', () => {
    for (const decimals of [false, true]) {
      const src = census(400, decimals);
      const out = injectCanaries(src, { seed: 5, rate: 0.2 });
      let outliersBroken = 0;
      for (let r = out.rows; r < out.labels.length; r++) {
        const ones = onesPerGroup(out.features, r);
        const cells = [1, 2, 3, 5, 6].map((j) => out.features[r * 7 + j]);
        if (CANARY_KINDS[out.kind[r - out.rows] as number] === 'outlier') {
          if (ones[0] !== 1 || ones[1] !== 1 || cells.some((v) => v !== 0 && v !== 1)) outliersBroken++;
          continue;
        }
        expect(ones).toEqual([1, 1]);
        for (const v of cells) expect([0, 1]).toContain(v);
      }
      // Outliers keep values off the categories, as a corrupted row's.
      expect(outliersBroken).toBeGreaterThan(0);
    }
  });

  it('find no group in images, however binary their pixels', () => {
    // 4 × 4 images of two pixels, one of them on: adjacent 0/1 columns with one 1 per row, but pixels.
    const n = 20;
    const features = new Float32Array(n * 16);
    for (let i = 0; i < n; i++) features[i * 16 + (i % 2)] = 1;
    for (let i = 0; i < n; i++) features[i * 16 + 2 + (i % 2)] = 0;
    const src = {
      features,
      featureCount: 16,
      labels: Int32Array.from({ length: n }, (_, i) => i % 2),
      classCount: 2,
    };
    expect(categoryGroups(features, 16, n).groups.map((g) => Array.from(g))).toEqual([[0, 1]]);
    expect(canaryContext(src, null, 1).categories.groups).toEqual([]);
    expect(Array.from(canaryContext(src, null, 1).categories.groupOf)).toEqual(new Array(16).fill(-1));
  });
});
