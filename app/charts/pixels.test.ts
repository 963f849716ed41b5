import { describe, expect, it } from 'vitest';
import { differenceRgba, largestDifference, markedRgba, rgbaOf } from './pixels';

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

describe('markedRgba', () => {
  it('draws the pixels of the columns yellow and the others grey at a third of their brightness', () => {
    // A 1 × 3 RGB image; columns 4 and 5 are channels of pixel 1 (index / 3).
    const pixels = [30, 60, 90, 255, 0, 0, 3, 3, 3];
    const out = Array.from(markedRgba(pixels, [4, 5], { height: 1, width: 3, channels: 3 }));
    expect(out).toEqual([20, 20, 20, 255, 255, 210, 0, 255, 1, 1, 1, 255]);
  });

  it('marks grey pixels one column each and ignores columns outside the image', () => {
    const out = Array.from(markedRgba([90, 90], [1, 2, -1], { height: 1, width: 2, channels: 1 }));
    expect(out).toEqual([30, 30, 30, 255, 255, 210, 0, 255]);
  });
});
