import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { againstNegatives } from './against';
import { auroc } from './auroc';
import { averagePrecision, recallAtFraction } from './ranking';

/** The joined list's metrics, the plain way: negatives then positives, the positives true. */
function plain(negatives: number[], positives: number[]) {
  const values = [...negatives, ...positives];
  const truth = values.map((_, i) => (i >= negatives.length ? 1 : 0));
  return {
    r1: recallAtFraction(positives, negatives, 0.01),
    r5: recallAtFraction(positives, negatives, 0.05),
    r50: recallAtFraction(positives, negatives, 0.5),
    auroc: auroc(values, truth),
    ap: averagePrecision(values, truth),
  };
}

function fast(negatives: number[], positives: number[]) {
  const a = againstNegatives(negatives);
  return {
    r1: a.recallAt(positives, 0.01),
    r5: a.recallAt(positives, 0.05),
    r50: a.recallAt(positives, 0.5),
    auroc: a.auroc(positives),
    ap: a.averagePrecision(positives),
  };
}

describe('againstNegatives', () => {
  it('gives the joined list’s AUROC, average precision and recalls to the bit on random ties', () => {
    const r = createRng(11);
    for (let t = 0; t < 60; t++) {
      const levels = [3, 20, 1000][t % 3] as number;
      const value = () => Math.floor(r.next() * levels) / 7 - 1;
      const negatives = Array.from({ length: 50 + r.int(400) }, value);
      const positives = Array.from({ length: 1 + r.int(30) }, () => value() + (t % 2) * 0.3);
      expect(fast(negatives, positives)).toEqual(plain(negatives, positives));
    }
  });

  it('answers hand cases: positives above, tied with and below the negatives', () => {
    const a = againstNegatives([1, 2, 3, 4]);
    // 5 beats all 4, 2.5 beats 2, 2 beats 1 and ties 1: U = 4 + 2 + 1.5 = 7.5 of 12.
    expect(a.auroc([5, 2.5, 2])).toBe(7.5 / 12);
    // Descending: 5 (1 of 1), 4, 3, 2.5 (2 of 4), then 2 tied with a negative (3 of 6): (1 + 2 × 2/4 + 3/6) / 3.
    expect(a.averagePrecision([5, 2.5, 2])).toBeCloseTo((1 + 2 / 4 + 3 / 6) / 3, 12);
    // The top half of the negatives is flagged above 2: 5 and 2.5 found, 2 not.
    expect(a.recallAt([5, 2.5, 2], 0.5)).toBe(2 / 3);
    expect(a.recallAt([5], 0)).toBe(1);
    expect(a.recallAt([0], 1)).toBe(1);
  });

  it('is NaN without positives, and AUROC is NaN without negatives', () => {
    const a = againstNegatives([1, 2]);
    expect([a.auroc([]), a.averagePrecision([]), a.recallAt([], 0.05)]).toEqual([NaN, NaN, NaN]);
    expect(againstNegatives([]).auroc([1])).toBeNaN();
    expect(againstNegatives([]).averagePrecision([1, 2])).toBe(1);
  });

  it('asks the plain functions when a value is NaN or infinite, and agrees with them', () => {
    const cases: Array<[number[], number[]]> = [
      [
        [1, Number.NaN, 2, 2],
        [2, Number.NaN],
      ],
      [
        [Number.NEGATIVE_INFINITY, 0, 1],
        [Number.NEGATIVE_INFINITY, 1],
      ],
      [
        [0, 1, Number.POSITIVE_INFINITY],
        [Number.POSITIVE_INFINITY, 0.5],
      ],
      [
        [0, 1, 2],
        [Number.NaN, 3],
      ],
      // A NaN negative with finite positives: only the plain functions rank it last.
      [[0, Number.NaN], [1]],
    ];
    for (const [negatives, positives] of cases)
      expect(fast(negatives, positives)).toEqual(plain(negatives, positives));
  });
});
