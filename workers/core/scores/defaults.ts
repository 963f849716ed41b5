/**
 * Default scoring parameters, apart from the scoring code so the app can show them and resolve a form's input
 * without importing tfjs (score-all.ts re-exports them).
 */
import { DEFAULT_CLEAR_TAIL } from './clear-tail';
import type { ScoreParams, SuspicionParams } from './types';

/**
 * The default suspicion rule, one for every dataset, chosen on the development sets (detection.test.ts, where the
 * figures are): suspicion = the weighted max of the family values, with the label family on the out-of-fold model's
 * own probability scale and the others as the mean of their members' percentile ranks. A flip lights up the
 * trajectory, influence and label families, a backdoor or outlier only the embedding family; a maximum keeps
 * either, where a mean of families would halve the backdoor's signal. On ranks alone every family puts the run's
 * hardest samples at ~1, so on a clean-labelled set (digits_backdoor3) hard clean digits filled the top of the list
 * ahead of the backdoor (1 of the top 10): on the probability scale only a confident contradiction of the label
 * reaches 1, and an embedding group whose four rank scores agree (~0.97) outranks a merely hard sample. Trajectory and
 * influence have no such scale (a single or near-redundant ranking always reaches 1), so they enter at 0.9: they
 * still order the middle of the list (AUROC) but cannot crowd its top.
 */
export const DEFAULT_SUSPICION: SuspicionParams = {
  familyReduce: 'mean',
  labelScale: 'probability',
  rule: 'weighted-max',
  top: 2,
  weights: { trajectory: 0.9, influence: 0.9, embedding: 1, label: 1 },
  excluded: [],
  q: 0.05,
  clearTail: DEFAULT_CLEAR_TAIL,
};

/** Default scoring parameters (DESIGN §3), with the given seed. */
export function defaultScoreParams(seed = 0): ScoreParams {
  return {
    seed,
    // Exact up to 10,000 samples. On synth20k (20k × 64 embeddings, WASM, 2 cores) exact search took ~3.8 s, a
    // quarter of the 15 s pipeline target (issue 4); IVF took ~1.0 s at recall@10 0.96, kNN-disagreement AUROC
    // 0.9858 against 0.9863 exact, suspicion AUROC unchanged (0.9744 / 0.9745).
    knn: { k: 10, normalize: false, mode: 'auto', approximateAbove: 10_000, nlist: 0, nprobe: 8 },
    spectral: { iterations: 200, normalize: false },
    activationClustering: { dims: 10, minorityFraction: 0.35, restarts: 4, iterations: 50 },
    mahalanobis: { covariance: 'per-class', shrinkage: 'ledoit-wolf' },
    suspicion: {
      ...DEFAULT_SUSPICION,
      weights: { ...DEFAULT_SUSPICION.weights },
      excluded: [],
      clearTail: { ...DEFAULT_CLEAR_TAIL },
    },
  };
}

/** Parameters with some groups overridden; each given group replaces its fields one by one. */
export type ScoreParamsInput = { seed?: number } & {
  [G in Exclude<keyof ScoreParams, 'seed'>]?: Partial<ScoreParams[G]>;
};

/** Fills unspecified parameters with the defaults. */
export function resolveScoreParams(input: ScoreParamsInput = {}): ScoreParams {
  const d = defaultScoreParams(input.seed ?? 0);
  return {
    seed: d.seed,
    knn: { ...d.knn, ...input.knn },
    spectral: { ...d.spectral, ...input.spectral },
    activationClustering: { ...d.activationClustering, ...input.activationClustering },
    mahalanobis: { ...d.mahalanobis, ...input.mahalanobis },
    suspicion: {
      ...d.suspicion,
      ...input.suspicion,
      weights: { ...d.suspicion.weights, ...input.suspicion?.weights },
    },
  };
}
