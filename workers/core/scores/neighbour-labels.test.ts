/** The nearest-rows label vote (neighbour-labels.ts) on hand-placed rows. */
import { describe, expect, it } from 'vitest';
import {
  columnMoments,
  columnScales,
  disagrees,
  type NeighbourSpace,
  scalesOf,
  stride,
} from './neighbour-labels';

describe('stride', () => {
  it('keeps every entry up to m, else m entries at an even stride', () => {
    expect(stride([4, 5, 6], 3)).toEqual([4, 5, 6]);
    expect(stride([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 2, 5, 7]);
  });
});

describe('columnScales', () => {
  it('is 1 / the population standard deviation over the given rows, 0 for a constant column', () => {
    // Rows (2 columns): [1, 7], [3, 7], [9, 9], [5, 7]; only rows 0, 1 and 3 are read: column 0 holds 1, 3, 5
    // (sd sqrt(8/3)), column 1 holds 7, 7, 7.
    const features = Float32Array.from([1, 7, 3, 7, 9, 9, 5, 7]);
    const scale = columnScales(features, 2, Int32Array.from([0, 1, 3]));
    expect(scale[0]).toBeCloseTo(1 / Math.sqrt(8 / 3), 6);
    expect(scale[1]).toBe(0);
  });
});

describe('columnMoments continued', () => {
  it('gives the scales of the rows at once, to the bit, and leaves the moments it continues as they were', () => {
    // Values with long binary fractions, so that another order of additions would round differently.
    const features = Float32Array.from({ length: 40 }, (_, i) => Math.fround(Math.sqrt(i + 2) * 1.1));
    const first = columnMoments(features, 4, Int32Array.from([0, 2, 4, 6]));
    expect(first.count).toBe(4);
    // Column 0 of rows 0, 2, 4, 6: the values at 0, 8, 16, 24.
    const column0 = [0, 8, 16, 24].reduce((t, k) => t + (features[k] as number), 0);
    expect(first.sum[0]).toBe(column0);
    const continued = columnMoments(features, 4, Int32Array.from([9, 1]), first);
    expect(continued.count).toBe(6);
    expect(scalesOf(continued)).toEqual(columnScales(features, 4, Int32Array.from([0, 2, 4, 6, 9, 1])));
    expect(first.count).toBe(4);
    expect(first.sum[0]).toBe(column0);
  });
});

describe('disagrees', () => {
  // One feature; rows 0-2 at 0, 1, 2 with label 0; rows 3-4 at 10, 11 with label 1; row 5 at 1.5 with label 1.
  const space = (k: number, reference: number[]): NeighbourSpace => ({
    features: Float32Array.from([0, 1, 2, 10, 11, 1.5]),
    cols: 1,
    local: Int32Array.from([0, 1, 2, 3, 4, 5]),
    labels: Int32Array.from([0, 0, 0, 1, 1, 1]),
    scale: Float64Array.from([1]),
    reference,
    k,
  });
  const all = [0, 1, 2, 3, 4, 5];

  it('is 1 when the nearest rows mostly carry another label, never counting the row itself', () => {
    // Row 5's 3 nearest others are rows 1, 2 and 0 (label 0): it disagrees; row 1's are 0, 2, 5: two of three agree.
    expect(disagrees(space(3, all), 5, null)).toBe(1);
    expect(disagrees(space(3, all), 1, null)).toBe(0);
    // Excluding rows 0-2 (as a cluster's own rows), row 5's nearest are rows 3 and 4: it agrees.
    expect(disagrees(space(2, all), 5, new Set([0, 1, 2]))).toBe(0);
    // Only the reference rows vote.
    expect(disagrees(space(1, [3, 4]), 5, null)).toBe(0);
  });

  it('counts a tie as agreement, and leaves skipped columns out of the distance', () => {
    // k = 2 around row 2 (at 2): rows 5 (1.5, label 1) and 1 (1, label 0): one vote each, a tie with its label 0.
    expect(disagrees(space(2, all), 2, null)).toBe(0);
    // Two columns, the second skipped: row 0's nearest by the first column alone is row 1 (label 1).
    const two: NeighbourSpace = {
      features: Float32Array.from([0, 0, 1, 100, 5, 0]),
      cols: 2,
      local: Int32Array.from([0, 1, 2]),
      labels: Int32Array.from([0, 1, 0]),
      scale: Float64Array.from([1, 1]),
      reference: [0, 1, 2],
      k: 1,
    };
    expect(disagrees(two, 0, null)).toBe(0);
    expect(disagrees(two, 0, null, new Set([1]))).toBe(1);
  });
});
