/**
 * The Mahalanobis score's covariance when it is (nearly) singular (issue 16, from mutation testing): collinear
 * embeddings, whose float32 scatter is not positive definite even with the first tiny ridge, so the whitening adds a
 * growing ridge until it factors; and embeddings holding NaN, which no ridge can factor and which must end in a
 * clear error rather than NaN scores. Expected distances are worked from the definition in Float64.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type EmbeddingInput, mahalanobis } from './embedding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n points t·(1, 3, 7.3) with t uniform in [−1, 1): every row on one line through the origin. */
function collinear(n: number, seed: number): { input: EmbeddingInput; t: number[] } {
  const rng = createRng(seed);
  const t = Array.from({ length: n }, () => rng.next() * 2 - 1);
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
    for (let seed = 1; seed <= 8; seed++) {
      const { input, t } = collinear(6, seed);
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
