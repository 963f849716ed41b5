/**
 * The fused suspicion on synthetic calibration runs (no training): score distributions for the analyst's rows and
 * canaries of two kinds, with and without a group of real poison. Checks the tail scale, the non-negative fit,
 * presence, the cut precision by hand, the fused ranking and why, and the estimate.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { createRng, type Rng } from '../random';
import { gaussian } from '../scores/test-utils';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { appendedRows, canaryPrecision, canaryReach, presentOrder } from './detectors';
import { DEFAULT_FUSION, type FusionInput, type FusionResult, fuse, NO_KIND } from './fuse';
import { estimatePoisoned, presentRows } from './presence';
import { sortedReference, tailSignificance } from './tails';
import { handRun } from './test-hand-run';

const FLIP = CANARY_KINDS.indexOf('random-flip');
const OUTLIER = CANARY_KINDS.indexOf('outlier');
const TRIGGER = CANARY_KINDS.indexOf('feature-trigger');

type Profile = 'clean' | 'flip' | 'outlier';

/** One row's scores: label scores and trajectory high for a flip, distances high for an outlier. */
function row(profile: Profile, rng: Rng, strength = 1): Record<ScoreName, number> {
  const out = {} as Record<ScoreName, number>;
  for (const s of SCORE_NAMES) out[s] = Math.exp(0.5 * gaussian(rng));
  out.selfConfidence = 0.3 * rng.next();
  out.normalizedMargin = -0.8 + 0.5 * rng.next();
  out.aum = gaussian(rng);
  if (profile === 'flip') {
    out.selfConfidence = 0.7 + 0.3 * strength * rng.next();
    out.normalizedMargin = 0.4 + 0.5 * strength * rng.next();
    out.aum = 3 + strength * 2 * rng.next();
  }
  if (profile === 'outlier') {
    out.knnDistance = 6 + 2 * strength * rng.next();
    out.mahalanobis = 6 + 2 * strength * rng.next();
  }
  return out;
}

/** A run of `n` analyst rows (the first `poisoned` of them flips, or `poison`) and 20 + 20 canaries of two kinds. */
function syntheticRun(n: number, poisoned: number, seed: number, poison: Profile = 'flip'): FusionInput {
  const rng = createRng(seed);
  const profiles: Array<{ p: Profile; kind: number; role: number }> = [];
  for (let i = 0; i < n; i++) profiles.push({ p: i < poisoned ? poison : 'clean', kind: -1, role: -1 });
  for (const role of [CANARY_ROLE.fit, CANARY_ROLE.report]) {
    for (let j = 0; j < 20; j++) profiles.push({ p: 'flip', kind: FLIP, role });
    for (let j = 0; j < 20; j++) profiles.push({ p: 'outlier', kind: OUTLIER, role });
    // A trigger the model did not learn: its canaries look like flips (the model still disagrees with their label).
    for (let j = 0; j < 20; j++) profiles.push({ p: 'flip', kind: TRIGGER, role });
  }
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = new Float32Array(profiles.length);
  profiles.forEach((r, i) => {
    const v = row(r.p, rng);
    for (const s of SCORE_NAMES) scores[s][i] = v[s];
  });
  const appended = profiles.slice(n);
  return {
    scores,
    rows: n,
    kind: Uint8Array.from(appended, (r) => r.kind),
    role: Uint8Array.from(appended, (r) => r.role),
    backbone: Float32Array.from(profiles, () => 0.5 * rng.next()),
  };
}

