import { describe, expect, it } from 'vitest';
import { greyPixels, valueRange } from './image';

describe('greyPixels', () => {
  it('maps lo to black and hi to white, opaque, clamped outside the range', () => {
    const px = greyPixels([0, 8, 16, 20, -3], 0, 16);
    expect(Array.from(px)).toEqual([
      0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255,
    ]);
  });
  it('draws mid-grey for a flat range', () => {
    expect(Array.from(greyPixels([5], 5, 5))).toEqual([128, 128, 128, 255]);
  });
});

describe('valueRange', () => {
  it('spans the smallest min and largest max, skipping non-finite statistics', () => {
    expect(valueRange([0, -2, Number.NaN], [16, 3, Number.NaN])).toEqual({ lo: -2, hi: 16 });
  });
  it('falls back to [0, 1] when nothing is finite', () => {
    expect(valueRange([Number.NaN], [Number.NaN])).toEqual({ lo: 0, hi: 1 });
  });
});
