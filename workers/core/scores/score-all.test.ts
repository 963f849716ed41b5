import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import type { TrainingDynamics } from '../train/types';
import { ScoringCancelledError } from './hooks';
import { knnIvf, knnScores } from './knn';
import { labelIssues } from './label-issues';
import { defaultScoreParams, resolveScoreParams, scoreAll } from './score-all';
import { CLEAR_TAIL_FLOOR, suspicionFromScores } from './suspicion';
import { randomLabels, randomMatrix, randomProbs } from './test-utils';
import { trajectoryScores } from './trajectory';
import { FAMILY_NAMES, SCORE_NAMES, type ScoreProgress } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random but well-formed dynamics: N = 120, E = 5, C = 3, d = 6. */
function fakeDynamics(): TrainingDynamics {
  const n = 120;
  const E = 5;
  const c = 3;
  const d = 6;
  const rng = createRng(21);
  const labels = randomLabels(n, c, 22);
  const probAssigned = Float32Array.from({ length: n * E }, () => 0.05 + 0.9 * rng.next());
  return {
    samples: n,
    epochs: E,
    classCount: c,
    sampleRows: Int32Array.from({ length: n }, (_, i) => i),
    inTraining: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 0 : 1)),
    labels,
    probAssigned,
    margin: randomMatrix(E, n, 23),
    loss: Float32Array.from(probAssigned, (p) => -Math.log(p)),
    correct: Uint8Array.from(probAssigned, (p) => (p > 0.5 ? 1 : 0)),
    lastLayerGradSq: Float32Array.from(randomMatrix(E, n, 24), (v) => v * v),
    finalProbs: randomProbs(n, c, 25),
    embeddings: randomMatrix(n, d, 26),
    embeddingDim: d,
    checkpoints: Array.from({ length: E }, (_, epoch) => ({
      epoch,
      learningRate: 0.01,
      weights: [],
      shapes: [],
    })),
    classLoss: new Float32Array(E * c),
  };
}

