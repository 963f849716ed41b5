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

describe('influence refusals and ranking (issue 16, mutation testing)', () => {
  const one = (probs: number[], embeddings: number[], learningRate = 1) => ({
    learningRate,
    probs: Float32Array.from(probs),
    embeddings: Float32Array.from(embeddings),
  });

  it('selfInfluence refuses arrays that are not E × N and checkpoints outside the recorded epochs', () => {
    const g = new Float32Array(6); // E = 3, N = 2
    expect(() => selfInfluence(g.subarray(0, 5), 2, 3, [])).toThrow(
      'lastLayerGradSq has 5 values, expected E×N = 6.',
    );
    for (const epoch of [-1, 3, 1.5, Number.NaN]) {
      expect(() => selfInfluence(g, 2, 3, [{ epoch, learningRate: 1 }])).toThrow(
        `Checkpoint epoch ${epoch} is outside the 3 recorded epochs.`,
      );
    }
    // The first and last recorded epochs are inside.
    expect(
      Array.from(selfInfluence(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3, [{ epoch: 0, learningRate: 1 }])),
    ).toEqual([1, 2]);
    expect(
      Array.from(selfInfluence(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3, [{ epoch: 2, learningRate: 2 }])),
    ).toEqual([10, 12]);
  });

  it('influenceOn refuses a target that is no sample, no checkpoints, and outputs of the wrong size', async () => {
    const labels = Int32Array.from([0, 1]);
    const cp = one([0.5, 0.5, 0.5, 0.5], [1, 2]);
    for (const target of [-1, 2, 0.5, Number.NaN]) {
      await expect(influenceOn(target, [cp], labels, 2, 1)).rejects.toThrow(
        `Sample ${target} is not one of the 2 training samples.`,
      );
    }
    await expect(influenceOn(0, [], labels, 2, 1)).rejects.toThrow(
      'Influence needs at least one checkpoint.',
    );
    const mismatchText = 'Checkpoint outputs do not match N × C probabilities and N × d embeddings.';
    await expect(influenceOn(0, [cp, one([0.5, 0.5, 0.5], [1, 2])], labels, 2, 1)).rejects.toThrow(
      mismatchText,
    );
    await expect(influenceOn(0, [cp, one([0.5, 0.5, 0.5, 0.5], [1])], labels, 2, 1)).rejects.toThrow(
      mismatchText,
    );
    // The last sample is a valid target.
    const last = await influenceOn(1, [cp], labels, 2, 1);
    expect(last.target).toBe(1);
  });

  it('ranks proponents and opponents strongest first, ties on the lower index, zeros in neither, capped at top', async () => {
    // One class-pair, d = 1, η = 1. g_i = p_i − onehot(y_i) with two classes, labels all 0: g_i = [−a_i, a_i] for
    // p_i = [1 − a_i, a_i]; h_i = e_i. Influence of i on target 0 (a_0 = 0.5, e_0 = 0):
    // (g_0·g_i)(h_0·h_i + 1) = 2 · 0.5 · a_i · 1 = a_i. So a_i is the influence itself (0 for a sure sample).
    const a = [0.5, 0.2, 0.4, 0.2, 0, 0.1];
    const probs = a.flatMap((v) => [1 - v, v]);
    const got = await influenceOn(0, [one(probs, new Array(6).fill(0))], new Int32Array(6), 2, 1, 3);
    expect(mismatch(got.influence, a, 1e-6, 1e-7)).toBe('');
    // 2 (0.4) first, then 1 and 3 tied at 0.2 (lower index first); 5 (0.1) cut by top = 3; 4 (0) never listed.
    expect(Array.from(got.proponents)).toEqual([2, 1, 3]);
    expect(got.opponents.length).toBe(0);
    // Against the target's own class direction (label 1 for the others): the same sizes, negative.
    const flipped = await influenceOn(
      0,
      [one(probs, new Array(6).fill(0))],
      Int32Array.from([0, 1, 1, 1, 1, 1]),
      2,
      1,
    );
    expect(Array.from(flipped.opponents)).toEqual([4, 5, 1, 3, 2]);
    expect(flipped.proponents.length).toBe(0);
  });
});

describe('influenceOn: who is a proponent (from mutation testing)', () => {
  // 2 classes, d = 1, one checkpoint at η = 1. Target 0: label 0, p = (0.5, 0.5), h = 1, so g_z = (−0.5, 0.5).
  // Row 1: label 0 predicted with p = 1 exactly: g = 0, influence 0, neither proponent nor opponent.
  // Rows 2 and 3: the same row twice (label 0, p = (0.9, 0.1), h = 1): g·g_z = 0.1, h·h_z + 1 = 2, influence 0.2 each.
  // Row 4: label 1, p = (0.5, 0.5), h = 1: g = (0.5, −0.5), g·g_z = −0.5, influence −1.
  const labels = Int32Array.from([0, 0, 0, 0, 1]);
  const checkpoint = {
    learningRate: 1,
    probs: Float32Array.from([0.5, 0.5, 1, 0, 0.9, 0.1, 0.9, 0.1, 0.5, 0.5]),
    embeddings: Float32Array.from([1, 1, 1, 1, 1]),
  };

  it('a row of no influence is neither; equal proponents are listed by lower index', async () => {
    const r = await influenceOn(0, [checkpoint], labels, 2, 1);
    expect(r.influence[1]).toBe(0);
    expect(r.influence[2]).toBeCloseTo(0.2, 6);
    expect(r.influence[3]).toBe(r.influence[2]);
    expect(r.influence[4]).toBeCloseTo(-1, 6);
    expect(Array.from(r.proponents)).toEqual([2, 3]);
    expect(Array.from(r.opponents)).toEqual([4]);
  });

  it('equal opponents are listed by lower index', async () => {
    // Rows 1 and 2 made the same opponent as row 4 (label 1, p = (0.5, 0.5)): influence −1 each.
    const opposed = {
      ...checkpoint,
      probs: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.1, 0.5, 0.5]),
    };
    const r = await influenceOn(0, [opposed], Int32Array.from([0, 1, 1, 0, 1]), 2, 1);
    expect(Array.from(r.opponents)).toEqual([1, 2, 4]);
  });
});
