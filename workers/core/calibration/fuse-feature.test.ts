/**
 * Presence of a kind a feature score detects (fuse.ts, shared-values.ts): such a score tests its own rows against
 * chance, so the rows it marks are the rows present, however much stronger the canaries are than the real trigger.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { createRng } from '../random';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse, marked } from './fuse';

const TRIGGER = CANARY_KINDS.indexOf('feature-trigger');

/**
 * 1000 analyst rows whose shared values are `analyst(i)`, then 20 + 20 feature-trigger canaries at 12; every other
 * score is noise, alike for rows and canaries.
 */
function run(analyst: (i: number) => number): FusionInput {
  const n = 1000;
  const total = n + 40;
  const rng = createRng(3);
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = Float32Array.from({ length: total }, () => rng.next());
  scores.selfConfidence = Float32Array.from({ length: total }, () => 0.3 * rng.next());
  scores.sharedValues = Float32Array.from({ length: total }, (_, i) => (i < n ? analyst(i) : 12));
  return {
    scores,
    rows: n,
    kind: new Uint8Array(40).fill(TRIGGER),
    role: Uint8Array.from({ length: 40 }, (_, j) => (j < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: Float32Array.from({ length: total }, () => 0.5 * rng.next()),
  };
}

describe('marked', () => {
  it('counts the rows above 0, none below minRows, and gives up above maxShare of the rows', () => {
    const values = Float32Array.from([0, 3, 0, 1, 2, 0, 0, 0, 0, 0, 9]);
    // Only the first 10 count: 3 rows above 0.
    expect(marked(values, 10, 3, 0.5)).toBe(3);
    expect(marked(values, 10, 4, 0.5)).toBe(0);
    // 3 of 10 is above a share of 0.25.
    expect(marked(values, 10, 3, 0.25)).toBeNull();
  });
});

describe('a trigger found by shared values', () => {
  it('is present in the rows the score marks, though its canaries score higher', () => {
    // 30 rows share a rare value (score 5); the canaries' trigger is stronger (12).
    const result = fuse(run((i) => (i < 30 ? 5 : 0)));
    const d = result.model.detectors[0];
    expect(d?.kind).toBe('feature-trigger');
    expect(d?.score).toBe('sharedValues');
    // It detects alone: the other scores' noise does not join it.
    expect(d?.scores).toEqual(['sharedValues']);
    expect(d?.presentRows).toBe(30);
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(
      (a, b) => (result.suspicion[b] as number) - (result.suspicion[a] as number),
    );
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('ranks above a corroborated cluster when every canary ranks above the rows it leaves', () => {
    // Rows 100-139 form an activation cluster that the k-NN distance corroborates (all 40 at its top).
    const input = run((i) => (i < 30 ? 5 : 0));
    for (let i = 100; i < 140; i++) {
      input.scores.activationClustering[i] = 3;
      input.scores.knnDistance[i] = 50;
    }
    const result = fuse(input);
    expect(result.model.clusters).toEqual([expect.objectContaining({ rows: 40, score: 'knnDistance' })]);
    expect(result.model.detectors[0]?.canaryReach).toBe(1);
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(
      (a, b) => (result.suspicion[b] as number) - (result.suspicion[a] as number),
    );
    // The trigger's 30 rows, then the cluster's 40.
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(order.slice(30, 70).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
  });

  it('falls back to the canaries when the score marks more than a tenth of the rows', () => {
    // 200 rows marked (a table whose usual values spike): the rows as strong as the canaries are counted instead,
    // and none is.
    const result = fuse(run((i) => (i < 200 ? 1 : 0)));
    expect(result.model.detectors[0]?.presentRows).toBe(0);
  });
});
