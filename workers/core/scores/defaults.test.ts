import { describe, expect, it } from 'vitest';
import { DEFAULT_CLEAR_TAIL } from './clear-tail';
import { DEFAULT_SUSPICION, defaultScoreParams, resolveScoreParams } from './defaults';

describe('scoring parameters (issue 16, mutation testing)', () => {
  it('a form that sets one field of a group keeps the group’s other defaults', () => {
    const d = defaultScoreParams();
    const p = resolveScoreParams({
      knn: { k: 5 },
      spectral: { normalize: true },
      activationClustering: { restarts: 2 },
      mahalanobis: { covariance: 'tied' },
      suspicion: { q: 0.1, weights: { label: 0.5 } as never },
    });
    expect(p.knn).toEqual({ ...d.knn, k: 5 });
    expect(p.spectral).toEqual({ ...d.spectral, normalize: true });
    expect(p.activationClustering).toEqual({ ...d.activationClustering, restarts: 2 });
    expect(p.mahalanobis).toEqual({ ...d.mahalanobis, covariance: 'tied' });
    expect(p.suspicion).toEqual({ ...d.suspicion, q: 0.1, weights: { ...d.suspicion.weights, label: 0.5 } });
    expect(p.seed).toBe(0);
    expect(resolveScoreParams({ seed: 7 }).seed).toBe(7);
    expect(defaultScoreParams(9).seed).toBe(9);
    expect(resolveScoreParams()).toEqual(d);
  });

  it('defaults are fresh copies: changing one run’s parameters never changes the next run’s', () => {
    const p = defaultScoreParams();
    p.suspicion.weights.label = 0;
    p.suspicion.excluded.push('spectral');
    const tail = p.suspicion.clearTail;
    expect(tail).toEqual(DEFAULT_CLEAR_TAIL);
    if (tail) tail.gap = 99;
    const r = resolveScoreParams();
    r.suspicion.weights.embedding = 0;
    r.knn.k = 1;
    const fresh = defaultScoreParams();
    expect(fresh.suspicion.weights).toEqual(DEFAULT_SUSPICION.weights);
    expect(DEFAULT_SUSPICION.weights.label).toBe(1);
    expect(DEFAULT_SUSPICION.weights.embedding).toBe(1);
    expect(fresh.suspicion.excluded).toEqual([]);
    expect(DEFAULT_SUSPICION.excluded).toEqual([]);
    expect(fresh.suspicion.clearTail).toEqual(DEFAULT_CLEAR_TAIL);
    expect(DEFAULT_CLEAR_TAIL.gap).toBe(1);
    expect(fresh.knn.k).not.toBe(1);
  });

  it('the defaults are the documented ones: exact k-NN of 10 on raw embeddings up to 10,000 samples, and so on', () => {
    // DESIGN §3 (k = 10; activation clustering on 10 dimensions, a minority under 35%), the README (exact search up
    // to 10,000 samples, IVF above); the rest as chosen in defaults.ts, and recorded in every score set's params, so a
    // change here changes what a stored run's settings mean (√N cells with 8 probed; 200 power-iteration steps; 4
    // restarts of 50 Lloyd steps; per-class covariance with Ledoit–Wolf shrinkage; raw, not normalised, rows).
    const d = defaultScoreParams(3);
    expect(d.knn).toEqual({
      k: 10,
      normalize: false,
      mode: 'auto',
      approximateAbove: 10_000,
      nlist: 0,
      nprobe: 8,
    });
    expect(d.spectral).toEqual({ iterations: 200, normalize: false });
    expect(d.activationClustering).toEqual({ dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 });
    expect(d.mahalanobis).toEqual({ covariance: 'per-class', shrinkage: 'ledoit-wolf' });
  });
});
