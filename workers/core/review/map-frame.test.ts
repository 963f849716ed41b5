import { describe, expect, it } from 'vitest';
import { pointsInPolygon } from './geometry';
import { asDrawn, axisBounds, frameOf, pixelsToData, toPx, toPy } from './map-geometry';

/** 0, 1, …, n − 1 as sorted values. */
const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('map bounds with far points', () => {
  it('keeps the whole range when no few points stretch it', () => {
    // 200 values 0..199: the half-percent tail is 1 point a side; 199 ≤ 2 × (198 − 1), so nothing is left out.
    expect(axisBounds(ramp(200))).toEqual([0, 199]);
    // Under 200 points no point may lie beyond: one far value still sets the bound.
    expect(axisBounds(Float64Array.from([...ramp(199).subarray(0, 198), 10_000]))).toEqual([0, 10_000]);
  });

  it('bounds the rest, with a twentieth of their range either side, when one point stretches the axis', () => {
    // 0..198 and 10,000: lo = 1, hi = 198 (the 2nd and 199th values); 10,000 > 2 × 197, so the bounds are
    // [max(0, 1 − 9.85), min(10,000, 198 + 9.85)] = [0, 207.85].
    const [lo, hi] = axisBounds(Float64Array.from([...ramp(199), 10_000]));
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(207.85, 10);
  });

  it('draws the far point on the edge, counts it, and a lasso drawn around that edge takes it', () => {
    // 199 points on the diagonal 0..198 and one at (10,000, 10,000): the image demo's PCA map had such a point, and
    // every other point was squeezed into one corner.
    const values = [...ramp(199)].flatMap((v) => [v, v]);
    const xy = Float32Array.from([...values, 10_000, 10_000]);
    const f = frameOf(xy, 200, 100, 8);
    expect(f.beyond).toBe(1);
    expect(f.x1).toBeCloseTo(207.85, 4);
    // Pixel x of 198: 8 + 198 / 207.85 × 184 = 183.28; the far point sits on the edge, 4 px in.
    expect(toPx(f, 198)).toBeCloseTo(183.28, 2);
    expect([toPx(f, 10_000), toPy(f, 10_000)]).toEqual([196, 4]);
    expect([toPx(f, -10_000), toPy(f, -10_000)]).toEqual([4, 96]);
    const drawn = asDrawn(f, xy);
    // Unmoved inside the bounds, to the bit.
    expect(drawn.subarray(0, values.length)).toEqual(Float32Array.from(values));
    // A lasso around the top-right corner in pixels (190..200 × 0..10) holds the far point only.
    const corner = pixelsToData(f, [190, 0, 200, 0, 200, 10, 190, 10]);
    expect([...pointsInPolygon(drawn, corner)]).toEqual([199]);
    expect([...pointsInPolygon(xy, corner)]).toEqual([]);
  });

  it('compares the far points’ stretch with twice the rest’s range, wherever the axis starts', () => {
    // 0..198 and 300: lo = 1, hi = 198; 300 ≤ 2 × 197, so the whole range stays (a cut would end at 207.85).
    expect(axisBounds(Float64Array.from([...ramp(199), 300]))).toEqual([0, 300]);
    // 10..208 and 404: a range of 394, exactly 2 × (208 − 11): still the whole range.
    const shifted = Float64Array.from([...ramp(199)].map((v) => v + 10));
    expect(axisBounds(Float64Array.from([...shifted, 404]))).toEqual([10, 404]);
    // 1,000..1,198 and 1,600: 600 > 2 × 197, so the rest's range with 9.85 either side: [1,000, 1,207.85].
    const far = axisBounds(Float64Array.from([...[...ramp(199)].map((v) => v + 1000), 1600]));
    expect(far[0]).toBe(1000);
    expect(far[1]).toBeCloseTo(1207.85, 10);
  });

  it('counts a point beyond one side of one axis, and none on a frame that keeps every point', () => {
    const diagonal = [...ramp(199)].flatMap((v) => [v, v]);
    expect(frameOf(Float32Array.from(diagonal), 200, 100, 8).beyond).toBe(0);
    // Four far points, each beyond one bound only: left, right, below, above.
    for (const [x, y] of [
      [-10_000, 100],
      [10_000, 100],
      [100, -10_000],
      [100, 10_000],
    ]) {
      const f = frameOf(Float32Array.from([...diagonal, x as number, y as number]), 200, 100, 8);
      expect(f.beyond).toBe(1);
    }
    const all = frameOf(
      Float32Array.from([...diagonal, -10_000, 100, 10_000, 100, 100, -10_000, 100, 10_000]),
      200,
      100,
      8,
    );
    expect(all.beyond).toBe(4);
  });

  it('moves a far point to the edge, half the padding in, on a frame that does not start at 0', () => {
    // 1,000..1,198 on the diagonal and (20,000, 20,000): the frame is [1,000, 1,207.85] on both axes.
    const values = [...ramp(199)].flatMap((v) => [v + 1000, v + 1000]);
    const f = frameOf(Float32Array.from([...values, 20_000, 20_000]), 200, 100, 8);
    expect(f.x0).toBe(1000);
    const drawn = asDrawn(f, Float32Array.from([20_000, 20_000, -20_000, -20_000]));
    // Half the padding (4 px) past the bounds, in data units: 4 × 207.85 / 184 on x, 4 × 207.85 / 84 on y.
    expect(drawn[0]).toBeCloseTo(1207.85 + (4 * 207.85) / 184, 2);
    expect(drawn[1]).toBeCloseTo(1207.85 + (4 * 207.85) / 84, 2);
    expect(drawn[2]).toBeCloseTo(1000 - (4 * 207.85) / 184, 2);
    expect(drawn[3]).toBeCloseTo(1000 - (4 * 207.85) / 84, 2);
    expect(
      [toPx(f, drawn[0] as number), toPy(f, drawn[1] as number)].map((v) => Math.round(v * 1000) / 1000),
    ).toEqual([196, 4]);
  });

  it('keeps non-finite points non-finite', () => {
    const f = frameOf(Float32Array.from([0, 0, 1, 1]), 100, 100, 8);
    expect([...asDrawn(f, Float32Array.from([Number.NaN, 0.5]))].map(Number.isNaN)).toEqual([true, false]);
  });
});