describe('tail significance and the non-negative fit', () => {
  it('puts every score on the exponential scale of its reference rows; ties with the bulk get ~0', () => {
    const rng = createRng(1);
    const values = Float32Array.from({ length: 5000 }, () => Math.exp(3 * gaussian(rng)));
    const t = tailSignificance(values, sortedReference(values));
    expect(t.reduce((s, v) => s + v, 0) / t.length).toBeCloseTo(1, 1);
    const tied = Float32Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : i));
    const tt = tailSignificance(tied, sortedReference(tied));
    expect(tt[0]).toBeCloseTo(0, 6);
    expect(tt[99]).toBeCloseTo(Math.log(101 / 2), 5);
  });

  it('measures a score by the average precision of the canaries among the analyst rows (hand case)', () => {
    // Analyst rows 0..9 valued 0..9; canaries at 20, 8.5 and 5.5: ranks 1, 3 and 7 among 10 + 3 rows.
    const values = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 8.5, 5.5]);
    const sorted = sortedReference(values.subarray(0, 10));
    expect(canaryPrecision(values, sorted, [10, 11, 12])).toBeCloseTo((1 / 1 + 2 / 3 + 3 / 7) / 3, 6);
    // A canary tied with analyst rows counts them all above it.
    const tied = Float32Array.from([1, 1, 1, 0, 1]);
    expect(canaryPrecision(tied, sortedReference(tied.subarray(0, 4)), [4])).toBeCloseTo(1 / 4, 6);
    expect(canaryPrecision(values, sorted, [])).toBe(0);
  });

  it('measures reach: each canary’s share of analyst rows above it against the depth, robust to real poison', () => {
    // Analyst rows valued 0..9; canaries at 20, 8.5 and 5.5 have 0, 1 and 4 of the 10 rows at or above them. At a
    // depth of half the rows: 1 - 0 / 0.5, 1 - 0.1 / 0.5 and 1 - 0.4 / 0.5, so (1 + 0.8 + 0.2) / 3.
    const values = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 8.5, 5.5]);
    const sorted = sortedReference(values.subarray(0, 10));
    expect(canaryReach(values, sorted, [10, 11, 12], 0.5)).toBeCloseTo(2 / 3, 6);
    // Below the depth a canary counts 0, not less: at a tenth, (1 + 0 + 0) / 3.
    expect(canaryReach(values, sorted, [10, 11, 12], 0.1)).toBeCloseTo(1 / 3, 6);
    // Setting the top row aside (a row found present): 1, 1 and 1 - 0.3 / 0.5.
    expect(canaryReach(values, sorted, [10, 11, 12], 0.5, 1)).toBeCloseTo((1 + 1 + 0.4) / 3, 6);
    expect(canaryReach(values, sorted, [], 0.5)).toBe(0);
  });
});

describe('edges of the canary measures', () => {
  it('picks the appended rows of a role, of one kind or of any', () => {
    // 5 analyst rows, then 4 appended: kinds 0, 1, 0, 2 in roles fit, fit, report, fit.
    const input = { rows: 5, kind: Uint8Array.from([0, 1, 0, 2]), role: Uint8Array.from([0, 0, 1, 0]) };
    expect(appendedRows(input, CANARY_ROLE.fit, null)).toEqual([5, 6, 8]);
    expect(appendedRows(input, CANARY_ROLE.fit, 0)).toEqual([5]);
    expect(appendedRows(input, CANARY_ROLE.report, 0)).toEqual([7]);
    expect(appendedRows(input, CANARY_ROLE.report, 1)).toEqual([]);
  });

  it('counts a canary without a value as found by no one', () => {
    // Analyst rows 0..9; canaries at 20 and NaN: precision 1 for the first, nothing for the second, over 2 canaries.
    const values = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, Number.NaN]);
    const sorted = sortedReference(values.subarray(0, 10));
    expect(canaryPrecision(values, sorted, [10, 11])).toBeCloseTo(0.5, 6);
    expect(canaryReach(values, sorted, [10, 11], 0.5)).toBeCloseTo(0.5, 6);
    // Nor once every analyst row is set aside: the canary at 20 reaches fully, the one without a value not at all.
    expect(canaryReach(values, sorted, [10, 11], 0.5, 10)).toBeCloseTo(0.5, 6);
    // No analyst row to compare with, no canaries: 0, and no presence.
    expect(canaryReach(values, new Float64Array(0), [10], 0.5)).toBe(0);
    expect(presentRows(values, 10, [], { ...DEFAULT_FUSION, minRows: 0 })).toBe(0);
  });
});

