/**
 * Canaries on a table written on a grid (8-bit pixels k / 255, whole numbers, a few decimals) hold only values such a
 * table can hold: the grid is the coarsest step every sampled cell is a multiple of, and every appended value is
 * snapped to it and kept within the table's range. Continuous tables are left as they were.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type CanarySource, featureStats, snapRows, snapValue } from './context';
import { injectCanaries } from './inject';

/** `n` rows × `f` features, labels i % classes, cells from `cell(i, j)` (stored as float32). */
function table(n: number, f: number, classes: number, cell: (i: number, j: number) => number): CanarySource {
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const features = Float32Array.from({ length: n * f }, (_, k) => cell(Math.floor(k / f), k % f));
  return { features, featureCount: f, labels, classCount: classes };
}

describe('the table grid', () => {
  it('is the coarsest step every cell is a multiple of', () => {
    const grid = (cell: (i: number, j: number) => number) => featureStats(table(40, 3, 2, cell), 1).grid;
    expect(grid((i, j) => i * j - 30)).toBe(1);
    expect(grid((i) => i / 10)).toBe(0.1);
    // 8-bit pixels: k / 255 is no multiple of 0.1 or of 1 (but 0 and 255 / 255 are).
    expect(grid((i, j) => ((7 * i + j) % 256) / 255)).toBe(1 / 255);
    expect(grid((i) => i / 100)).toBe(0.01);
    expect(grid((i) => 0.5 + i / 1000)).toBe(0.001);
    // One cell with a fourth decimal leaves no step.
    expect(grid((i, j) => (i === 39 && j === 2 ? 0.0001 : i))).toBeNull();
  });

  it('is null for continuous values and for a table with no rows', () => {
    const rng = createRng(3);
    expect(
      featureStats(
        table(200, 3, 2, () => rng.next()),
        1,
      ).grid,
    ).toBeNull();
    expect(
      featureStats(
        table(0, 3, 2, () => 0),
        1,
      ).grid,
    ).toBeNull();
  });
});

describe('snapping to the grid', () => {
  const ctx = (grid: number | null) => ({
    stats: {
      ...featureStats(
        table(2, 1, 2, (i) => i),
        1,
      ),
      grid,
    },
    range: { min: 0, max: 3 },
  });

  it('takes the nearest multiple of the step, within the range', () => {
    const cases: Array<[number, number]> = [
      [0.4, 0],
      [0.6, 1],
      [1.5, 2],
      [2.4, 2],
      [-5, 0],
      [10, 3],
    ];
    for (const [v, want] of cases) expect(snapValue(ctx(1), v)).toBe(want);
    expect(snapValue(ctx(0.5), 1.3)).toBe(1.5);
    expect(snapValue(ctx(1), Number.NaN)).toBeNaN();
    expect(snapValue(ctx(null), 10.25)).toBe(10.25);
  });

  it('snaps every value of a block in place, and leaves it alone without a grid', () => {
    const rows = Float32Array.from([0.2, 2.6, 1.4, -1]);
    snapRows(ctx(null), rows);
    expect(Array.from(rows)).toEqual(Array.from(Float32Array.from([0.2, 2.6, 1.4, -1])));
    snapRows(ctx(1), rows);
    expect(Array.from(rows)).toEqual([0, 3, 1, 0]);
  });
});

describe('canaries on a table of pixels', () => {
  it('every appended value is k / 255 with k in 0..255; on continuous values most are new values', () => {
    // 120 images of 6 × 6 pixels in 3 classes (fewer rows than pixel levels), the class setting the brightness.
    const rng = createRng(8);
    const pixels = table(120, 36, 3, (i, j) =>
      j === 0 ? i % 2 : ((i % 3) * 70 + Math.floor(100 * rng.next())) / 255,
    );
    const injected = injectCanaries(pixels, { seed: 5 });
    const added = Array.from(injected.features.subarray(pixels.features.length));
    expect(added.length).toBeGreaterThan(0);
    const offGrid = added.filter((v) => {
      const k = Math.round(v * 255);
      return k < 0 || k > 255 || v !== Math.fround(k / 255);
    });
    expect(offGrid).toEqual([]);

    const cont = createRng(9);
    const continuous = table(300, 36, 3, (i) => (i % 3) + cont.next());
    const held = new Set(Array.from(continuous.features));
    const addedC = injectCanaries(continuous, { seed: 5 }).features.subarray(continuous.features.length);
    expect(Array.from(addedC).filter((v) => !held.has(v)).length).toBeGreaterThan(addedC.length / 2);
  });
});

describe('the grid of large values, and the rows the snap leaves alone', () => {
  it('allows a float32 error relative to the value (a millionth of it), not an absolute millionth', () => {
    // 1000.1 as float32 is 1000.0999755859375: 2.4e-5 off the grid of 0.1, within 1e-6 × 1000.1 (about 1e-3).
    expect(
      featureStats(
        table(40, 2, 2, (i) => 1000 + i / 10),
        1,
      ).grid,
    ).toBe(0.1);
    // 1000 + 2^-11 (exact in float32) is 4.9e-4 off a whole number: within 1e-6 × 1000, so the grid is 1.
    expect(
      featureStats(
        table(40, 2, 2, (i, j) => (i === 39 && j === 1 ? 1000 + 2 ** -11 : i)),
        1,
      ).grid,
    ).toBe(1);
  });

  it('snaps only the appended rows, never the analyst rows before them', () => {
    // Whole numbers, and in the last analyst row one value 2^-11 off a whole number (the grid is still 1): a snap of
    // an analyst row would make it 1000.
    const n = 120;
    const f = 6;
    const source = table(n, f, 3, (i, j) =>
      i === n - 1 && j === f - 1 ? 1000 + 2 ** -11 : (i * (j + 1)) % 7,
    );
    expect(featureStats(source, 1).grid).toBe(1);
    const injected = injectCanaries(source, { seed: 5 });
    expect(injected.features.length).toBeGreaterThan(n * f);
    expect(injected.features[n * f - 1]).toBe(1000 + 2 ** -11);
    expect(Array.from(injected.features.subarray(0, n * f))).toEqual(Array.from(source.features));
  });
});
