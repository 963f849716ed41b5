/**
 * The edges of the embedding-outlier scores (issue 16, from mutation testing): refused inputs, a fixed shrinkage
 * out of range, empty and tiny classes, degenerate classes that must score 0 rather than NaN, a singular covariance,
 * the Ledoit–Wolf clamps, 2-means on hand-made points, and cancellation. Expected values are worked by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import {
  activationClustering,
  classStatistics,
  type EmbeddingInput,
  ledoitWolfShrinkage,
  mahalanobis,
  spectralSignature,
  twoMeans,
} from './embedding';
import { ScoringCancelledError } from './hooks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const AC = { dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 };
const SPECTRAL = { iterations: 100, normalize: false };

function input(embeddings: number[], dim: number, labels: number[], classCount: number): EmbeddingInput {
  return {
    embeddings: Float32Array.from(embeddings),
    samples: labels.length,
    dim,
    labels: Int32Array.from(labels),
    classCount,
  };
}

describe('refused inputs', () => {
  const scorers: [string, (x: EmbeddingInput) => Promise<unknown>][] = [
    ['spectral', (x) => spectralSignature(x, SPECTRAL, 1)],
    ['activation clustering', (x) => activationClustering(x, AC, 1)],
    ['mahalanobis', (x) => mahalanobis(x, { covariance: 'tied', shrinkage: 'ledoit-wolf' })],
    ['class statistics', (x) => classStatistics(x)],
  ];
  for (const [name, run] of scorers) {
    it(`${name}: embeddings not N × d, labels not N long, a label that is no class`, async () => {
      await expect(run(input([1, 2, 3], 2, [0, 0], 1))).rejects.toThrow(
        'Expected N×d = 4 embedding values, got 3.',
      );
      await expect(run(input([1, 2, 3, 4], 2, [0], 1))).rejects.toThrow(/Expected N×d = 2 .*got 4/);
      const short = { ...input([1, 2, 3, 4], 2, [0, 0], 1), labels: Int32Array.from([0]) };
      await expect(run(short)).rejects.toThrow('Expected 2 labels, got 1.');
      await expect(run(input([1, 2, 3, 4], 2, [0, 2], 2))).rejects.toThrow(
        'Label 2 of sample 1 is not a class.',
      );
      await expect(run(input([1, 2, 3, 4], 2, [-1, 0], 2))).rejects.toThrow(
        'Label -1 of sample 0 is not a class.',
      );
    });
  }

  it('mahalanobis refuses a fixed shrinkage outside [0, 1]', async () => {
    const x = input([1, 0, -1, 0, 0, 1, 0, -1], 2, [0, 0, 0, 0], 1);
    for (const shrinkage of [1.5, -0.1, Number.NaN]) {
      await expect(mahalanobis(x, { covariance: 'per-class', shrinkage })).rejects.toThrow(
        `Shrinkage must be in [0, 1], got ${shrinkage}.`,
      );
    }
  });
});

describe('classStatistics', () => {
  it('means, scatter and Σ‖h − μ‖⁴ per class by hand; an empty class is all zeros', async () => {
    // Class 0: (1, 0), (3, 4) → μ = (2, 2), centred ±(1, 2): scatter [[2, 4], [4, 8]], Σ‖·‖⁴ = 2 · 25 = 50.
    // Class 2: (5, 5) alone → μ = (5, 5), scatter 0. Class 1: nobody.
    const stats = await classStatistics(input([1, 0, 5, 5, 3, 4], 2, [0, 2, 0], 3));
    expect(Array.from(stats[0].members)).toEqual([0, 2]);
    expect(Array.from(stats[0].mean)).toEqual([2, 2]);
    expect(Array.from(stats[0].scatter)).toEqual([2, 4, 4, 8]);
    expect(stats[0].fourthMoment).toBe(50);
    expect(Array.from(stats[1].members)).toEqual([]);
    expect(Array.from(stats[1].mean)).toEqual([0, 0]);
    expect(Array.from(stats[1].scatter)).toEqual([0, 0, 0, 0]);
    expect(stats[1].fourthMoment).toBe(0);
    expect(Array.from(stats[2].mean)).toEqual([5, 5]);
    expect(Array.from(stats[2].scatter)).toEqual([0, 0, 0, 0]);
  });
});

describe('degenerate classes score 0, never NaN', () => {
  it('spectral: identical members (no spread) and a class of one score 0, normalised or not', async () => {
    const x = input([2, 2, 2, 2, 2, 2, 7, 1], 2, [0, 0, 0, 1], 2);
    for (const normalize of [false, true]) {
      const got = await spectralSignature(x, { iterations: 50, normalize }, 4);
      expect(Array.from(got)).toEqual([0, 0, 0, 0]);
    }
  });

  it('activation clustering: fewer than 4 members, identical members, or no small cluster score 0', async () => {
    // Class 0: 3 members far apart; class 1: 4 identical members; class 2: two equal halves (no minority).
    const x = input(
      [0, 50, 100, 1, 1, 1, 1, 0, 0.1, 0, 0.1, 9, 9.1, 9, 9.1],
      1,
      [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2],
      3,
    );
    const got = await activationClustering(x, AC, 2);
    expect(Array.from(got)).toEqual(new Array(15).fill(0));
  });

  it('activation clustering: a minority as large as the fraction allows is not flagged, one fewer is', async () => {
    // 7 members around 0 and 3 at 10: the minority is 3 of 10. Flagged when 3 < fraction × 10.
    const x = input([-1, 0, 1, -1, 0, 1, 0, 9, 10, 11], 1, new Array(10).fill(0), 1);
    const at = await activationClustering(x, { ...AC, minorityFraction: 0.3 }, 3);
    expect(Array.from(at)).toEqual(new Array(10).fill(0));
    const above = await activationClustering(x, { ...AC, minorityFraction: 0.31 }, 3);
    // Centres 0 and 10: silhouettes (10 − 1)/10... by hand: 9 → a 1, b 9: 8/9; 10 → 0, 10: 1; 11 → 1, 11: 10/11.
    const s = (8 / 9 + 1 + 10 / 11) / 3;
    expect(Array.from(above.subarray(0, 7))).toEqual(new Array(7).fill(0));
    for (const v of above.subarray(7)) expect(v).toBeCloseTo(s, 5);
  });

  it('activation clustering with dims 0 still projects on one axis', async () => {
    const x = input([-1, 0, 0, 0, 1, 0, -1, 0.1, 0, 0.1, 1, 0.1, 9, 0, 11, 0], 2, new Array(8).fill(0), 1);
    const got = await activationClustering(x, { ...AC, dims: 0 }, 1);
    // Along the first principal axis (x): majority at -1, 0, 1 (twice), minority {9, 11}: as in the 1-D hand case.
    const s = (8 / 9 + 10 / 11) / 2;
    for (const v of got.subarray(0, 6)) expect(v).toBe(0);
    expect(got[6]).toBeCloseTo(s, 3);
    expect(got[7]).toBeCloseTo(s, 3);
  });

  it('mahalanobis: a class of one is at distance 0; per-class α is NaN for an empty class; tied gives one α', async () => {
    // Class 0 on the axes (S = diag(0.5, 0.5), distance √2), class 1 empty, class 2 one point.
    const x = input([1, 0, -1, 0, 0, 1, 0, -1, 4, 4], 2, [0, 0, 0, 0, 2], 3);
    const per = await mahalanobis(x, { covariance: 'per-class', shrinkage: 0.3 });
    expect(per.shrinkage).toEqual([0.3, Number.NaN, 0.3]);
    for (const v of per.scores.subarray(0, 4)) expect(v).toBeCloseTo(Math.SQRT2, 4);
    expect(per.scores[4]).toBe(0);
    const lw = await mahalanobis(x, { covariance: 'per-class', shrinkage: 'ledoit-wolf' });
    // Ledoit–Wolf of one sample is 1 (n < 2); of the axes class 0 (S is already a scaled identity: δ² = 0).
    expect(lw.shrinkage).toEqual([0, Number.NaN, 1]);
    const tied = await mahalanobis(x, { covariance: 'tied', shrinkage: 0.3 });
    expect(tied.shrinkage).toEqual([0.3]);
  });

  it('mahalanobis: a singular covariance (fewer members than dimensions, α = 0) still gives finite distances', async () => {
    // Two points ±(1, 2, 2): S = v vᵀ with v = (1, 2, 2), rank 1. With the ridge, each point is at distance ≈ 1.
    const x = input([1, 2, 2, -1, -2, -2], 3, [0, 0], 1);
    const got = await mahalanobis(x, { covariance: 'per-class', shrinkage: 0 });
    expect(got.scores[0]).toBeCloseTo(1, 4);
    expect(got.scores[1]).toBeCloseTo(1, 4);
  });
});

describe('ledoitWolfShrinkage by hand', () => {
  // Points (±1, 0), (0, ±2): scatter diag(2, 8), S = diag(0.5, 2), tr S = 2.5, ‖S‖²_F = 4.25, μ = 1.25,
  // δ² = 4.25 − 2·1.25·2.5 + 2·1.25² = 1.125, Σ‖x‖⁴ = 1 + 1 + 16 + 16 = 34, b̄² = (34 − 4·4.25)/16 = 17/16.
  const scatter = Float64Array.from([2, 0, 0, 8]);
  it('α = min(b̄², δ²) / δ²', () => {
    expect(ledoitWolfShrinkage(scatter, 2, 4, 34)).toBeCloseTo(17 / 16 / 1.125, 12);
  });
  it('clamps: b̄² above δ² gives 1, a negative b̄² gives 0', () => {
    expect(ledoitWolfShrinkage(scatter, 2, 4, 1000)).toBe(1);
    expect(ledoitWolfShrinkage(scatter, 2, 4, 0)).toBe(0);
  });
  it('fewer than two samples: 1; S already a scaled identity (δ² = 0): 0', () => {
    expect(ledoitWolfShrinkage(scatter, 2, 1, 34)).toBe(1);
    expect(ledoitWolfShrinkage(scatter, 2, 0, 34)).toBe(1);
    expect(ledoitWolfShrinkage(Float64Array.from([2, 0, 0, 2]), 2, 4, 4)).toBe(0);
  });
});

describe('twoMeans', () => {
  it('splits two tight pairs: centres at their means, inertia the within-pair scatter', () => {
    const pts = Float32Array.from([0, 10, 0.5, 10.5]);
    const r = twoMeans(pts, 4, 1, createRng(1), 10);
    expect(r.assign[0]).toBe(r.assign[2]);
    expect(r.assign[1]).toBe(r.assign[3]);
    expect(r.assign[0]).not.toBe(r.assign[1]);
    const centres = Array.from(r.centres).sort((a, b) => a - b);
    expect(centres[0]).toBeCloseTo(0.25, 6);
    expect(centres[1]).toBeCloseTo(10.25, 6);
    // 4 points each 0.25 from their centre: 4 × 0.0625.
    expect(r.inertia).toBeCloseTo(0.25, 6);
  });

  it('identical points: one cluster, finite centres, inertia 0', () => {
    const r = twoMeans(Float32Array.from([3, 3, 3, 3, 3, 3]), 3, 2, createRng(2), 10);
    expect(Array.from(r.assign)).toEqual([0, 0, 0]);
    expect(Array.from(r.centres)).toEqual([3, 3, 3, 3]);
    expect(r.inertia).toBe(0);
  });

  it('with no iterations, the centres are the seeded points and the inertia is measured from them', () => {
    const pts = Float32Array.from([0, 1, 2, 30]);
    const r = twoMeans(pts, 4, 1, createRng(3), 0);
    for (const c of r.centres) expect([0, 1, 2, 30]).toContain(c);
    let inertia = 0;
    for (const p of pts) inertia += Math.min((p - r.centres[0]) ** 2, (p - r.centres[1]) ** 2);
    expect(r.inertia).toBeCloseTo(inertia, 6);
  });
});

describe('cancellation', () => {
  const x = input([1, 0, -1, 0, 0, 1, 0, -1, 2, 2, 3, 3, 4, 4, 5, 5], 2, [0, 0, 0, 0, 1, 1, 1, 1], 2);
  const hooks = { between: async () => {}, cancelled: () => true };
  it('every embedding score stops with ScoringCancelledError', async () => {
    await expect(spectralSignature(x, SPECTRAL, 1, hooks)).rejects.toBeInstanceOf(ScoringCancelledError);
    await expect(
      activationClustering(input([0, 0, 0, 0, 0, 9], 1, [0, 0, 0, 0, 0, 0], 1), AC, 1, hooks),
    ).rejects.toBeInstanceOf(ScoringCancelledError);
    await expect(mahalanobis(x, { covariance: 'tied', shrinkage: 0.5 }, hooks)).rejects.toBeInstanceOf(
      ScoringCancelledError,
    );
    await expect(classStatistics(x, hooks)).rejects.toBeInstanceOf(ScoringCancelledError);
  });
});
