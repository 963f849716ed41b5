import { describe, expect, it } from 'vitest';
import { frameOf, nearestPoint, pixelGrid, pixelsToData, toPx, toPy } from './scatter';

describe('scatter transforms', () => {
  const xy = Float32Array.from([0, 0, 10, 5, Number.NaN, 1, 5, 2.5]);
  const f = frameOf(xy, 120, 70, 10);
  it('maps the finite bounds to the padded canvas, y up', () => {
    expect([f.x0, f.x1, f.y0, f.y1]).toEqual([0, 10, 0, 5]);
    expect([toPx(f, 0), toPy(f, 0)]).toEqual([10, 60]);
    expect([toPx(f, 10), toPy(f, 5)]).toEqual([110, 10]);
  });
  it('pixel polygons map back to data coordinates', () => {
    expect([...pixelsToData(f, [10, 60, 110, 10])]).toEqual([0, 0, 10, 5]);
  });
  it('finds the nearest point within the radius, skipping non-finite ones', () => {
    const grid = pixelGrid(f, xy);
    expect(nearestPoint(f, grid, xy, 61, 34)).toBe(3);
    expect(nearestPoint(f, grid, xy, 11, 59)).toBe(0);
    expect(nearestPoint(f, grid, xy, 40, 40)).toBe(-1);
  });
});
