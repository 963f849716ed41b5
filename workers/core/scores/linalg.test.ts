import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { cholesky, invertLower, powerIteration, symmetricEigen } from './linalg';

/** Row-major product of two d × d matrices, by the definition (the reference for the checks below). */
function multiply(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number[] {
  const out = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) out[i * d + j] += a[i * d + k] * b[k * d + j];
  return out;
}

function transpose(a: ArrayLike<number>, d: number): number[] {
  return Array.from({ length: d * d }, (_, k) => a[(k % d) * d + Math.floor(k / d)]);
}

function column(m: ArrayLike<number>, d: number, j: number): number[] {
  return Array.from({ length: d }, (_, i) => m[i * d + j]);
}

/** The column with its sign fixed so that its largest entry is positive (eigenvectors are defined up to sign). */
function signed(v: number[]): number[] {
  const big = v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
  return v.map((x) => (big < 0 ? -x : x));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `entry ${i}`).toBeCloseTo(expected[i], digits);
}

// The Householder reflection I − 2uuᵀ/uᵀu for u = (1, 2, 2), worked by hand: an orthogonal matrix of ninths.
const Q = [7, -4, -4, -4, 1, -8, -4, -8, 1].map((x) => x / 9);

describe('symmetricEigen', () => {
  it('recovers the eigenpairs of Q·diag(5, 2, −1)·Qᵀ, largest first', () => {
    const a = multiply(multiply(Q, [5, 0, 0, 0, 2, 0, 0, 0, -1], 3), transpose(Q, 3), 3);
    const { values, vectors } = symmetricEigen(Float64Array.from(a), 3);
    expectClose(values, [5, 2, -1], 12);
    for (let j = 0; j < 3; j++) expectClose(signed(column(vectors, 3, j)), signed(column(Q, 3, j)), 12);
  });

  it('is as exact on a matrix of tiny entries: the stopping rule is relative to the diagonal', () => {
    // The same matrix times 1e-9: the rotations must go on until the off-diagonal part is small against the
    // diagonal, not against 1.
    const a = multiply(multiply(Q, [5e-9, 0, 0, 0, 2e-9, 0, 0, 0, -1e-9], 3), transpose(Q, 3), 3);
    const { values, vectors } = symmetricEigen(Float64Array.from(a), 3);
    expectClose(
      Array.from(values, (v) => v * 1e9),
      [5, 2, -1],
      12,
    );
    for (let j = 0; j < 3; j++) expectClose(signed(column(vectors, 3, j)), signed(column(Q, 3, j)), 12);
  });

  it('rotates past a zero off-diagonal entry between equal diagonal entries', () => {
    // [[1,0,1],[0,1,0],[1,0,1]]: eigenvalues 2, 1, 0 with (1,0,1)/√2, (0,1,0), (1,0,−1)/√2. The pair (0,1) is
    // already zero with equal diagonals: rotating it would divide 0 by 0.
    const { values, vectors } = symmetricEigen(Float64Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]), 3);
    expectClose(values, [2, 1, 0], 12);
    const r = Math.SQRT1_2;
    expectClose(signed(column(vectors, 3, 0)), [r, 0, r], 12);
    expectClose(signed(column(vectors, 3, 1)), [0, 1, 0], 12);
    expectClose(signed(column(vectors, 3, 2)), signed([r, 0, -r]), 12);
  });

  it('leaves a diagonal matrix as it is, equal eigenvalues in their original order', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([1, 0, 0, 0, 3, 0, 0, 0, 1]), 3);
    expect(Array.from(values)).toEqual([3, 1, 1]);
    expect(Array.from(vectors)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('keeps equal eigenvalues in their original order in a large matrix too (embedding sizes of 100)', () => {
    // diag(i mod 4): values 3, 3, …, 2, …, 0; each tie in the order of its rows, so column j is the unit vector of
    // the j-th row in that order.
    const d = 100;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) a[i * d + i] = i % 4;
    const { values, vectors } = symmetricEigen(a, d);
    const rows = [3, 2, 1, 0].flatMap((r) => Array.from({ length: d / 4 }, (_, t) => 4 * t + r));
    expect(Array.from(values)).toEqual(rows.map((i) => i % 4));
    const sources = Array.from({ length: d }, (_, j) => column(vectors, d, j).indexOf(1));
    expect(sources).toEqual(rows);
  });

  it('on random symmetric matrices: A·v = λ·v, orthonormal vectors, descending values summing to the trace', () => {
    for (const d of [2, 5, 8]) {
      const rng = createRng(d);
      const b = Array.from({ length: d * d }, () => rng.next() * 2 - 1);
      const a = multiply(b, transpose(b, d), d).map((x, k) => x - (k % (d + 1) === 0 ? 1 : 0));
      const input = Float64Array.from(a);
      const { values, vectors } = symmetricEigen(input, d);
      expect(Array.from(input)).toEqual(a); // the input is not changed
      let trace = 0;
      for (let i = 0; i < d; i++) trace += a[i * d + i];
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
      for (let j = 1; j < d; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      const av = multiply(a, vectors, d);
      for (let j = 0; j < d; j++)
        expectClose(
          column(av, d, j),
          column(vectors, d, j).map((x) => x * values[j]),
          10,
        );
      const vtv = multiply(transpose(vectors, d), vectors, d);
      expectClose(
        vtv,
        Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0)),
        12,
      );
    }
  });
});

