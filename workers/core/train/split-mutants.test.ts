/**
 * standardizationStats at a std of exactly 1e-8, the boundary of "constant" (issue 16, twenty-fourth round: the
 * survivor `s > 1e-8` → `s >= 1e-8`, applied by hand). The rows are built here so that every step of a float64
 * two-pass std is exact and its square root is the double 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { standardizationStats } from './split';

/** The double just below x (x positive). */
function below(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

/** A positive double as m · 2^e with m an odd integer. */
function oddMantissa(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  let m = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  let e = Number((bits >> 52n) & 0x7ffn) - 1075;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e += 1;
  }
  return { m, e };
}

/** Integers below 2^24 whose squares sum to `m`, largest first (greedy: each step takes the largest square left). */
function squaresSummingTo(m: bigint): bigint[] {
  const cap = (1n << 24n) - 1n;
  const out: bigint[] = [];
  let left = m;
  while (left > 0n) {
    let y = BigInt(Math.floor(Math.sqrt(Number(left))));
    while (y * y > left) y -= 1n;
    while ((y + 1n) * (y + 1n) <= left) y += 1n;
    if (y > cap) y = cap;
    out.push(y);
    left -= y * y;
  }
  return out;
}

describe('standardizationStats at a std of exactly 1e-8', () => {
  it('counts a feature whose std is the double 1e-8 as constant (std 1)', () => {
    // The variance aimed at is v, the double just below t² rounded: its square root also rounds to t, and its odd
    // part m has 51 bits (t² rounded has 53), so 2m < 2^53. With K = 2^k pairs of rows ±yᵢ·2^f (2f = e + k,
    // Σyᵢ² = m, yᵢ < 2^24, so every value is a float32), the mean is exactly 0, each square and every partial sum
    // (an integer below 2m in units of 2^(2f)) is exact, and the population variance is Σ 2yᵢ²·2^(2f) / 2K = v.
    const t = 1e-8;
    const v = below(t * t);
    expect(Math.sqrt(v)).toBe(t);
    const { m, e } = oddMantissa(v);
    expect(m < 1n << 52n).toBe(true);
    const k = (e & 1) === 0 ? 6 : 7;
    const f = (e + k) / 2;
    const ys = squaresSummingTo(m);
    const pairs = 2 ** k;
    expect(ys.length).toBeLessThanOrEqual(pairs);
    const values = Array.from({ length: pairs }, (_, i) => Number(ys[i] ?? 0n) * 2 ** f);
    const features = Float32Array.from(values.flatMap((x) => [x, -x]));
    expect(Array.from(features)).toEqual(values.flatMap((x) => [x, -x]));
    // The reference: a plain float64 two-pass loop over the stored values.
    let sum = 0;
    for (const x of features) sum += x;
    const mean = sum / features.length;
    let sq = 0;
    for (const x of features) sq += (x - mean) ** 2;
    expect(mean).toBe(0);
    expect(Math.sqrt(sq / features.length)).toBe(t);

    const rows = Int32Array.from({ length: features.length }, (_, r) => r);
    const stats = standardizationStats(features, 1, rows);
    expect(stats.mean[0]).toBe(0);
    expect(stats.std[0]).toBe(1);
    // Twice the spread (std 2e-8) is kept.
    const wider = standardizationStats(
      Float32Array.from(features, (x) => x * 2),
      1,
      rows,
    );
    expect(wider.std[0]).toBe(Math.fround(2 * t));
  });
});
