import { describe, expect, it } from 'vitest';
import { differenceRgba, largestDifference, rgbaOf } from './pixels';

describe('rgbaOf', () => {
  it('spreads a grey value over R, G and B and keeps RGB as it is, opaque', () => {
    expect(Array.from(rgbaOf([7, 200], { height: 1, width: 2, channels: 1 }))).toEqual([
      7, 7, 7, 255, 200, 200, 200, 255,
    ]);
    expect(Array.from(rgbaOf([1, 2, 3, 4, 5, 6], { height: 2, width: 1, channels: 3 }))).toEqual([
      1, 2, 3, 255, 4, 5, 6, 255,
    ]);
  });
});

describe('differenceRgba', () => {
  it('draws brighter than the mean red, darker blue, equal black, scaled by `scale`', () => {
    const shape = { height: 1, width: 3, channels: 1 };
    const out = differenceRgba([255, 0, 40], [55, 100, 40], shape, 200);
    expect(Array.from(out)).toEqual([255, 0, 0, 255, 0, 0, 128, 255, 0, 0, 0, 255]);
  });

  it('averages the channels of an RGB image', () => {
    const shape = { height: 1, width: 1, channels: 3 };
    // +90, -30, +0 → mean +20 of 255.
    expect(Array.from(differenceRgba([100, 0, 50], [10, 30, 50], shape))).toEqual([20, 0, 0, 255]);
    expect(largestDifference([100, 0, 50], [10, 30, 50], shape)).toBe(20);
  });
});
