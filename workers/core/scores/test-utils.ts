/**
 * Test-only helpers for the scoring tests (imported by *.test.ts only): seeded random data and a tolerance check.
 */
import { createRng, type Rng } from '../random';

/** Standard normal draws by Box–Muller from a seeded stream. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** n × d standard normal values, seeded. */
export function randomMatrix(n: number, d: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => gaussian(rng) * scale);
}

/** n labels uniform over c classes, every class present when n ≥ c. */
export function randomLabels(n: number, c: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, (_, i) => (i < c ? i : rng.int(c)));
}

/** n × c rows of a softmax of random logits, seeded. */
export function randomProbs(n: number, c: number, seed: number, temperature = 1): Float32Array {
  const z = randomMatrix(n, c, seed, temperature);
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) max = Math.max(max, z[i * c + k]);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(z[i * c + k] - max);
    for (let k = 0; k < c; k++) out[i * c + k] = Math.exp(z[i * c + k] - max) / s;
  }
  return out;
}

/**
 * '' when `actual` and `expected` agree everywhere within `rel` relative to the larger magnitude (with an absolute
 * floor `abs` for values near 0), else a description of the first disagreement (so a failing expect shows it).
 */
export function mismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel = 1e-4,
  abs = 1e-6,
): string {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs)) return `at ${i}: ${a} vs ${b}`;
  }
  return '';
}
