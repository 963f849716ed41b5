import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { influenceOn, selfInfluence } from './influence';
import { mismatch, randomLabels, randomMatrix, randomProbs } from './test-utils';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('selfInfluence', () => {
  it('sums η_c · gradSq over the checkpoints (reference loops)', () => {
    const n = 40;
    const E = 6;
    const g = Float32Array.from(randomMatrix(E, n, 3), (v) => v * v);
    const cps = [
      { epoch: 1, learningRate: 0.01 },
      { epoch: 3, learningRate: 0.005 },
      { epoch: 5, learningRate: 0.001 },
    ];
    const ref = Array.from({ length: n }, (_, i) =>
      cps.reduce((s, c) => s + c.learningRate * g[c.epoch * n + i], 0),
    );
    expect(mismatch(selfInfluence(g, n, E, cps), ref)).toBe('');
  });

  it('hand case, and every epoch at η = 1 when there are no checkpoints', () => {
    const g = Float32Array.from([1, 2, 10, 20]); // E = 2, N = 2
    expect(Array.from(selfInfluence(g, 2, 2, [{ epoch: 1, learningRate: 0.5 }]))).toEqual([5, 10]);
    expect(Array.from(selfInfluence(g, 2, 2, []))).toEqual([11, 22]);
    expect(() => selfInfluence(g, 2, 2, [{ epoch: 2, learningRate: 1 }])).toThrow(/outside/);
  });
});

describe('influenceOn', () => {
  it('matches a plain reference of Σ η (g_z·g_i)(h_z·h_i + 1)', async () => {
    const n = 30;
    const c = 4;
    const d = 5;
    const labels = randomLabels(n, c, 7);
    const cps = [0, 1, 2].map((j) => ({
      learningRate: 0.1 / (j + 1),
      probs: randomProbs(n, c, 20 + j),
      embeddings: randomMatrix(n, d, 40 + j),
    }));
    const target = 4;
    const ref = new Float64Array(n);
    for (const cp of cps) {
      for (let i = 0; i < n; i++) {
        let gg = 0;
        for (let k = 0; k < c; k++) {
          const gz = cp.probs[target * c + k] - (labels[target] === k ? 1 : 0);
          const gi = cp.probs[i * c + k] - (labels[i] === k ? 1 : 0);
          gg += gz * gi;
        }
        let hh = 1;
        for (let j = 0; j < d; j++) hh += cp.embeddings[target * d + j] * cp.embeddings[i * d + j];
        ref[i] += cp.learningRate * gg * hh;
      }
    }
    const before = tf.memory().numTensors;
    const got = await influenceOn(target, cps, labels, c, d, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(mismatch(got.influence, ref)).toBe('');
    const refPos = Array.from(ref.keys())
      .filter((i) => i !== target && ref[i] > 0)
      .sort((a, b) => ref[b] - ref[a])
      .slice(0, 5);
    const refNeg = Array.from(ref.keys())
      .filter((i) => i !== target && ref[i] < 0)
      .sort((a, b) => ref[a] - ref[b])
      .slice(0, 5);
    expect(Array.from(got.proponents)).toEqual(refPos);
    expect(Array.from(got.opponents)).toEqual(refNeg);
  });

  it('hand case: two samples, two classes, one checkpoint', async () => {
    // p(0) = [0.8, 0.2], y0 = 0 → g0 = [-0.2, 0.2]; p(1) = [0.3, 0.7], y1 = 0 → g1 = [-0.7, 0.7].
    // h0 = [1], h1 = [2]. Influence of 1 on 0: η · (0.14 + 0.14) · (2 + 1) = 0.5 · 0.28 · 3 = 0.42.
    const got = await influenceOn(
      0,
      [
        {
          learningRate: 0.5,
          probs: Float32Array.from([0.8, 0.2, 0.3, 0.7]),
          embeddings: Float32Array.from([1, 2]),
        },
      ],
      Int32Array.from([0, 0]),
      2,
      1,
    );
    expect(got.influence[1]).toBeCloseTo(0.42, 6);
    expect(got.influence[0]).toBeCloseTo(0.5 * 0.08 * 2, 6);
    expect(Array.from(got.proponents)).toEqual([1]);
    expect(got.opponents.length).toBe(0);
  });
});
