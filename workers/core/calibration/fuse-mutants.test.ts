/**
 * The fusion's ties and equalities (fuse.ts), each on a run built so that the tie or equality decides: the detector's
 * choice by canary precision, an ensemble's mean, the reach gate at exactly −ln(reach), two equally strong clear
 * tails, a row whose detector value equals its uncalibrated suspicion, and a row outside two present kinds that only
 * one of them ranks high. Expected values by hand or from the definitions written out here.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse } from './fuse';
import { handRun } from './test-hand-run';

const OUTLIER = CANARY_KINDS.indexOf('outlier');
const TRIGGER = CANARY_KINDS.indexOf('feature-trigger');

/** 1000 analyst rows and 20 + 20 canaries of `kind`, every score 0 (set after), the uncalibrated suspicion i / 1000. */
function zeros(kind: number): FusionInput {
  const n = 1000;
  const total = n + 40;
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = new Float32Array(total);
  return {
    scores,
    rows: n,
    kind: new Uint8Array(40).fill(kind),
    role: Uint8Array.from({ length: 40 }, (_, j) => (j < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: Float32Array.from({ length: total }, (_, i) => (i < n ? i / 1000 : 0)),
  };
}

describe('the detector of equal reach', () => {
  it('is the score of higher canary precision, though a score of lower precision comes first', () => {
    // The k-NN and Mahalanobis distances both hold 0..999 on the analyst rows. Canaries 0-19 score 5000 under both
    // (above every row: reach 1 each); canaries 20-39 score 499.5 under the k-NN distance (500 rows at or above) and
    // 849.5 under the Mahalanobis distance (150 rows): both beyond the top tenth, reach 0. Reach 0.5 for both; the
    // Mahalanobis distance puts its second half nearer the top, so its precision is higher.
    const input = zeros(OUTLIER);
    for (let i = 0; i < 1000; i++) {
      input.scores.knnDistance[i] = i;
      input.scores.mahalanobis[i] = i;
    }
    for (let p = 1000; p < 1040; p++) {
      input.scores.knnDistance[p] = p < 1020 ? 5000 : 499.5;
      input.scores.mahalanobis[p] = p < 1020 ? 5000 : 849.5;
    }
    // Average precision by its definition: canary j (descending) at (j + 1) / (j + 1 + analyst rows at or above).
    let sum = 0;
    for (let j = 0; j < 40; j++) sum += (j + 1) / (j + 1 + (j < 20 ? 0 : 150));
    const d = fuse(input).model.detectors[0];
    expect(d).toMatchObject({ score: 'mahalanobis', canaryPrecision: Number((sum / 40).toFixed(4)) });
    // Both reach 0.5, so both are in the ensemble.
    expect(d?.scores).toEqual(['knnDistance', 'mahalanobis']);
  });
});

describe('an ensemble of two scores', () => {
  it('detects by the tail significance of the mean of their significance', () => {
    // fuse.test's hand run (k-NN distance 1, 2, 3, 4, 8, 9 on the 6 analyst rows) with the Mahalanobis distance the
    // other way round (9, 8, 4, 3, 2, 1) and every canary at 9.5 under both: reach and precision 1 each. Significance
    // of the rows, −ln((at or above + 1) / 7): k-NN 0, ln 7/6, ln 7/5, ln 7/4, ln 7/3, ln 7/2, Mahalanobis reversed.
    // Their means: rows 0 and 5 (ln 7/2) / 2 = 0.626, rows 1 and 4 (ln 7/6 + ln 7/3) / 2 = 0.501, rows 2 and 3
    // (ln 7/5 + ln 7/4) / 2 = 0.448; the canaries' ln 7. Their significance among the rows: 2 rows at or above rows
    // 0 and 5 (ln 7/3), 4 at or above rows 1 and 4 (ln 7/5), all 6 at or above rows 2 and 3 (0), none above a canary.
    const input = handRun([9.5, 9.5, 9.5, 9.5]);
    input.scores.mahalanobis.set([9, 8, 4, 3, 2, 1, 9.5, 9.5, 9.5, 9.5]);
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    expect(out.model.detectors[0]?.scores).toEqual(['knnDistance', 'mahalanobis']);
    const l = Math.log;
    const expected = [l(7 / 3), l(7 / 5), 0, 0, l(7 / 5), l(7 / 3), l(7), l(7), l(7), l(7)];
    expected.forEach((v, i) => {
      expect(out.detectorValues[0]?.[i]).toBeCloseTo(v, 6);
    });
  });
});

describe('an ensemble of three scores', () => {
  it('ties rows whose three significances are the same values in another order', () => {
    // The hand run's 6 rows under the k-NN distance, the spectral score and the Mahalanobis distance (that order),
    // 7 − c for a row with c rows at or above it, so its significance is L(c) = −ln((c + 1) / 7); every canary at 9.5
    // under all three (reach and precision 1 each). Rows 0-2 hold the counts (2, 4, 3), (3, 2, 4), (4, 3, 2), rows 3-5
    // (1, 5, 6), (5, 6, 1), (6, 1, 5): the same three each, so their means tie, rows 0-2 above (L(2) + L(3) + L(4) =
    // ln(7³ / 60) against L(1) + L(5) + L(6) = ln(7² / 12)). Among the rows: 3 at or above each of rows 0-2 (ln 7/4),
    // all 6 at or above rows 3-5 (0), none above a canary (ln 7). Float32 sums of each third tie; of each score
    // times 3 they would not (row 1 would fall below rows 0 and 2).
    const input = handRun([9.5, 9.5, 9.5, 9.5]);
    const counts = [
      [2, 4, 3],
      [3, 2, 4],
      [4, 3, 2],
      [1, 5, 6],
      [5, 6, 1],
      [6, 1, 5],
    ];
    (['knnDistance', 'spectral', 'mahalanobis'] as const).forEach((s, k) => {
      input.scores[s].set([...counts.map((c) => 7 - (c[k] as number)), 9.5, 9.5, 9.5, 9.5]);
    });
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    expect(out.model.detectors[0]?.scores).toEqual(['knnDistance', 'spectral', 'mahalanobis']);
    const l = Math.log;
    const expected = [l(7 / 4), l(7 / 4), l(7 / 4), 0, 0, 0, l(7), l(7), l(7), l(7)];
    expected.forEach((v, i) => {
      expect(out.detectorValues[0]?.[i]).toBeCloseTo(v, 6);
    });
  });
});

describe('a detector of one score', () => {
  it('keeps that score’s significance, its NaN rows out of the reference', () => {
    // The hand run with the k-NN distance of row 0 unknown (NaN): significance among the 5 other rows (2, 3, 4, 8,
    // 9), −ln((at or above + 1) / 6): 0, ln 6/5, ln 6/4, ln 6/3, ln 6/2; the NaN row 0. Recomputed from those
    // values, the NaN row's 0 would join the reference (6 rows) and row 5 would read ln 7/2.
    const input = handRun([9.5, 9.5, 9.5, 9.5]);
    input.scores.knnDistance[0] = Number.NaN;
    const out = fuse(input, { reach: 0.5, quantiles: [0.25], minRows: 1 });
    expect(out.model.detectors[0]?.scores).toEqual(['knnDistance']);
    const l = Math.log;
    const expected = [0, 0, l(6 / 5), l(6 / 4), l(6 / 3), l(6 / 2)];
    expected.forEach((v, i) => {
      expect(out.detectorValues[0]?.[i]).toBeCloseTo(v, 6);
    });
  });
});

describe('the reach gate', () => {
  it('lets a detector speak when the canaries’ median significance is exactly −ln(reach)', () => {
    // An unlearned trigger (canaries' self-confidence 0.5): only shared values may detect it. 30 analyst rows share
    // a rare value (5) and so do the 40 canaries: 30 rows at or above each canary, significance
    // −ln(31 / 1001) in Float32. The reach setting is the double whose −ln is exactly that Float32 value (a
    // neighbour of 31 / 1001 found by stepping through doubles).
    const input = zeros(TRIGGER);
    input.scores.selfConfidence.fill(0.5, 1000);
    for (let i = 0; i < 30; i++) input.scores.sharedValues[i] = 5;
    input.scores.sharedValues.fill(5, 1000);
    const significance = Math.fround(-Math.log(31 / 1001));
    const buffer = new Float64Array(1);
    const bits = new BigInt64Array(buffer.buffer);
    buffer[0] = Math.exp(-significance);
    const start = bits[0] as bigint;
    let reach = Number.NaN;
    for (let step = -64n; step <= 64n && Number.isNaN(reach); step++) {
      bits[0] = start + step;
      if (-Math.log(buffer[0] as number) === significance) reach = buffer[0] as number;
    }
    expect(-Math.log(reach)).toBe(significance);
    // At the gate: the 30 rows shared values marks are present. Just above it (a reach a little smaller, so that
    // −ln(reach) exceeds the canaries' significance): none.
    expect(fuse(input, { reach }).model.detectors[0]).toMatchObject({
      score: 'sharedValues',
      presentRows: 30,
    });
    expect(fuse(input, { reach: reach * (1 - 1e-6) }).model.detectors[0]?.presentRows).toBe(0);
  });
});

describe('a row in two equally strong clear tails', () => {
  it('is named by the earlier score', () => {
    // Rows 0-19 hold 100 + i under both the k-NN and the Mahalanobis distance, far above the other rows' i / 1000:
    // two clear tails of equal significance on every row. The k-NN distance comes first in SCORE_NAMES.
    const input = zeros(OUTLIER);
    for (let i = 0; i < 1000; i++) {
      input.scores.knnDistance[i] = i < 20 ? 100 + i : i / 1000;
      input.scores.mahalanobis[i] = i < 20 ? 100 + i : i / 1000;
    }
    const out = fuse(input);
    expect(out.model.detectors[0]?.presentRows).toBe(0);
    const knn = SCORE_NAMES.indexOf('knnDistance');
    expect(SCORE_NAMES.indexOf('mahalanobis')).toBeGreaterThan(knn);
    // Row 15: 5 rows at or above, 0.5 + 0.5 × ln(1001 / 6) / ln 1001.
    expect(out.suspicion[15]).toBeCloseTo(0.5 + (0.5 * Math.log(1001 / 6)) / Math.log(1001), 5);
    for (let i = 0; i < 20; i++) expect(out.topScore[i]).toBe(knn);
  });
});

describe('the rest of the rows, named by their detector or their strongest score', () => {
  // The hand run with its k-NN distance moved to AUM (SCORE_NAMES' first score, index 0), the uncalibrated
  // suspicion in the same order as AUM on the analyst rows (so that both give each row the same significance), and
  // one mean loss of 5 on row 1 (its strongest significance there, ln 7/2, against AUM's ln 7/6).
  const input = () => {
    const run = handRun([3.5, 7.5, 9.5, 9.5]);
    run.scores.aum.set(run.scores.knnDistance);
    run.scores.knnDistance.fill(0);
    run.scores.meanLoss[1] = 5;
    run.backbone.set([0.1, 0.2, 0.3, 0.4, 0.8, 0.9]);
    return run;
  };
  const settings = { reach: 0.5, quantiles: [0.25], minRows: 1 };
  const aum = SCORE_NAMES.indexOf('aum');
  const meanLoss = SCORE_NAMES.indexOf('meanLoss');

  it('keeps the strongest score when the detector only equals the uncalibrated suspicion', () => {
    // rest = backbone = 0.5: rows 0-2 (below the 3 present rows) weigh 0.5 × their significance both ways, equal.
    const out = fuse(input(), { ...settings, rest: 0.5 });
    expect(out.model.detectors[0]).toMatchObject({ score: 'aum', presentRows: 3 });
    expect(out.suspicion[1]).toBeCloseTo((0.25 * Math.log(7 / 6)) / Math.log(7), 6);
    expect(out.suspicion[2]).toBeCloseTo((0.25 * Math.log(7 / 5)) / Math.log(7), 6);
    expect([out.topScore[0], out.topScore[1], out.topScore[2]]).toEqual([aum, meanLoss, aum]);
  });

  it('names the detector’s score when it weighs more, even the score of index 0', () => {
    // rest 0.9 against backbone 0.5: the detector weighs more on rows 1 and 2; row 0's significance is 0 both ways.
    const out = fuse(input(), settings);
    expect(out.suspicion[1]).toBeCloseTo((0.45 * Math.log(7 / 6)) / Math.log(7), 6);
    expect([out.topScore[0], out.topScore[1], out.topScore[2]]).toEqual([aum, aum, aum]);
  });
});

describe('a row outside two present kinds', () => {
  it("ranks by the stronger detector, each weighed by its kind's row count, whichever kind comes first", () => {
    // Outlier canaries (20) at 5000 under the k-NN distance, feature-trigger canaries (20) at 5000 under the spectral
    // score; every other score 0. The k-NN distance holds i on analyst row i but 5000 + (i - 990) on rows 990-999;
    // the spectral score holds 999 - i but 5000 + i on rows 0-19. The outliers count the 10 rows at 5000 or above,
    // the trigger 20. Row 989 is next under the k-NN distance and low under the spectral score; row 20 the other way
    // round. Each ranks with the rest at 0.5 x 0.9 x (its stronger detector's significance + ln(its kind's rows / 20))
    // / ln 1001: row 989 -ln(12 / 1001) + ln(10 / 20), row 20 -ln(22 / 1001) + 0; its uncalibrated suspicion (i /
    // 1000) weighs 0.5 and the other detector almost nothing.
    const input = zeros(OUTLIER);
    input.kind.fill(TRIGGER, 20);
    input.role.set(Array.from({ length: 20 }, (_, j) => (j < 10 ? CANARY_ROLE.fit : CANARY_ROLE.report)));
    input.role.set(
      Array.from({ length: 20 }, (_, j) => (j < 10 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
      20,
    );
    for (let i = 0; i < 1000; i++) {
      input.scores.knnDistance[i] = i >= 990 ? 5000 + (i - 990) : i;
      input.scores.spectral[i] = i < 20 ? 5000 + i : 999 - i;
    }
    for (let j = 0; j < 20; j++) {
      input.scores.knnDistance[1000 + j] = 5000;
      input.scores.spectral[1020 + j] = 5000;
    }
    const out = fuse(input);
    expect(out.model.detectors.map((d) => [d.kind, d.score, d.presentRows])).toEqual([
      ['feature-trigger', 'spectral', 20],
      ['outlier', 'knnDistance', 10],
    ]);
    const l = Math.log;
    expect(out.suspicion[989]).toBeCloseTo((0.45 * (l(1001 / 12) + l(10 / 20))) / l(1001), 5);
    expect(out.suspicion[20]).toBeCloseTo((0.45 * l(1001 / 22)) / l(1001), 5);
    expect(SCORE_NAMES[out.topScore[989] as number]).toBe('knnDistance');
    expect(SCORE_NAMES[out.topScore[20] as number]).toBe('spectral');
  });
});
