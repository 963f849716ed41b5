/**
 * The Mahalanobis score's covariance when it is (nearly) singular (issue 16, from mutation testing): collinear
 * embeddings, whose float32 scatter is not positive definite even with the first tiny ridge, so the whitening adds a
 * growing ridge until it factors; and embeddings holding NaN, which no ridge can factor and which must end in a
 * clear error rather than NaN scores. Expected distances are worked from the definition in Float64.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type EmbeddingInput, ledoitWolfShrinkage, mahalanobis } from './embedding';
import { randomMatrix } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n points t·(1, 3, 7.3) with t uniform in [−scale, scale): every row on one line through the origin. */
function collinear(n: number, seed: number, scale = 1): { input: EmbeddingInput; t: number[] } {
  const rng = createRng(seed);
  const t = Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
  const embeddings = new Float32Array(n * 3);
  t.forEach((v, i) => {
    embeddings[i * 3] = v;
    embeddings[i * 3 + 1] = 3 * v;
    embeddings[i * 3 + 2] = 7.3 * v;
  });
  return { input: { embeddings, samples: n, dim: 3, labels: new Int32Array(n), classCount: 1 }, t };
}

describe('mahalanobis on a singular covariance', () => {
  it('collinear rows: each distance is |t − t̄| over the root mean square of t − t̄, as on the line itself', async () => {
    // at scale 1e-3 the variances are near 1e-5: the ridge grows relative to them, not in absolute terms
    for (const [seed, scale] of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => [s, s > 8 ? 1e-3 : 1])) {
      const { input, t } = collinear(6, seed, scale);
      // Along the line S = λ v̂ v̂ᵀ with λ = mean (t − t̄)² · |v|²; a point's distance is |t − t̄| |v| / √λ. The
      // ridge only adds directions off the line, where the rows have nothing but float32 rounding.
      const mean = t.reduce((s, v) => s + v, 0) / t.length;
      const rms = Math.sqrt(t.reduce((s, v) => s + (v - mean) ** 2, 0) / t.length);
      for (const covariance of ['per-class', 'tied'] as const) {
        const got = await mahalanobis(input, { covariance, shrinkage: 0 });
        t.forEach((v, i) => {
          expect(got.scores[i], `seed ${seed} ${covariance} row ${i}`).toBeCloseTo(
            Math.abs(v - mean) / rms,
            4,
          );
        });
      }
    }
  });

  it('embeddings holding NaN end in a clear error, not NaN scores', async () => {
    const { input } = collinear(6, 1);
    const embeddings = Float32Array.from(input.embeddings);
    embeddings[4] = Number.NaN;
    for (const covariance of ['per-class', 'tied'] as const) {
      await expect(mahalanobis({ ...input, embeddings }, { covariance, shrinkage: 0.2 })).rejects.toThrow(
        'The embedding covariance could not be factored, even with a ridge.',
      );
    }
  });
});

describe('mahalanobis without shrinkage does not depend on the embeddings’ scale', () => {
  it('rows scaled by 1e-3 or 1e3 are at the same distances', async () => {
    // 30 rows of 4 dimensions in two classes: full-rank covariances, whose variances go down to 1e-6 when scaled
    const x = randomMatrix(30, 4, 71);
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % 2);
    const at = (scale: number): EmbeddingInput => ({
      embeddings: x.map((v) => v * scale),
      samples: 30,
      dim: 4,
      labels,
      classCount: 2,
    });
    for (const covariance of ['per-class', 'tied'] as const) {
      const base = await mahalanobis(at(1), { covariance, shrinkage: 0 });
      for (const scale of [1e-3, 1e3]) {
        const scaled = await mahalanobis(at(scale), { covariance, shrinkage: 0 });
        for (let i = 0; i < 30; i++) {
          expect(scaled.scores[i], `${covariance} scale ${scale} row ${i}`).toBeCloseTo(base.scores[i], 3);
        }
      }
    }
  });
});

describe('ledoitWolfShrinkage of two rows', () => {
  it('is 0: two centred rows ±x have b̄² = (2|x|⁴ − 2 ‖S‖²_F) / 4 = 0', () => {
    // ±(1, 2): scatter 2·x xᵀ = [[2, 4], [4, 8]], S = x xᵀ, ‖S‖²_F = |x|⁴ = 25, Σ‖x‖⁴ = 50, δ² = 12.5 > 0
    expect(ledoitWolfShrinkage(Float64Array.from([2, 4, 4, 8]), 2, 2, 50)).toBe(0);
  });
});
