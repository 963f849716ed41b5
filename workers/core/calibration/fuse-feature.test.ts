/**
 * Presence of a kind a feature score detects (fuse.ts, shared-values.ts): such a score tests its own rows against
 * chance, so the rows it marks are the rows present, however much stronger the canaries are than the real trigger.
 * A trigger kind a distance score detects counts no rows (presence.ts, countsRows).
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { createRng } from '../random';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse, NO_KIND } from './fuse';
import { estimatePoisoned, marked } from './presence';
import { handRun } from './test-hand-run';

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
    // Exactly the share: still counted.
    expect(marked(values, 10, 3, 0.3)).toBe(3);
  });

  it('with labels, gives up unless nine in ten of the marked rows carry one label', () => {
    // Rows 0-9 marked; row 10 unmarked (its label does not count).
    const values = Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0));
    const oneLabel = Int32Array.from({ length: 20 }, (_, i) => (i === 9 || i === 10 ? 2 : 1));
    // 9 of 10 carry label 1: counted.
    expect(marked(values, 20, 3, 0.5, oneLabel)).toBe(10);
    // 8 of 10: not a backdoor's rows, as a top-coded value's mixed labels are not.
    const eight = Int32Array.from(oneLabel, (v, i) => (i === 8 ? 3 : v));
    expect(marked(values, 20, 3, 0.5, eight)).toBeNull();
    expect(marked(values, 20, 3, 0.5)).toBe(10);
    // Nothing marked: 0, with or without labels.
    expect(marked(new Float32Array(20), 20, 3, 0.5, eight)).toBe(0);
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
    // Rows 100-139 form an activation cluster that the mean loss corroborates (all 40 at its top).
    const input = run((i) => (i < 30 ? 5 : 0));
    for (let i = 100; i < 140; i++) {
      input.scores.activationClustering[i] = 3;
      input.scores.meanLoss[i] = 50;
    }
    const result = fuse(input);
    expect(result.model.clusters).toEqual([expect.objectContaining({ rows: 40, score: 'meanLoss' })]);
    expect(result.model.detectors[0]?.canaryReach).toBe(1);
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(
      (a, b) => (result.suspicion[b] as number) - (result.suspicion[a] as number),
    );
    // The trigger's 30 rows, then the cluster's 40.
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(order.slice(30, 70).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    // A cluster row's value: the second of two bands (the sure kind takes the first), 0.5 + 0.25 × the mean of the
    // cluster's median significance and the row's own under the mean loss, both −ln(41 / 1001) (40 rows tied at
    // 50), over ln 1001.
    expect(result.suspicion[100]).toBeCloseTo(0.5 + (0.25 * Math.log(1001 / 41)) / Math.log(1001), 5);
  });

  it('claims the rows it marks only when nine in ten carry one label, given the labels', () => {
    // The 30 marked rows carry one label (a backdoor's target), then labels 0-2 in turn (an age top-coded at 90 that
    // the old of every label hold).
    const input = run((i) => (i < 30 ? 5 : 0));
    const target = Int32Array.from({ length: 1000 }, (_, i) => (i < 30 ? 4 : i % 3));
    expect(fuse({ ...input, labels: target }).model.detectors[0]?.presentRows).toBe(30);
    const mixed = Int32Array.from({ length: 1000 }, (_, i) => i % 3);
    const result = fuse({ ...input, labels: mixed });
    expect(result.model.detectors[0]).toMatchObject({ score: 'sharedValues', presentRows: 0 });
    expect(estimatePoisoned(result, 1000)).toBe(0);
  });

  it('claims no rows when the score marks more than a tenth of the rows, however high its canaries rank', () => {
    // 230 rows marked (a table whose usual values spike); 30 of them score 12.5, above every canary (12). Counted
    // against the canaries' quantiles they would be 30 rows present: 30 of 1000 rows at or above 12, recall 1.
    const result = fuse(run((i) => (i < 30 ? 12.5 : i < 230 ? 1 : 0)));
    expect(result.model.detectors[0]).toMatchObject({ score: 'sharedValues', presentRows: 0 });
    expect(estimatePoisoned(result, 1000)).toBe(0);
    // 200 rows marked at 1 and none as strong as the canaries: none either.
    expect(fuse(run((i) => (i < 200 ? 1 : 0))).model.detectors[0]?.presentRows).toBe(0);
  });

  it('counts the rows of a lifted group of shared values when it marks too many rows itself', () => {
    // Every row marked (images: each holds natural spikes); rows 40-69 form a lifted group (spike-groups.ts), 20 over
    // the highest sum (4) as the lift puts them.
    const input = run((i) => (i >= 40 && i < 70 ? 24 : 1 + (i % 4)));
    const grouped = Uint8Array.from({ length: 1000 }, (_, i) => (i >= 40 && i < 70 ? 1 : 0));
    const result = fuse({ ...input, grouped });
    expect(result.model.detectors[0]).toMatchObject({ score: 'sharedValues', presentRows: 30 });
    expect(estimatePoisoned(result, 1000)).toBe(30);
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(
      (a, b) => (result.suspicion[b] as number) - (result.suspicion[a] as number),
    );
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 40 + i));
    // Without the group, or with a group under minRows (8): no rows.
    expect(fuse(input).model.detectors[0]?.presentRows).toBe(0);
    const seven = Uint8Array.from({ length: 1000 }, (_, i) => (i >= 40 && i < 47 ? 1 : 0));
    expect(fuse({ ...input, grouped: seven }).model.detectors[0]?.presentRows).toBe(0);
    const eight = Uint8Array.from({ length: 1000 }, (_, i) => (i >= 40 && i < 48 ? 1 : 0));
    expect(fuse({ ...input, grouped: eight }).model.detectors[0]?.presentRows).toBe(8);
  });
});

describe('which scores detect a trigger', () => {
  it('detects alone with the rows it marks, though another score reaches the canaries almost as well', () => {
    // The k-NN distance ranks the canaries (50) below one analyst row (60) only: reach 1 − 0.001 / 0.1 = 0.99, within
    // 0.05 of shared values' 1. A feature score that marks its rows detects alone.
    const input = run((i) => (i < 30 ? 5 : 0));
    input.scores.knnDistance.fill(50, 1000);
    input.scores.knnDistance[500] = 60;
    const d = fuse(input).model.detectors[0];
    expect(d).toMatchObject({ score: 'sharedValues', scores: ['sharedValues'], presentRows: 30 });
  });

  it('lets any score detect a trigger the model learned, and only feature scores one it did not', () => {
    // Shared values mark no analyst row; they and the k-NN distance put every canary (12 and 50) above every row:
    // equal reach and precision, so the earlier score, k-NN, detects a learned trigger. The model learned it when
    // the canaries' median self-confidence is below 0.5 (0.3 here); at exactly 0.5 it did not, and only shared
    // values may detect it (finding no row present).
    const input = run(() => 0);
    input.scores.knnDistance.fill(50, 1000);
    input.scores.selfConfidence.fill(0.3, 1000);
    expect(fuse(input).model.detectors[0]?.score).toBe('knnDistance');
    input.scores.selfConfidence.fill(0.5, 1000);
    expect(fuse(input).model.detectors[0]).toMatchObject({
      score: 'sharedValues',
      presentRows: 0,
    });
  });

  it('takes the first of two scores that reach the canaries equally', () => {
    // The k-NN distance, the Mahalanobis distance and shared values all put every canary above every row (the model
    // learned the trigger): the earliest, k-NN.
    const input = run(() => 0);
    input.scores.knnDistance.fill(50, 1000);
    input.scores.mahalanobis.fill(50, 1000);
    expect(fuse(input, { ensemble: 0 }).model.detectors[0]?.score).toBe('knnDistance');
  });

  it('lists the detectors in kind order, whatever order the canaries come in', () => {
    const input = run(() => 0);
    const FLIP = CANARY_KINDS.indexOf('random-flip');
    input.kind = Uint8Array.from({ length: 40 }, (_, j) => (j % 20 < 10 ? TRIGGER : FLIP));
    expect(fuse(input).model.detectors.map((d) => d.kind)).toEqual(['random-flip', 'feature-trigger']);
  });
});

describe('clear tails in the fused order', () => {
  it('lifts each clear tail to the top, with the appended rows at or above its cut, named by its strongest score', () => {
    // No kind is present (shared values mark nothing). Rows 0-19 hold 100 + i under the Mahalanobis distance and rows
    // 10-29 hold 100 + i under the k-NN distance, far above the other rows' values in [0, 1): two clear tails. The
    // canaries: one at Mahalanobis 100 (at the cut), one at 99 (below it).
    const input = run(() => 0);
    for (let i = 0; i < 20; i++) input.scores.mahalanobis[i] = 100 + i;
    for (let i = 10; i < 30; i++) input.scores.knnDistance[i] = 100 + i;
    input.scores.mahalanobis[1000] = 100;
    input.scores.mahalanobis[1001] = 99;
    const out = fuse(input);
    expect(out.model.detectors[0]?.presentRows).toBe(0);
    // One band above the rest: 0.5 + 0.5 × significance / ln 1001, the significance −ln((rows at or above + 1) / 1001).
    const band = (atOrAbove: number) => 0.5 + (0.5 * Math.log(1001 / (atOrAbove + 1))) / Math.log(1001);
    const maha = SCORE_NAMES.indexOf('mahalanobis');
    const knn = SCORE_NAMES.indexOf('knnDistance');
    // Row 0: Mahalanobis only (20 rows at or above 100). Row 15: Mahalanobis 115 (5 rows at or above) is stronger
    // than its k-NN 115 (15 rows), though the k-NN tail comes first. Row 29: k-NN only, the top.
    expect(out.suspicion[0]).toBeCloseTo(band(20), 5);
    expect(out.topScore[0]).toBe(maha);
    expect(out.suspicion[15]).toBeCloseTo(band(5), 5);
    expect(out.topScore[15]).toBe(maha);
    expect(out.suspicion[25]).toBeCloseTo(band(5), 5);
    expect(out.topScore[25]).toBe(knn);
    expect(out.suspicion[29]).toBeCloseTo(band(1), 5);
    expect(out.topScore[29]).toBe(knn);
    expect(out.suspicion[1000]).toBeCloseTo(band(20), 5);
    expect(out.topScore[1000]).toBe(maha);
    // Every other row, and the canary below the cut, stays below one half.
    for (let i = 30; i < 1000; i++) expect(out.suspicion[i]).toBeLessThan(0.5);
    expect(out.suspicion[1001]).toBeLessThan(0.5);
    expect(Array.from(out.topKind).every((k) => k === NO_KIND)).toBe(true);
  });
});

describe('a lifted group of shared values in the fused order', () => {
  it('ranks with the clear tails, above the rows of a label kind that is surer than its trigger kind', () => {
    // Shared values: every row marked, rising smoothly from 1 to 23 (row i at 1 + 22 (i / 1000)^12; no gap sets a tail
    // apart), rows 40-69 a lifted group at 24; 56 rows lie above the 40 trigger canaries (12), so the trigger kind
    // counts the group but is not sure. Then 40 random-flip canaries that self-confidence puts at 0.85-1.0, with
    // analyst rows 100-179 at 0.95-1.0 (mislabelled) and rows 300-359 at 0.86 (below the canaries' quartile, not all
    // counted, above some canaries): not sure either.
    const n = 1000;
    const base = run((i) => (i >= 40 && i < 70 ? 24 : 1 + 22 * (i / n) ** 12));
    const rng = createRng(5);
    const scores = {} as Record<ScoreName, Float32Array>;
    for (const s of SCORE_NAMES) {
      scores[s] = Float32Array.from({ length: n + 80 }, (_, i) =>
        i < n + 40 ? base.scores[s][i] : rng.next(),
      );
    }
    scores.sharedValues.fill(1, n + 40);
    for (let i = 0; i < n + 80; i++) {
      if (i >= n + 40) scores.selfConfidence[i] = 0.85 + 0.15 * rng.next();
      else if (i >= 100 && i < 180) scores.selfConfidence[i] = 0.95 + 0.05 * rng.next();
      else if (i >= 300 && i < 360) scores.selfConfidence[i] = 0.86;
    }
    const flip = CANARY_KINDS.indexOf('random-flip');
    const input: FusionInput = {
      ...base,
      scores,
      kind: Uint8Array.from({ length: 80 }, (_, j) => (j < 40 ? TRIGGER : flip)),
      role: Uint8Array.from({ length: 80 }, (_, j) => (j % 40 < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
      backbone: Float32Array.from({ length: n + 80 }, (_, i) => base.backbone[Math.min(i, n + 39)]),
      grouped: Uint8Array.from({ length: n }, (_, i) => (i >= 40 && i < 70 ? 1 : 0)),
    };
    const out = fuse(input);
    const trigger = out.model.detectors.find((d) => d.kind === 'feature-trigger');
    const flips = out.model.detectors.find((d) => d.kind === 'random-flip');
    expect(trigger).toMatchObject({ kind: 'feature-trigger', score: 'sharedValues', presentRows: 30 });
    expect(flips).toMatchObject({ kind: 'random-flip', score: 'selfConfidence' });
    expect(flips?.presentRows).toBeGreaterThan(0);
    // Neither kind is sure; the label kind is the surer, so its rows would come first.
    expect(trigger?.canaryReach).toBeLessThan(flips?.canaryReach ?? 0);
    expect(flips?.canaryReach).toBeLessThan(1);
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => out.suspicion[b] - out.suspicion[a] || a - b,
    );
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 40 + i));
    expect(out.topScore[40]).toBe(SCORE_NAMES.indexOf('sharedValues'));
  });
});

describe('crowded rows in the fused order', () => {
  it('lifts rows packed far closer together than the rest with the clear tails, the closest first, and counts them', () => {
    // No kind is present. The k-NN distances of the analyst rows lie in [1, 2), but rows 40-59 sit at 0.020-0.039; the
    // canaries at 0.030 (at or below the crowded rows' largest distance) and 0.5 (above it).
    const input = run(() => 0);
    for (let i = 0; i < 1000; i++) input.scores.knnDistance[i] = 1 + (input.scores.knnDistance[i] as number);
    for (let i = 40; i < 60; i++) input.scores.knnDistance[i] = 0.02 + 0.001 * (i - 40);
    input.scores.knnDistance[1000] = 0.03;
    input.scores.knnDistance[1001] = 0.5;
    const out = fuse(input);
    expect(out.model.detectors[0]?.presentRows).toBe(0);
    expect(out.model.crowded).toBe(20);
    expect(Array.from(out.crowdedRows)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(estimatePoisoned(out, 1000)).toBe(20);
    // One band above the rest: 0.5 + 0.5 × significance / ln 1001, the significance −ln((rows at or below + 1) / 1001).
    const band = (atOrBelow: number) => 0.5 + (0.5 * Math.log(1001 / (atOrBelow + 1))) / Math.log(1001);
    const knn = SCORE_NAMES.indexOf('knnDistance');
    expect(out.suspicion[40]).toBeCloseTo(band(1), 5);
    expect(out.suspicion[59]).toBeCloseTo(band(20), 5);
    expect(out.suspicion[1000]).toBeCloseTo(band(11), 5);
    for (const i of [40, 59, 1000]) expect(out.topScore[i]).toBe(knn);
    for (let i = 60; i < 1000; i++) expect(out.suspicion[i]).toBeLessThan(0.5);
    expect(out.suspicion[1001]).toBeLessThan(0.5);
    expect(Array.from(out.topKind).every((k) => k === NO_KIND)).toBe(true);
    // Without the group, nothing is crowded.
    for (let i = 40; i < 60; i++) input.scores.knnDistance[i] = 1.5;
    const plain = fuse(input);
    expect(plain.model.crowded).toBe(0);
    expect(plain.crowdedRows).toHaveLength(0);
  });
});

describe('a present kind that is not sure, worked by hand', () => {
  it('ranks its rows in the band below the tails, clusters and sure kinds', () => {
    // fuse.test's hand run (test-hand-run.ts) with one canary lower: k-NN distance 1, 2, 3, 4, 8, 9, outlier canaries
    // at 3.5, 7.5, 9.5, 9.5. Tail significance of the rows 0, ln 7/6, ln 7/5, ln 7/4, ln 7/3, ln 7/2; canaries ln 7/4,
    // ln 7/3, ln 7, ln 7.
    const OUTLIER = CANARY_KINDS.indexOf('outlier');
    const input = handRun([3.5, 7.5, 9.5, 9.5]);
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    // Precision: canaries 9.5, 9.5, 7.5, 3.5 at 1, 1, 3/5, 4/7: 0.79286. Presence at the canaries' quartile (ln 7/3,
    // the threshold from the rows' median ln 7/4): 2 of 6 rows, 3 of 4 canaries: 2/6 / 0.75 × 6 = 2.667 rows. With
    // them set aside, the canary at ln 7/4 has 3 − 2.667 rows above it: 1 − (0.333 / 6) / 0.5 = 0.8889, the others 1:
    // reach 0.9722, not sure.
    expect(out.model.detectors).toEqual([
      {
        kind: 'outlier',
        score: 'knnDistance',
        scores: ['knnDistance'],
        ranking: ['knnDistance'],
        canaryPrecision: 0.7929,
        canaryReach: 0.9722,
        presentRows: 3,
        learned: true,
      },
    ]);
    // Its rows (ranks below 3: rows 3, 4, 5 and every canary) take the second of two bands, 0.5 + 0.25 × min(1,
    // significance / ln 7); the first band is left to tails, clusters and sure kinds (none here). The rest as in
    // fuse.test: 0.5 × max(0.5 × uncalibrated, 0.9 × detector) / ln 7.
    const l = Math.log;
    const expected = [
      (0.25 * l(7 / 2)) / l(7),
      (0.25 * l(7 / 3)) / l(7),
      (0.45 * l(7 / 5)) / l(7),
      0.5 + (0.25 * l(7 / 4)) / l(7),
      0.5 + (0.25 * l(7 / 3)) / l(7),
      0.5 + (0.25 * l(7 / 2)) / l(7),
      0.5 + (0.25 * l(7 / 4)) / l(7),
      0.5 + (0.25 * l(7 / 3)) / l(7),
      0.75,
      0.75,
    ];
    expected.forEach((v, i) => {
      expect(out.suspicion[i]).toBeCloseTo(v, 5);
    });
    expect(Array.from(out.topKind)).toEqual([NO_KIND, NO_KIND, NO_KIND, ...Array(7).fill(OUTLIER)]);
    const knn = SCORE_NAMES.indexOf('knnDistance');
    expect(Array.from(out.topScore)).toEqual([0, ...Array(9).fill(knn)]);
  });
});

describe('fuse, a trigger kind found by a distance score', () => {
  it('counts no rows, so its rows rank by the uncalibrated suspicion as when nothing is present', () => {
    // The run above with feature-trigger canaries: their self-confidence (0) says the model learned them, and k-NN
    // distance detects them as it detected the outliers, but a distance score counts no trigger rows.
    const input = { ...handRun([7.5, 7.5, 9.5, 9.5]), kind: new Uint8Array(4).fill(TRIGGER) };
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    expect(out.model.detectors).toMatchObject([
      { kind: 'feature-trigger', score: 'knnDistance', presentRows: 0, learned: true },
    ]);
    expect(Array.from(out.topKind.subarray(0, 6))).toEqual(Array(6).fill(NO_KIND));
    expect(estimatePoisoned(out, 6)).toBe(0);
    // Rows 4 and 5, the outliers' two rows above, fall to 0.5 x 0.5 x their uncalibrated significance / ln 7.
    const l = Math.log;
    expect(out.suspicion[4]).toBeCloseTo((0.25 * l(7 / 6)) / l(7), 5);
    expect(out.suspicion[5]).toBeCloseTo(0, 5);
  });
});
