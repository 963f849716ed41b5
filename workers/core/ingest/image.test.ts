import { describe, expect, it } from 'vitest';
import { squareImageSize } from './image';

describe('squareImageSize', () => {
  it('offers square images for square feature counts', () => {
    expect(squareImageSize(64)).toEqual({ width: 8, height: 8 });
    expect(squareImageSize(784)).toEqual({ width: 28, height: 28 });
    expect(squareImageSize(4)).toEqual({ width: 2, height: 2 });
  });

  it('offers nothing otherwise', () => {
    for (const n of [0, 1, 2, 30, 63, 65, 783, 2.25, Number.NaN]) expect(squareImageSize(n)).toBeNull();
  });
});
