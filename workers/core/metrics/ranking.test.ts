import { describe, expect, it } from 'vitest';
import { averagePrecision, precisionAtK, recallAtFraction } from './ranking';

describe('ranking metrics', () => {
  it('average precision by hand, ties sharing one cut', () => {
    // Order 0.9 (pos), 0.8 (neg), 0.7 (pos): (1/1 + 2/3) / 2.
    expect(averagePrecision([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo(5 / 6, 12);
    expect(averagePrecision([3, 2, 1], [1, 1, 0])).toBe(1);
    // One tie of a positive and a negative at the top: precision 1/2 at that cut, whatever the order.
    expect(averagePrecision([1, 1], [1, 0])).toBe(0.5);
    expect(averagePrecision([1, 1], [0, 1])).toBe(0.5);
    expect(averagePrecision([1, 2], [0, 0])).toBeNaN();
  });

  it('precision among the top k', () => {
    expect(precisionAtK([5, 4, 3, 2, 1], [1, 0, 1, 0, 0], 2)).toBe(0.5);
    expect(precisionAtK([5, 4, 3, 2, 1], [1, 0, 1, 0, 0], 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK([1, 2], [1, 0], 0)).toBeNaN();
  });

  it('recall when a fraction of the negatives is flagged, never flagging a tied bulk', () => {
    const negatives = Array.from({ length: 100 }, (_, i) => i); // 0..99
    // 5% flagged: negatives 95..99; positives above 94 count.
    expect(recallAtFraction([94, 95, 120, 10], negatives, 0.05)).toBe(0.5);
    expect(recallAtFraction([100, 101], negatives, 0.01)).toBe(1);
    // 90 of 100 negatives tie at 0: flagging 5% cannot flag any of them, and a positive at 0 is not found.
    const tied = [...new Array(90).fill(0), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(recallAtFraction([0, 0, 11], tied, 0.05)).toBeCloseTo(1 / 3, 12);
    expect(recallAtFraction([], tied, 0.05)).toBeNaN();
  });

  it('flags every negative at a fraction of 1, so every positive counts', () => {
    expect(recallAtFraction([-5, 1], [0, 5], 1)).toBe(1);
  });

  it('groups NaN scores as one tie at the bottom, and no finite score with them', () => {
    // 1, then the two NaN rows as one cut: (1 of 3) for the positive among them.
    expect(averagePrecision([1, Number.NaN, Number.NaN], [0, 1, 0])).toBeCloseTo(1 / 3, 12);
    // 2, 1 (the positive: 1 of 2), then NaN: the 1 is not tied with the NaN below it.
    expect(averagePrecision([2, 1, Number.NaN], [0, 1, 0])).toBe(0.5);
  });

  it('breaks ties by index in the top k, takes k from 1, and refuses scores and truth of different lengths', () => {
    expect(precisionAtK([1, 1, 1], [0, 0, 1], 1)).toBe(0);
    expect(precisionAtK([1, 1, 1], [1, 0, 0], 1)).toBe(1);
    expect(precisionAtK([5, 4], [1, 0], 1)).toBe(1);
    expect(precisionAtK([5, 4], [1, 0], 0.6)).toBeNaN();
    expect(() => averagePrecision([1, 2], [1])).toThrow('averagePrecision: 2 scores but 1 truth values.');
  });
});
