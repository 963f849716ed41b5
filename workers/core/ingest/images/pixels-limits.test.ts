/**
 * resizeInto in three channels and along both axes, values computed by hand. The axis weights are cached per
 * (input size, output size) for the life of the module, and the cache is only emptied past 64 entries: each test
 * first fills it with 70 pairs no other test uses, new on each run, so the weights it checks are computed afresh on every run (a
 * worker reused from run to run would otherwise keep the weights of the first).
 */
import { describe, expect, it } from 'vitest';
import { resizeInto } from './pixels';

let round = 0;
function emptyCache(): void {
  // 2..71 pixels → 1,000 + round: sizes no other test uses, new on each run.
  const width = 1000 + round++;
  const out = new Uint8Array(width);
  for (let k = 2; k < 72; k++) resizeInto(new Uint8Array(k), k, 1, { height: 1, width, channels: 1 }, out, 0);
}

const resize = (src: number[], w: number, h: number, W: number, H: number, c: 1 | 3, at = 0): number[] => {
  emptyCache();
  const out = new Uint8Array(at + W * H * c);
  resizeInto(Uint8Array.from(src), w, h, { width: W, height: H, channels: c }, out, at);
  return Array.from(out);
};

describe('resizeInto', () => {
  it('shrinks three channels by area averages, across and down', () => {
    // 4 × 1 → 2 × 1: pixels (0,10,20) (30,40,50) → (15,25,35); (60,70,80) (90,100,110) → (75,85,95).
    expect(resize([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 4, 1, 2, 1, 3)).toEqual([
      15, 25, 35, 75, 85, 95,
    ]);
    // 1 × 2 → 1 × 1: the two rows averaged.
    expect(resize([10, 20, 30, 30, 40, 50], 1, 2, 1, 1, 3)).toEqual([20, 30, 40]);
    // 3 → 2 (scale 1.5): out 0 is 2/3 of pixel 0 and 1/3 of pixel 1; out 1 is 1/3 of pixel 1 and 2/3 of pixel 2.
    expect(resize([0, 30, 90], 3, 1, 2, 1, 1)).toEqual([10, 70]);
  });

  it('enlarges three channels bilinearly between pixel centres, clamped at the edges', () => {
    // 3 → 6 (scale 0.5): centres at -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2).
    const src = [0, 100, 200, 40, 20, 0, 80, 80, 80];
    expect(resize(src, 3, 1, 6, 1, 3)).toEqual([
      0, 100, 200, 10, 80, 150, 30, 40, 50, 50, 35, 20, 70, 65, 60, 80, 80, 80,
    ]);
    // Down the column: 1 × 2 → 1 × 4, one channel: 0, 0.25·40, 0.75·40, 40.
    expect(resize([0, 40], 1, 2, 1, 4, 1)).toEqual([0, 10, 30, 40]);
  });

  it('writes at the offset and leaves the bytes before it alone', () => {
    expect(resize([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 4, 1, 2, 1, 3, 2)).toEqual([
      0, 0, 15, 25, 35, 75, 85, 95,
    ]);
  });
});