describe('powerIteration', () => {
  /** The seeded start the function documents: one draw − 0.5 per entry, scaled to unit length. */
  function start(seed: number, d: number): number[] {
    const rng = createRng(seed);
    const v = Array.from({ length: d }, () => rng.next() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  }

  it('returns the seeded start for zero iterations and for the zero matrix', () => {
    expectClose(powerIteration(Float64Array.from([2, 0, 0, 1]), 2, 0, createRng(3)), start(3, 2), 15);
    const zero = powerIteration(new Float64Array(9), 3, 50, createRng(4));
    expect(zero.every(Number.isFinite)).toBe(true);
    expectClose(zero, start(4, 3), 15);
  });

  it('takes exactly the iterations asked for: one step multiplies the start by the matrix and rescales', () => {
    const v0 = start(5, 2);
    // Each step doubles the first entry against the second.
    for (const steps of [1, 2]) {
      const w = [2 ** steps * v0[0], v0[1]];
      const norm = Math.hypot(...w);
      const v = powerIteration(Float64Array.from([2, 0, 0, 1]), 2, steps, createRng(5));
      expectClose(v, [w[0] / norm, w[1] / norm], 15);
    }
  });

  it('converges to the top eigenvector when the gap is small (eigenvalues 1 and 0.9), and stops when it settles', () => {
    // The rotation by 30° of diag(1, 0.9): the top direction is (cos 30°, sin 30°). The other direction shrinks
    // by 0.9 a step, so 400 steps leave it at 0.9^400 ≈ 5e-19 of the start; 10 steps leave a third of it.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const m = Float64Array.from([c * c + 0.9 * s * s, 0.1 * c * s, 0.1 * c * s, s * s + 0.9 * c * c]);
    const v = powerIteration(m, 2, 400, createRng(8));
    expectClose(signed(Array.from(v)), [c, s], 10); // it stops once a step moves it by under 2e-12
    expect(Math.hypot(...v)).toBeCloseTo(1, 14);
    const early = powerIteration(m, 2, 10, createRng(8));
    expect(Math.abs(signed(Array.from(early))[1] - s)).toBeGreaterThan(1e-3);
  });
});

describe('cholesky', () => {
  it('factors a matrix worked by hand: [[4,12,−16],[12,37,−43],[−16,−43,98]] = L·Lᵀ', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    expect(Array.from(cholesky(a, 3) ?? [])).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(Array.from(cholesky(Float64Array.from([9]), 1) ?? [])).toEqual([3]);
  });

  it('factors random SPD matrices: L is lower triangular with a positive diagonal, and L·Lᵀ gives A back', () => {
    const d = 6;
    const rng = createRng(11);
    const b = Array.from({ length: d * d }, () => rng.next() - 0.5);
    const a = multiply(b, transpose(b, d), d).map((x, k) => x + (k % (d + 1) === 0 ? 0.1 : 0));
    const l = cholesky(Float64Array.from(a), d);
    if (!l) throw new Error('a random SPD matrix was refused');
    for (let i = 0; i < d; i++) {
      expect(l[i * d + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < d; j++) expect(l[i * d + j]).toBe(0);
    }
    expectClose(multiply(l, transpose(l, d), d), a, 12);
  });

  it('returns null for a matrix that is not positive definite: indefinite, singular, or with NaN', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([0, 0, 0, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBeNull(); // singular: the second pivot is exactly 0
    expect(cholesky(Float64Array.from([-1]), 1)).toBeNull();
    expect(cholesky(Float64Array.from([Number.NaN, 0, 0, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([1, 0, 0, Number.NaN]), 2)).toBeNull();
  });
});

describe('invertLower', () => {
  it('inverts the hand-worked factor: diagonal 1/2, 1, 1/3; below it −3, −5/3 and 19/3', () => {
    const inv = invertLower(Float64Array.from([2, 0, 0, 6, 1, 0, -8, 5, 3]), 3);
    expectClose(inv, [0.5, 0, 0, -3, 1, 0, 19 / 3, -5 / 3, 1 / 3], 14);
  });

  it('gives L⁻¹ with L·L⁻¹ = I on a random lower-triangular matrix, reading only the lower triangle', () => {
    const d = 7;
    const rng = createRng(12);
    const l = Array.from({ length: d * d }, (_, k) => {
      const i = Math.floor(k / d);
      const j = k % d;
      return j < i ? rng.next() * 2 - 1 : j === i ? 0.5 + rng.next() : 0;
    });
    const inv = invertLower(Float64Array.from(l), d);
    const identity = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0));
    expectClose(multiply(l, inv, d), identity, 12);
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(inv[i * d + j]).toBe(0);
    // Values above the diagonal (which a factor never has) change nothing.
    const noisy = l.map((x, k) => (k % d > Math.floor(k / d) ? 99 : x));
    expect(Array.from(invertLower(Float64Array.from(noisy), d))).toEqual(Array.from(inv));
  });
});
