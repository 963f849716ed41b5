import { describe, expect, it } from 'vitest';
import { histogramPath, thresholdX } from './histogram';
import { sparklinePoints } from './sparkline';

describe('review view geometry', () => {
  it('spans the finite values over the sparkline’s height, first epoch at x 0', () => {
    expect(sparklinePoints([1, 3, 2], 10, 4)).toBe('0,4 5,0 10,2');
    expect(sparklinePoints([2, 2], 10, 4)).toBe('0,4 10,4');
  });
  it('draws every bin as a bar scaled to the tallest, and places the threshold', () => {
    expect(histogramPath([1, 2, 0], 30, 10)).toBe('M0,10v-5h9v5zM10,10v-10h9v10zM20,10v0h9v0z');
    expect(thresholdX({ min: 0, max: 2 }, 1.5, 40)).toBe(30);
    expect(thresholdX({ min: 0, max: 2 }, Number.NaN, 40)).toBe(-1);
  });
});