describe('presence', () => {
  it('counts analyst rows beyond the canaries’ threshold, divided by the canaries’ recall there', () => {
    // 1000 analyst rows: 40 spread like the canaries (each canary value twice), the rest at 0..1; canaries at
    // 10, 10.05, ..., 10.95. At the canaries' quartile (10.25) 30 rows and 15 of 20 canaries reach it: 30 / 0.75 = 40;
    // at their median (10.5) 20 rows and 10 canaries: 40 again.
    const n = 1000;
    const values = new Float32Array(n + 20);
    for (let i = 0; i < n; i++) values[i] = i < 40 ? 10 + (i % 20) / 20 : i / n;
    const canaries = Array.from({ length: 20 }, (_, k) => n + k);
    for (const p of canaries) values[p] = 10 + (p - n) / 20;
    expect(presentRows(values, n, canaries, DEFAULT_FUSION)).toBeCloseTo(40, 5);
    // The canaries' order does not matter.
    expect(presentRows(values, n, [...canaries].reverse(), DEFAULT_FUSION)).toBeCloseTo(40, 5);
    // A real attack a little weaker than the canaries (every row 0.3 lower) counts in part at tolerance 1 and fully
    // at 0.8, where the threshold sits a fifth of the way back toward the rows' median.
    for (let i = 0; i < 40; i++) values[i] = 9.7 + (i % 20) / 20;
    const weaker = presentRows(values, n, canaries, DEFAULT_FUSION);
    // The rows' median is row 500 of the sorted 1000 (0.54). At the canaries' quartile (canary 5 of 0-19, 10.25)
    // 18 rows (9.7 + k/20 for k = 11..19, twice) and 15 canaries: 18 / 0.75 = 24; at their median (canary 10, 10.5) 8
    // rows (k = 16..19) and 10 canaries: 16. The smaller, 16.
    expect(weaker).toBeCloseTo(16, 4);
    expect(presentRows(values, n, [...canaries].reverse(), DEFAULT_FUSION)).toBeCloseTo(16, 4);
    expect(presentRows(values, n, canaries, { ...DEFAULT_FUSION, tolerance: 0.8 })).toBeGreaterThan(weaker);
    // Canaries far beyond every analyst row: nothing is present.
    for (const p of canaries) values[p] = 100 + (p - n);
    expect(presentRows(values, n, canaries, DEFAULT_FUSION)).toBe(0);
    // No canary reaches the threshold at any quantile (tolerance 2 puts it beyond them all): no presence, not infinity.
    const flat = Float32Array.from({ length: 14 }, (_, i) => Math.min(i, 10));
    expect(presentRows(flat, 10, [10, 11, 12, 13], { ...DEFAULT_FUSION, tolerance: 2 })).toBe(0);
    // Five rows only: below the minimum of eight, no presence.
    for (const p of canaries) values[p] = 10 + (p - n) / 20;
    for (let i = 0; i < 40; i++) values[i] = i < 5 ? 10.5 + i / 10 : 0.5;
    expect(presentRows(values, n, canaries, DEFAULT_FUSION)).toBe(0);
  });

  it('keeps exactly minRows, and skips a quantile no canary reaches', () => {
    // 10 rows, 8 at 5 and 2 at 0 (median 5); canaries at 5: every row at 5 and every canary reach it, 8 rows.
    const values = Float32Array.from([0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(presentRows(values, 10, [10, 11], DEFAULT_FUSION)).toBe(8);
    expect(presentRows(values, 10, [10, 11], { ...DEFAULT_FUSION, minRows: 9 })).toBe(0);
    // Canaries 5, NaN, NaN, NaN: at quantile 0 (5) one canary in four reaches, 0.8 / 0.25 × 10 = 32; at 0.5 the
    // threshold is NaN, which nothing reaches: that quantile is skipped, not counted as no rows.
    const half = Float32Array.from([0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, Number.NaN, Number.NaN, Number.NaN]);
    expect(presentRows(half, 10, [10, 11, 12, 13], { ...DEFAULT_FUSION, quantiles: [0, 0.5] })).toBeCloseTo(
      32,
      6,
    );
  });
});

describe('the order of present kinds', () => {
  it('puts the surest kind first, whatever its size; kinds not present are left out', () => {
    const detectors = [
      { presentRows: 300, canaryReach: 0.81, canaryPrecision: 0.5 },
      { presentRows: 0, canaryReach: 1, canaryPrecision: 1 },
      { presentRows: 40, canaryReach: 0.99, canaryPrecision: 0.2 },
      { presentRows: 120, canaryReach: 0.81, canaryPrecision: 0.5 },
    ];
    expect(presentOrder(detectors)).toEqual([2, 0, 3]);
  });

  it('breaks a tie of reach by canary precision, then by kind order', () => {
    const detectors = [
      { presentRows: 8, canaryReach: 1, canaryPrecision: 0.37 },
      { presentRows: 29, canaryReach: 0.98, canaryPrecision: 0.3 },
      { presentRows: 16, canaryReach: 1, canaryPrecision: 0.89 },
      { presentRows: 16, canaryReach: 1, canaryPrecision: 1 },
      { presentRows: 5, canaryReach: 1, canaryPrecision: 1 },
    ];
    expect(presentOrder(detectors)).toEqual([3, 4, 2, 0, 1]);
  });
});

describe('fuse', () => {
  it('finds a present kind, ranks its rows first, says why, and estimates their number', () => {
    const input = syntheticRun(2000, 50, 3);
    const out = fuse(input);
    const flips = out.model.detectors.find((d) => d.kind === 'random-flip');
    const outliers = out.model.detectors.find((d) => d.kind === 'outlier');
    // 50 flips; the estimate reads the canaries' quartile and median, which with 40 canaries vary by draw (here the
    // real flips' self-confidence happens to sit lower than the canaries': 12 of 50 reach the canaries' median).
    expect(flips?.presentRows).toBeGreaterThan(20);
    expect(flips?.presentRows).toBeLessThan(70);
    expect(outliers?.presentRows).toBe(0);
    const trigger = out.model.detectors.find((d) => d.kind === 'feature-trigger');
    expect(trigger).toMatchObject({ learned: false, presentRows: 0 });
    expect(flips?.learned).toBe(true);
    const order = Array.from({ length: 2000 }, (_, i) => i).sort(
      (a, b) => out.suspicion[b] - out.suspicion[a],
    );
    const hits = order.slice(0, 50).filter((i) => i < 50).length;
    expect(hits).toBeGreaterThanOrEqual(45);
    // The top rows are the flips' block or a clear tail of a label score (the flips' gap above the clean rows).
    for (const i of order.slice(0, 20)) {
      expect(['selfConfidence', 'normalizedMargin', 'aum']).toContain(SCORE_NAMES[out.topScore[i]]);
    }
    // Every one of the top 20 is a real flip, whether the flips' block or a clear tail put it there.
    expect(order.slice(0, 20).filter((i) => i < 50)).toHaveLength(20);
    expect(order.slice(0, 20).some((i) => CANARY_KINDS[out.topKind[i]] === 'random-flip')).toBe(true);
    const estimate = estimatePoisoned(out, 2000);
    expect(estimate).toBeGreaterThan(20);
    expect(estimate).toBeLessThan(70);
    for (const v of out.suspicion) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('picks per kind the score that ranks its canaries highest, and orders its rows by that score', () => {
    // 50 real outliers: their distances overlap the clean rows' top, so no clear tail lifts them and the outlier
    // kind's block alone orders them.
    const input = syntheticRun(2000, 50, 5, 'outlier');
    const out = fuse(input);
    const detector = (kind: string) => out.model.detectors.find((d) => d.kind === kind);
    expect(['selfConfidence', 'normalizedMargin', 'aum']).toContain(detector('random-flip')?.score);
    expect(['knnDistance', 'mahalanobis']).toContain(detector('outlier')?.score);
    expect(detector('random-flip')?.canaryPrecision).toBeGreaterThan(0);
    expect(detector('outlier')?.canaryReach).toBeGreaterThan(0.9);
    // Scores within 0.05 of the best reach join the detector: the two distances here (and any other that reaches
    // the outlier canaries as well); with no room, the best score alone.
    expect(detector('outlier')?.scores).toEqual(expect.arrayContaining(['knnDistance', 'mahalanobis']));
    const alone = fuse(input, { ensemble: 0 }).model.detectors.find((d) => d.kind === 'outlier');
    expect(alone?.scores).toEqual([alone?.score]);
    // Within the present kind's rows the order is its score's order, not a tie at a capped value.
    const k = out.model.detectors.findIndex((d) => d.kind === 'outlier');
    const values = out.detectorValues[k];
    const inBlock = Array.from({ length: 2000 }, (_, i) => i).filter((i) => out.topKind[i] === OUTLIER);
    expect(inBlock.length).toBeGreaterThan(20);
    expect(inBlock.every((i) => SCORE_NAMES[out.topScore[i]] === detector('outlier')?.score)).toBe(true);
    for (const a of inBlock) {
      for (const b of inBlock) {
        if (values[a] > values[b]) expect(out.suspicion[a]).toBeGreaterThan(out.suspicion[b]);
      }
    }
    // Every row of the block ranks above every row outside it.
    const lowest = Math.min(...inBlock.map((i) => out.suspicion[i]));
    for (let i = 0; i < 2000; i++)
      if (out.topKind[i] === NO_KIND) expect(out.suspicion[i]).toBeLessThan(lowest);
  });

  it('a trigger the model did not learn speaks when its detector reads the feature values', () => {
    // The trigger canaries look like flips to the model (not learned), but 30 analyst rows and every trigger canary
    // share values nothing else holds: shared values finds both, so the kind speaks and counts the 30 rows it marks
    // (every other analyst row scores 0 under it, as in a table without natural spikes).
    const input = syntheticRun(2000, 0, 6);
    input.scores.sharedValues.fill(0, 0, 2000);
    const rng = createRng(60);
    for (let i = 100; i < 130; i++) input.scores.sharedValues[i] = 12 + rng.next();
    input.kind.forEach((k, j) => {
      if (k === TRIGGER) input.scores.sharedValues[2000 + j] = 12 + rng.next();
    });
    const trigger = fuse(input).model.detectors.find((d) => d.kind === 'feature-trigger');
    expect(trigger).toMatchObject({ score: 'sharedValues', learned: true });
    expect(trigger?.presentRows).toBeGreaterThanOrEqual(24);
    expect(trigger?.presentRows).toBeLessThanOrEqual(36);
    // Without the shared values the same canaries fall to a label score and the unlearned kind stays silent.
    const silent = fuse(syntheticRun(2000, 0, 6)).model.detectors.find((d) => d.kind === 'feature-trigger');
    expect(silent).toMatchObject({ learned: false, presentRows: 0 });
  });

  it('without poison, no kind speaks: the uncalibrated suspicion orders the rows and nothing is estimated', () => {
    const input = syntheticRun(2000, 0, 4);
    const out = fuse(input);
    expect(out.model.detectors.every((d) => d.presentRows === 0)).toBe(true);
    expect(estimatePoisoned(out, 2000)).toBe(0);
    const byBackbone = Array.from({ length: 2000 }, (_, i) => i).sort(
      (a, b) => input.backbone[a] - input.backbone[b],
    );
    for (let r = 1; r < byBackbone.length; r++) {
      expect(out.suspicion[byBackbone[r]]).toBeGreaterThanOrEqual(out.suspicion[byBackbone[r - 1]]);
    }
    expect(out.topKind.slice(0, 2000).every((k) => k === NO_KIND)).toBe(true);
  });
});

describe('fuse, a run worked by hand', () => {
  it('sets each row’s value, kind and score as the documented rule gives them', () => {
    // test-hand-run.ts: 6 analyst rows, k-NN distance 1, 2, 3, 4, 8, 9; outlier canaries at 7.5, 7.5, 9.5, 9.5.
    const n = 6;
    const input = handRun([7.5, 7.5, 9.5, 9.5]);
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    // Reach at depth 0.5: a canary at 7.5 has 2 of 6 rows at or above it, 1 - (2/6) / 0.5 = 1/3; at 9.5, 1. Every
    // other score ties the canaries with all 6 rows: 0. The detector is the distance alone. Its precision: canaries
    // 9.5, 9.5, 7.5, 7.5 at 1/1, 2/2, 3/5, 4/6, mean 0.81667. Tail significance −ln((rows at or above + 1) / 7):
    // analyst rows 0, ln 7/6, ln 7/5, ln 7/4, ln 7/3, ln 7/2; canaries ln 7/3 and ln 7, median ln 7/3 ≥ ln 2 (reach).
    // Presence at the canaries' quartile (ln 7/3): 2 of 6 rows and all canaries, 2 rows. Set aside, every canary
    // reaches 1.
    expect(out.model.detectors).toEqual([
      {
        kind: 'outlier',
        score: 'knnDistance',
        scores: ['knnDistance'],
        ranking: ['knnDistance'],
        canaryPrecision: 0.8167,
        canaryReach: 1,
        presentRows: 2,
        learned: true,
      },
    ]);
    expect(out.model.clusters).toEqual([]);
    expect(out.clusterRows).toHaveLength(0);
    // One present kind: two bands. Rows 4 and 5 and every canary (ranks 1, 0, 1, 1, -1, -1 < 2) are its rows; with
    // reach 1 it is a sure kind, in the top band (above any clear tail or cluster), at 0.75 + 0.25 × min(1,
    // significance / ln 7). The rest: 0.5 × max(0.5 × uncalibrated, 0.9 × detector) / ln 7, the
    // uncalibrated significance being ln 7/2, ln 7/3, ln 7/4, ln 7/5 on rows 0 to 3.
    const l = Math.log;
    const expected = [
      (0.25 * l(7 / 2)) / l(7),
      (0.25 * l(7 / 3)) / l(7),
      (0.45 * l(7 / 5)) / l(7),
      (0.45 * l(7 / 4)) / l(7),
      0.75 + (0.25 * l(7 / 3)) / l(7),
      0.75 + (0.25 * l(7 / 2)) / l(7),
      0.75 + (0.25 * l(7 / 3)) / l(7),
      0.75 + (0.25 * l(7 / 3)) / l(7),
      1,
      1,
    ];
    expected.forEach((v, i) => {
      expect(out.suspicion[i]).toBeCloseTo(v, 5);
    });
    expect(Array.from(out.topKind)).toEqual([NO_KIND, NO_KIND, NO_KIND, NO_KIND, ...Array(6).fill(OUTLIER)]);
    // Row 0: the uncalibrated suspicion set it and every score's significance is 0, so the first score names it; row
    // 1: the distance and the cluster tie at ln 7/6, the first of them; rows 2 on: the detector's score.
    const knn = SCORE_NAMES.indexOf('knnDistance');
    expect(Array.from(out.topScore)).toEqual([0, ...Array(9).fill(knn)]);
    expect(estimatePoisoned(out, n)).toBe(2);
  });
});

describe('estimatePoisoned', () => {
  it('counts each present kind’s top rows by its detector, the cluster and crowded rows once, ties to the earlier row', () => {
    // 5 rows. Kind A, 2 present: row 4 (0.9), then rows 1 and 3 tie at 0.5, the earlier (1) is taken. Kind B, 2
    // present: rows 4 and 3. Kind C, not present: its top row 0 does not count. No cluster: rows 1, 3 and 4.
    const detector = (presentRows: number) => ({ presentRows }) as FusionResult['model']['detectors'][number];
    const result = {
      model: { detectors: [detector(2), detector(2), detector(0)] },
      detectorValues: [
        Float32Array.from([0.1, 0.5, 0.2, 0.5, 0.9]),
        Float32Array.from([0, 0, 0, 1, 5]),
        Float32Array.from([9, 0, 0, 0, 0]),
      ],
      clusterRows: new Int32Array(0),
      crowdedRows: new Int32Array(0),
    } as unknown as FusionResult;
    expect(estimatePoisoned(result, 5)).toBe(3);
    expect(estimatePoisoned({ ...result, clusterRows: Int32Array.from([0, 4]) }, 5)).toBe(4);
    // Crowded rows count too, once: row 2 is new, row 4 was counted already.
    expect(estimatePoisoned({ ...result, crowdedRows: Int32Array.from([2, 4]) }, 5)).toBe(4);
    expect(
      estimatePoisoned(
        { ...result, clusterRows: Int32Array.from([0]), crowdedRows: Int32Array.from([0, 2]) },
        5,
      ),
    ).toBe(5);
  });
});
