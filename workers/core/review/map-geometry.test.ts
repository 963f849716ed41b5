import { beforeEach, describe, expect, it } from 'vitest';
import {
  frameOf,
  nearestPoint,
  packColour,
  pixelGrid,
  pixelsToData,
  rasterisePoints,
  type ScatterFrame,
  toPx,
  toPy,
} from './map-geometry';

describe('scatter transforms', () => {
  const xy = Float32Array.from([0, 0, 10, 5, Number.NaN, 1, 5, 2.5]);
  // Built in beforeEach, not when the file is collected: Stryker switches a mutant on only while tests run.
  let f: ScatterFrame;
  beforeEach(() => {
    f = frameOf(xy, 120, 70, 10);
  });
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

describe('points layer pixels', () => {
  it('packs hex and rgb() colours as opaque little-endian RGBA, and refuses other text', () => {
    expect(packColour('#ff0000')).toBe(0xff0000ff);
    expect(packColour('#0f0')).toBe(0xff00ff00);
    expect(packColour('#123456')).toBe(0xff563412);
    expect(packColour('rgb(1, 2, 3)')).toBe(0xff030201);
    expect(packColour('rgba(1,2,3,0.5)')).toBe(0xff030201);
    expect(packColour('red')).toBeNull();
    expect(packColour('#12345')).toBeNull();
  });

  it('writes each finite point as a clipped square, later points over earlier ones, against a per-pixel loop', () => {
    // 10 × 10 CSS pixels at ratio 2, no padding: data [0, 1] maps onto pixels [0, 10].
    const f: ScatterFrame = { width: 10, height: 10, x0: 0, x1: 1, y0: 0, y1: 1, pad: 0, beyond: 0 };
    const xy = Float32Array.from([0.5, 0.5, 0.55, 0.5, 0, 0, Number.NaN, 0.3, 1, 1]);
    const colours = [11, 22, 33, 44, 55];
    const pixels = new Uint32Array(20 * 20);
    expect(rasterisePoints(f, xy, (i) => colours[i] as number, 2, pixels)).toEqual({ drawn: 4, finite: 4 });

    const expected = new Uint32Array(20 * 20);
    for (let i = 0; i < xy.length / 2; i++) {
      const x = xy[2 * i] as number;
      const y = xy[2 * i + 1] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      // Centre in device pixels; a 3-CSS-pixel square is 6 device pixels wide.
      const left = Math.round(x * 10 * 2 - 3);
      const top = Math.round((10 - y * 10) * 2 - 3);
      for (let py = top; py < top + 6; py++) {
        for (let px = left; px < left + 6; px++) {
          if (px >= 0 && px < 20 && py >= 0 && py < 20) expected[py * 20 + px] = colours[i] as number;
        }
      }
    }
    expect(Array.from(pixels)).toEqual(Array.from(expected));
    // Hand-checked: the second point (22) overlaps the first and wins where they meet; the corner points are clipped.
    expect(pixels[10 * 20 + 8]).toBe(22);
    expect(pixels[10 * 20 + 7]).toBe(11);
    expect(pixels[19 * 20 + 0]).toBe(33);
    expect(pixels[0 * 20 + 19]).toBe(55);
    expect(pixels.includes(44)).toBe(false);
  });

  it('draws only the points a filter keeps, and counts them against the finite points', () => {
    const f: ScatterFrame = { width: 10, height: 10, x0: 0, x1: 1, y0: 0, y1: 1, pad: 0, beyond: 0 };
    // Point 0 is left out, point 1 kept, point 2 has no position (not counted at all).
    const xy = Float32Array.from([0.55, 0.5, 0.5, 0.5, Number.NaN, 0]);
    const pixels = new Uint32Array(20 * 20);
    const count = rasterisePoints(f, xy, (i) => 7 + i, 2, pixels, Uint8Array.from([0, 1, 1]));
    expect(count).toEqual({ drawn: 1, finite: 2 });
    // Point 1 covers device pixels 7-12 of row 10; point 0 (11-16) is not drawn, so 13 stays empty.
    expect(pixels[10 * 20 + 8]).toBe(8);
    expect(pixels[10 * 20 + 13]).toBe(0);
    expect(pixels.includes(7)).toBe(false);
    const grid = pixelGrid(f, xy, 8, Uint8Array.from([0, 1]));
    expect(nearestPoint(f, grid, xy, 5.5, 5)).toBe(1);
    expect([...grid.cells.values()].flat()).toEqual([1]);
  });
});

describe('map geometry, edge cases (issue 16)', () => {
  it('bounds only the points finite in both coordinates, and widens a flat extent to 1', () => {
    const frame = (values: number[]) => {
      const f = frameOf(Float32Array.from(values), 100, 50, 4);
      return [f.x0, f.x1, f.y0, f.y1, f.width, f.height, f.pad];
    };
    expect(frame([Number.NaN, 1, 2, Number.NaN])).toEqual([0, 1, 0, 1, 100, 50, 4]);
    expect(frame([1, 2, 3, 4, Infinity, 3, Number.NaN, 100, 2, -Infinity])).toEqual([1, 3, 2, 4, 100, 50, 4]);
    expect(frame([3, 4])).toEqual([3, 4, 4, 5, 100, 50, 4]);
    expect(frame([1, 2, 3, 2])).toEqual([1, 3, 2, 3, 100, 50, 4]);
    expect(frame([2, 1, 2, 3])).toEqual([2, 3, 1, 3, 100, 50, 4]);
  });

  it('maps data away from the origin to pixels and back', () => {
    // x in [2, 6] onto [10, 110], y in [−1, 4] onto [60, 10].
    const f: ScatterFrame = { width: 120, height: 70, x0: 2, x1: 6, y0: -1, y1: 4, pad: 10, beyond: 0 };
    expect([toPx(f, 2), toPx(f, 4), toPx(f, 6)]).toEqual([10, 60, 110]);
    expect([toPy(f, -1), toPy(f, 1.5), toPy(f, 4)]).toEqual([60, 35, 10]);
    expect([...pixelsToData(f, [60, 35, 10, 60])]).toEqual([4, 1.5, 2, -1]);
  });

  it('finds the nearest point across cell edges, within the radius exactly, nearest first', () => {
    // A 100 × 100 map without padding where data (x, y) is pixel (x, 100 − y); cells of 8 pixels, radius 6.
    const f: ScatterFrame = { width: 100, height: 100, x0: 0, x1: 100, y0: 0, y1: 100, pad: 0, beyond: 0 };
    const nearest = (pixels: number[][], px: number, py: number) => {
      const xy = Float32Array.from(pixels.flatMap(([x, y]) => [x as number, 100 - (y as number)]));
      return nearestPoint(f, pixelGrid(f, xy), xy, px, py);
    };
    // Two points in one cell: each is found.
    expect(
      nearest(
        [
          [50, 50],
          [52, 50],
        ],
        50,
        50,
      ),
    ).toBe(0);
    expect(
      nearest(
        [
          [50, 50],
          [52, 50],
        ],
        52,
        50,
      ),
    ).toBe(1);
    // 5 pixels below or right, in the next cell.
    expect(nearest([[20, 12]], 20, 7)).toBe(0);
    expect(nearest([[12, 20]], 7, 20)).toBe(0);
    // 1 pixel away beats 5 pixels away in the cell below.
    expect(
      nearest(
        [
          [30, 31],
          [30, 35],
        ],
        30,
        30,
      ),
    ).toBe(0);
    // Exactly 6 pixels away is within the radius; 6√2 is not.
    expect(nearest([[86, 80]], 80, 80)).toBe(0);
    expect(nearest([[66, 66]], 60, 60)).toBe(-1);
  });

  it('reads colours only as a whole #hex or rgb() text, spaces and several digits allowed', () => {
    expect(packColour('x#123456')).toBeNull();
    expect(packColour('xrgb(1, 2, 3)')).toBeNull();
    expect(packColour('rgb(1, 2, 3)x')).toBeNull();
    expect(packColour('rgba( 10 , 20 , 30 , 0.5 )')).toBe(0xff1e140a);
  });
});
