import { describe, expect, it } from 'vitest';
import { flatten, resizeInto, toShape } from './pixels';

describe('pixels', () => {
  it('composites alpha over black and turns grey input into the same grey', () => {
    const rgba = Uint8Array.of(200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 50, 128, 90, 90, 90, 255);
    const raw = { width: 4, height: 1, rgba };
    expect(Array.from(flatten(raw, 3))).toEqual([200, 100, 50, 0, 0, 0, 100, 50, 25, 90, 90, 90]);
    // (77·200 + 150·100 + 29·50 + 128) >> 8 = 124; grey 90 stays 90.
    expect(Array.from(flatten(raw, 1))).toEqual([124, 0, 62, 90]);
  });

  it('shrinks by area averages and enlarges bilinearly between pixel centres', () => {
    const src = Uint8Array.of(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150);
    const out = new Uint8Array(4);
    resizeInto(src, 4, 4, { height: 2, width: 2, channels: 1 }, out, 0);
    // Each output averages a 2 × 2 block.
    expect(Array.from(out)).toEqual([25, 45, 105, 125]);
    const big = new Uint8Array(16);
    resizeInto(Uint8Array.of(0, 100, 200, 40), 2, 2, { height: 4, width: 4, channels: 1 }, big, 0);
    // Corners keep their values; x = 0.25 of the way between 0 and 100 → 25.
    expect([big[0], big[1], big[3], big[15]]).toEqual([0, 25, 100, 40]);
    const odd = new Uint8Array(3);
    resizeInto(Uint8Array.of(0, 30, 60, 90, 120, 150), 6, 1, { height: 1, width: 3, channels: 1 }, odd, 0);
    expect(Array.from(odd)).toEqual([15, 75, 135]);
  });

  it('copies an image already at the shape, at the given offset', () => {
    const out = new Uint8Array(8);
    toShape(
      { width: 2, height: 1, rgba: Uint8Array.of(1, 2, 3, 255, 4, 5, 6, 255) },
      { height: 1, width: 2, channels: 3 },
      out,
      2,
    );
    expect(Array.from(out)).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
  });
});