describe('scoreAll', () => {
  it('returns every score, family, flag and verdict, consistent with the parts, and frees its tensors', async () => {
    // Classes in blocks of 40 rows, which the features (both rising with the row) keep together; rows 0-7 are
    // labelled 2 though their features sit among class 0, as a trigger's rows are.
    const dyn = {
      ...fakeDynamics(),
      labels: Int32Array.from({ length: 120 }, (_, i) => (i < 8 ? 2 : Math.floor(i / 40))),
    };
    const oof = randomProbs(dyn.samples, dyn.classCount, 30);
    const progress: ScoreProgress[] = [];
    const before = tf.memory().numTensors;
    // Rows 0-7 share the value 9 in feature 0, and rows 56-63 (class 1, amid class 1) the value 7: a natural
    // spike, whose labels the other feature explains. Every other value of each feature is held by one row.
    const shared = (k: number) => (k < 16 ? 9 : k >= 112 && k < 128 ? 7 : 10 + k);
    const features = Float32Array.from({ length: 120 * 2 }, (_, k) => (k % 2 === 0 ? shared(k) : 10 + k));
    const s = await scoreAll(dyn, {
      oofProbs: oof,
      params: { seed: 5 },
      features: { values: features, count: 2, rows: Int32Array.from({ length: 120 }, (_, i) => i) },
      onProgress: (p) => progress.push(p),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.format).toBe('sift-scores/1');
    expect(s.samples).toBe(120);
    for (const name of SCORE_NAMES) {
      expect(s.scores[name].length, name).toBe(120);
      expect(s.scores[name].every(Number.isFinite), name).toBe(true);
    }
    for (const f of FAMILY_NAMES) {
      expect(s.families[f].length).toBe(120);
      expect(s.flags[f].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    expect(Array.from(s.scores.aum)).toEqual(Array.from(trajectoryScores(dyn).aum));
    // ln(8 rows / 1 row per neighbouring value) for the eight rows sharing 9 (P(X ≥ 8 | 1) = 1.0e-5, below
    // 0.01 / 106 distinct values), 0 for every other: the natural spike's rows too.
    expect(Array.from(s.scores.sharedValues.subarray(0, 8), (v) => Number(v.toFixed(5)))).toEqual(
      new Array(8).fill(Number(Math.log(8).toFixed(5))),
    );
    expect(s.scores.sharedValues.subarray(8).every((v) => v === 0)).toBe(true);
    const li = labelIssues(oof, dyn.labels, 3);
    expect(Array.from(s.labelIssue)).toEqual(Array.from(li.labelIssue));
    expect(Array.from(s.suggestedLabel)).toEqual(Array.from(li.suggestedLabel));
    expect(Array.from(s.suspicion)).toEqual(
      Array.from(suspicionFromScores(s.scores, 120, s.params.suspicion).suspicion),
    );
    expect(s.labelSource).toBe('cross-validated');
    expect(s.knnApproximate).toBe(false);
    // Per-class covariance by default: one Ledoit–Wolf α per class.
    expect(s.mahalanobisShrinkage).toHaveLength(3);
    expect(s.mahalanobisShrinkage.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(s.params).toEqual(resolveScoreParams({ seed: 5 }));
    expect(s.params.seed).toBe(5);
    expect(progress.map((p) => p.stage)).toEqual([...STAGE_NAMES, 'done']);
    expect(progress.at(-1)).toEqual({ stage: 'done', done: 9, total: 9 });
    expect(Object.keys(s.timings)).toHaveLength(9);
  });

  it('lifts a clear tail of shared values whose rows carry one label, reading the run\u2019s labels', async () => {
    // Classes in blocks of 40 rows, kept together by column 3 (rising with the row). Rows 0-7 share one value in each
    // of columns 0-2 (ln 8 each) and are labelled 2 amid class 0; four spikes of 7-10 rows in column 0, labelled
    // against their block too, score ln 7 to ln 10 only, so the 8 rows stand a clear gap above them.
    const n = 120;
    const cols = 4;
    const values = new Float32Array(n * cols);
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 8 ? 2 : Math.floor(i / 40)));
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) values[i * cols + j] = 1000 + i * 4 + j;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 3; j++) values[i * cols + j] = 9;
    for (const [first, count, v] of [
      [20, 8, 1100.5],
      [50, 9, 1200.5],
      [65, 10, 1250.5],
      [90, 7, 1300.5],
    ] as const) {
      for (let i = first; i < first + count; i++) {
        values[i * cols] = v;
        labels[i] = (Math.floor(i / 40) + 1) % 3;
      }
    }
    const s = await scoreAll(
      { ...fakeDynamics(), labels },
      {
        oofProbs: randomProbs(n, 3, 31),
        params: { seed: 5 },
        features: { values, count: cols, rows: Int32Array.from({ length: n }, (_, i) => i) },
      },
    );
    // At least ln 8 in each of the three columns (a lifted group of spikes scores more: spike-groups.ts).
    for (let i = 0; i < 8; i++)
      expect(s.scores.sharedValues[i]).toBeGreaterThanOrEqual(3 * Math.log(8) - 1e-4);
    expect(Number(s.scores.sharedValues[65]?.toFixed(4))).toBe(Number(Math.log(10).toFixed(4)));
    const top = Array.from(s.suspicion.keys()).sort((a, b) => s.suspicion[b] - s.suspicion[a] || a - b);
    expect(top.slice(0, 8).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 8; i++) {
      expect(s.suspicion[i]).toBeGreaterThanOrEqual(CLEAR_TAIL_FLOOR);
      expect(SCORE_NAMES[s.explanation?.score[i] ?? -1]).toBe('sharedValues');
    }
  });

  it('is deterministic for a seed', async () => {
    const dyn = fakeDynamics();
    const a = await scoreAll(dyn, { oofProbs: null, params: { seed: 3 } });
    const b = await scoreAll(dyn, { oofProbs: null, params: { seed: 3 } });
    for (const name of SCORE_NAMES) expect(Array.from(a.scores[name])).toEqual(Array.from(b.scores[name]));
  });

  it('falls back to the in-sample softmax without out-of-sample probabilities, and says so', async () => {
    const dyn = fakeDynamics();
    const s = await scoreAll(dyn, { oofProbs: null });
    expect(s.labelSource).toBe('in-sample');
    // Without the feature values the shared-values score is not computed (NaN) and stays out of its family.
    expect(s.scores.sharedValues.every(Number.isNaN)).toBe(true);
    const { sharedValues: _, ...rest } = s.scores;
    expect(Array.from(s.families.embedding)).toEqual(
      Array.from(suspicionFromScores(rest, 120, s.params.suspicion).families.embedding),
    );
    const i = 7;
    expect(s.scores.selfConfidence[i]).toBeCloseTo(1 - dyn.finalProbs[i * 3 + dyn.labels[i]], 6);
  });

  it('uses the IVF approximation when asked, and records it', async () => {
    const s = await scoreAll(fakeDynamics(), {
      oofProbs: null,
      params: { knn: { mode: 'ivf', nlist: 4, nprobe: 2 } },
    });
    expect(s.knnApproximate).toBe(true);
    expect(s.params.knn).toEqual({ ...defaultScoreParams().knn, mode: 'ivf', nlist: 4, nprobe: 2 });
  });

  it('in auto mode, searches exactly up to approximateAbove samples (10,000 by default) and by IVF above', async () => {
    const dyn = fakeDynamics(); // 120 samples
    expect(defaultScoreParams().knn).toMatchObject({ mode: 'auto', approximateAbove: 10_000 });
    const run = (knn: Partial<ReturnType<typeof defaultScoreParams>['knn']>) =>
      scoreAll(dyn, { oofProbs: null, params: { seed: 4, knn: { nlist: 4, nprobe: 1, ...knn } } });
    const exact = await run({ mode: 'exact' });
    const ivf = await run({ mode: 'ivf' });
    // One probed cell of four: the approximation misses some true neighbours, so the two searches differ.
    expect(Array.from(ivf.scores.knnDistance)).not.toEqual(Array.from(exact.scores.knnDistance));

    const byDefault = await run({});
    expect(byDefault.knnApproximate).toBe(false);
    expect(Array.from(byDefault.scores.knnDistance)).toEqual(Array.from(exact.scores.knnDistance));
    const atLimit = await run({ approximateAbove: 120 });
    expect(atLimit.knnApproximate).toBe(false);
    expect(Array.from(atLimit.scores.knnDistance)).toEqual(Array.from(exact.scores.knnDistance));
    const overLimit = await run({ approximateAbove: 119 });
    expect(overLimit.knnApproximate).toBe(true);
    expect(Array.from(overLimit.scores.knnDistance)).toEqual(Array.from(ivf.scores.knnDistance));
  });

  it('stops with ScoringCancelledError when cancelled, freeing its tensors', async () => {
    const before = tf.memory().numTensors;
    let stages = 0;
    const run = scoreAll(fakeDynamics(), {
      oofProbs: null,
      onProgress: () => {
        stages++;
      },
      cancelled: () => stages >= 3,
    });
    await expect(run).rejects.toBeInstanceOf(ScoringCancelledError);
    expect(stages).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses out-of-sample probabilities of the wrong size', async () => {
    await expect(scoreAll(fakeDynamics(), { oofProbs: new Float32Array(10) })).rejects.toThrow(
      /expected N×C = 360/,
    );
  });

  // Issue 16 (mutation testing): what the pipeline hands each step, checked against a brute-force search and the parts.
  /** Mean Euclidean distance to the k nearest other rows, in Float64 over every pair (rows scaled to unit length if asked). */
  function bruteKnnDistance(x: Float32Array, n: number, d: number, k: number, normalize: boolean): number[] {
    const rows = Array.from({ length: n }, (_, i) => {
      const r = Array.from(x.subarray(i * d, (i + 1) * d));
      const norm = normalize ? Math.hypot(...r) || 1 : 1;
      return r.map((v) => v / norm);
    });
    return rows.map((a, i) => {
      const dist = rows.flatMap((b, j) => (j === i ? [] : [Math.hypot(...a.map((v, t) => v - b[t]))]));
      dist.sort((p, q) => p - q);
      return dist.slice(0, k).reduce((s, v) => s + v, 0) / k;
    });
  }
  const close = (a: ArrayLike<number>, b: number[]) =>
    b.every((v, i) => Math.abs(a[i] - v) <= 1e-4 * (1 + v));

  it('searches the k neighbours asked for, at most every other sample, on normalised rows when asked', async () => {
    const dyn = fakeDynamics();
    const run = (knn: Partial<ReturnType<typeof defaultScoreParams>['knn']>) =>
      scoreAll(dyn, { oofProbs: null, params: { knn } });
    expect(
      close((await run({ k: 3 })).scores.knnDistance, bruteKnnDistance(dyn.embeddings, 120, 6, 3, false)),
    ).toBe(true);
    // k above N − 1 searches every other sample.
    expect(
      close((await run({ k: 500 })).scores.knnDistance, bruteKnnDistance(dyn.embeddings, 120, 6, 119, false)),
    ).toBe(true);
    const normalised = await run({ k: 4, normalize: true });
    expect(close(normalised.scores.knnDistance, bruteKnnDistance(dyn.embeddings, 120, 6, 4, true))).toBe(
      true,
    );
    // Exact mode stays exact above approximateAbove.
    const exact = await run({ k: 3, mode: 'exact', approximateAbove: 10 });
    expect(exact.knnApproximate).toBe(false);
    expect(close(exact.scores.knnDistance, bruteKnnDistance(dyn.embeddings, 120, 6, 3, false))).toBe(true);
  });

  it('gives the IVF search its cells, probes and seed', async () => {
    const dyn = fakeDynamics();
    const s = await scoreAll(dyn, {
      oofProbs: null,
      params: { seed: 6, knn: { mode: 'ivf', k: 5, nlist: 5, nprobe: 1, normalize: true } },
    });
    const ivf = await knnIvf(dyn.embeddings, 120, 6, 5, { nlist: 5, nprobe: 1, seed: 6, normalize: true });
    expect(Array.from(s.scores.knnDistance)).toEqual(Array.from(knnScores(ivf, dyn.labels).distance));
    expect(Array.from(s.scores.knnDisagreement)).toEqual(Array.from(knnScores(ivf, dyn.labels).disagreement));
  });

  it('refuses dynamics whose label count is not the sample count', async () => {
    const dyn = { ...fakeDynamics(), labels: new Int32Array(119) };
    await expect(scoreAll(dyn, { oofProbs: null })).rejects.toThrow(
      'Dynamics have 119 labels for 120 samples.',
    );
  });

  it('times each stage by name, within the time the call took, and returns the cartography and explanation', async () => {
    const dyn = fakeDynamics();
    const t0 = performance.now();
    const s = await scoreAll(dyn, { oofProbs: null });
    const elapsed = performance.now() - t0;
    expect(Object.keys(s.timings).sort()).toEqual([...STAGE_NAMES].sort());
    const total = Object.values(s.timings).reduce((a, b) => a + b, 0);
    expect(Object.values(s.timings).every((t) => t >= 0)).toBe(true);
    expect(total).toBeLessThanOrEqual(elapsed);
    const traj = trajectoryScores(dyn);
    expect(Array.from(s.cartography.confidence)).toEqual(Array.from(traj.confidence));
    expect(Array.from(s.cartography.variability)).toEqual(Array.from(traj.variability));
    const { sharedValues: _, ...computed } = s.scores;
    expect(Array.from(s.explanation?.score ?? [])).toEqual(
      Array.from(suspicionFromScores(computed, 120, s.params.suspicion).topScore),
    );
    expect(s.explanation?.kind).toEqual(new Uint8Array(120).fill(255));
  });

  it('yields through the caller’s `between` inside each embedding stage, so a worker can take a cancel message', async () => {
    const events: string[] = [];
    await scoreAll(fakeDynamics(), {
      oofProbs: null,
      onProgress: (p) => events.push(p.stage),
      between: async () => {
        events.push('yield');
      },
    });
    const inside = (stage: string) =>
      events.indexOf(STAGE_NAMES[STAGE_NAMES.indexOf(stage) + 1]) - events.indexOf(stage) - 2;
    // Besides the yield before the next stage: one per class (3) in spectral and Mahalanobis; in activation
    // clustering one per class whose split leaves a minority (not every class here).
    expect(inside('spectral')).toBe(3);
    expect(inside('activation clustering')).toBeGreaterThan(0);
    expect(inside('mahalanobis')).toBe(3);
  });
});

const STAGE_NAMES = [
  'trajectory',
  'influence',
  'knn',
  'spectral',
  'activation clustering',
  'mahalanobis',
  'shared values',
  'label issues',
  'suspicion',
];
