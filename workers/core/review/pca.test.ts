/**
 * pca2d's coordinates, the ones the map draws, against references written here: a 3-D cloud built on an orthonormal
 * basis worked out by hand, the 2 × 2 closed form, and on random rotated clouds a power iteration with Hotelling
 * deflation from a random start (issue 16: review.test.ts checked only the spread of centred data).
 * The sign rule is the documented one: each axis points so that its largest entry is positive.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { pca2d } from './pca';

/** Flips a unit vector so that its entry of largest magnitude is positive. */
function signed(v: number[]): number[] {
  let big = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j] as number) > Math.abs(v[big] as number)) big = j;
  return (v[big] as number) < 0 ? v.map((x) => -x) : v;
}

/** (row − mean) · axis for every row, the expected coordinates. */
function project(rows: number[][], axes: number[][]): number[] {
  const d = (rows[0] as number[]).length;
  const mean = Array.from(
    { length: d },
    (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length,
  );
  return rows.flatMap((r) =>
    axes.map((a) => r.reduce((s, x, j) => s + (x - (mean[j] as number)) * (a[j] as number), 0)),
  );
}

function expectClose(actual: Float32Array, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(tolerance);
}

describe('pca2d coordinates', () => {
  it('projects a 3-D cloud onto its two widest axes of a hand-made orthonormal basis, off-centre', () => {
    // e1 = (6, 6, −7)/11, e2 = (7, 0, 6)/√85, e3 = (36, −85, −42)/(11√85): orthonormal (checked by hand).
    const e1 = [6 / 11, 6 / 11, -7 / 11];
    const s85 = Math.sqrt(85);
    const e2 = [7 / s85, 0, 6 / s85];
    const e3 = [36 / (11 * s85), -85 / (11 * s85), -42 / (11 * s85)];
    const a = [1, 1, -1, -1];
    const b = [1, -1, 1, -1];
    const c = [1, -1, -1, 1];
    const mean = [10, -5, 3];
    // Spreads 5, 2 and 0.5 along e1, e2, e3 (the sign sequences are orthogonal, each with mean 0).
    const rows = a.map((_, i) =>
      mean.map(
        (m, j) =>
          m +
          5 * (a[i] as number) * (e1[j] as number) +
          2 * (b[i] as number) * (e2[j] as number) +
          0.5 * (c[i] as number) * (e3[j] as number),
      ),
    );
    const xy = pca2d(Float32Array.from(rows.flat()), 4, 3);
    // The first axis is −e1 (its largest entry, −7/11, made positive); the second is e2 as it is.
    expectClose(xy, [-5, 2, -5, -2, 5, 2, 5, -2], 1e-4);
  });

  it('matches the 2 × 2 closed form on a cloud away from the origin', () => {
    const rows = [
      [1, 2],
      [3, 3],
      [4, 7],
      [6, 5],
      [8, 10],
      [2, 6],
    ];
    const n = rows.length;
    const mx = rows.reduce((s, r) => s + (r[0] as number), 0) / n;
    const my = rows.reduce((s, r) => s + (r[1] as number), 0) / n;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (const [x, y] of rows) {
      sxx += ((x as number) - mx) ** 2;
      sxy += ((x as number) - mx) * ((y as number) - my);
      syy += ((y as number) - my) ** 2;
    }
    // The larger eigenvalue of [[sxx, sxy], [sxy, syy]] and its eigenvector (sxy, λ − sxx); the other axis is
    // perpendicular.
    const lambda = (sxx + syy) / 2 + Math.sqrt(((sxx - syy) / 2) ** 2 + sxy ** 2);
    const len = Math.hypot(sxy, lambda - sxx);
    const first = [sxy / len, (lambda - sxx) / len];
    const second = [-(first[1] as number), first[0] as number];
    expectClose(
      pca2d(Float32Array.from(rows.flat()), n, 2),
      project(rows, [signed(first), signed(second)]),
      1e-4,
    );
  });

  it('matches a power iteration with Hotelling deflation on random rotated clouds', () => {
    const rng = createRng(16);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    for (const [n, d] of [
      [40, 3],
      [60, 4],
      [50, 5],
      [30, 6],
    ] as const) {
      // A random orthonormal basis (Gram–Schmidt of random vectors) and spreads 6, 3, 1.2, then 0.4 and smaller.
      const basis: number[][] = [];
      while (basis.length < d) {
        const v = Array.from({ length: d }, gauss);
        for (const q of basis) {
          const dot = v.reduce((s, x, j) => s + x * (q[j] as number), 0);
          for (let j = 0; j < d; j++) v[j] = (v[j] as number) - dot * (q[j] as number);
        }
        const norm = Math.hypot(...v);
        basis.push(v.map((x) => x / norm));
      }
      const spreads = [6, 3, 1.2, 0.4, 0.2, 0.1];
      const offset = Array.from({ length: d }, () => 10 * gauss());
      const data = new Float32Array(n * d);
      for (let i = 0; i < n; i++) {
        const z = Array.from({ length: d }, (_, k) => (spreads[k] as number) * gauss());
        for (let j = 0; j < d; j++)
          data[i * d + j] =
            (offset[j] as number) + z.reduce((s, zk, k) => s + zk * ((basis[k] as number[])[j] as number), 0);
      }
      // The reference reads the float32 values the function reads.
      const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, i * d + d)));
      const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / n);
      const cov = Array.from({ length: d }, (_, a) =>
        Array.from({ length: d }, (_, b) =>
          rows.reduce(
            (s, r) => s + ((r[a] as number) - (mean[a] as number)) * ((r[b] as number) - (mean[b] as number)),
            0,
          ),
        ),
      );
      const axes: number[][] = [];
      for (let c = 0; c < 2; c++) {
        let v = Array.from({ length: d }, gauss);
        for (let it = 0; it < 3000; it++) {
          const w = cov.map((row) => row.reduce((s, x, j) => s + x * (v[j] as number), 0));
          const norm = Math.hypot(...w);
          v = w.map((x) => x / norm);
        }
        const lambda = cov.reduce(
          (s, row, a) => s + (v[a] as number) * row.reduce((t, x, b) => t + x * (v[b] as number), 0),
          0,
        );
        for (let a = 0; a < d; a++)
          for (let b = 0; b < d; b++)
            (cov[a] as number[])[b] =
              ((cov[a] as number[])[b] as number) - lambda * (v[a] as number) * (v[b] as number);
        axes.push(signed(v));
      }
      expectClose(pca2d(data, n, d), project(rows, axes), 1e-3);
    }
  });

  it('puts every row at the origin when all rows are equal (no spread), never NaN', () => {
    const xy = pca2d(Float32Array.from([2, -1, 4, 2, -1, 4, 2, -1, 4]), 3, 3);
    expect([...xy]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
