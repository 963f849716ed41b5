import { describe, expect, it } from 'vitest';
import { positionInOrder, sampleIndexOf, stepInOrder } from './position';

describe('positionInOrder and stepInOrder', () => {
  const order = Int32Array.from([7, 3, 9, 0, 5]);

  it('finds a row by scanning, or from a hint on the same order', () => {
    expect(positionInOrder(order, 9, null)).toBe(2);
    expect(positionInOrder(order, 4, null)).toBe(-1);
    // A hint is trusted only for the same array and a row still at that position.
    expect(positionInOrder(order, 9, { order, row: 9, at: 2 })).toBe(2);
    expect(positionInOrder(order, 5, { order, row: 9, at: 2 })).toBe(4);
    expect(positionInOrder(order, 9, { order: order.slice(), row: 9, at: 0 })).toBe(2);
    expect(positionInOrder(order, 9, { order, row: 9, at: 0 })).toBe(2);
  });

  it('moves j/k in table order, clamped at both ends, starting at the top without a focus', () => {
    expect(stepInOrder(order, null, 1, null)).toBe(0);
    expect(stepInOrder(order, 4, 1, null)).toBe(0);
    expect(stepInOrder(order, 3, 1, null)).toBe(2);
    expect(stepInOrder(order, 3, -1, null)).toBe(0);
    expect(stepInOrder(order, 5, 1, { order, row: 5, at: 4 })).toBe(4);
    expect(stepInOrder(new Int32Array(0), 3, 1, null)).toBe(-1);
  });
});

describe('sampleIndexOf', () => {
  it('finds rows of a run that kept every row, and of one that left rows out', () => {
    const all = Int32Array.from({ length: 10 }, (_, i) => i);
    expect(sampleIndexOf(all, 6)).toBe(6);
    const kept = Int32Array.from([0, 2, 3, 7, 8, 11]);
    expect(Array.from([0, 2, 3, 7, 8, 11], (r) => sampleIndexOf(kept, r))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sampleIndexOf(kept, 5)).toBe(-1);
    expect(sampleIndexOf(kept, 12)).toBe(-1);
    // Rows out of dataset order still resolve (by a scan).
    expect(sampleIndexOf(Int32Array.from([5, 9, 1]), 1)).toBe(2);
  });
});
