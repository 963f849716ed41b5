/**
 * The rows no present kind counts (fuse.ts, "the rest"): ordered by the label questions once a label kind is present,
 * else by the larger of the uncalibrated suspicion and the present kinds' detectors.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { createRng } from '../random';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse } from './fuse';

const FLIP = CANARY_KINDS.indexOf('random-flip');
const OUTLIER = CANARY_KINDS.indexOf('outlier');

/**
 * 1000 analyst rows of noise; rows 0-39 mislabelled (self-confidence 0.95-1.0); 40 canaries of `kind`: random
 * flips mislabelled as those rows are, or outliers far out under the k-NN distance. Row 500: the uncalibrated
 * suspicion's top value, its label doubted by no question. Row 501: doubted somewhat (self-confidence 0.8, where no
 * clean row reaches), the uncalibrated suspicion at the median.
 */
function run(kind: number): FusionInput {
  const n = 1000;
  const total = n + 40;
  const rng = createRng(11);
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = Float32Array.from({ length: total }, () => rng.next());
  // The canaries: mislabelled as rows 0-39 are, or far out under the k-NN distance.
  const flip = kind === FLIP;
  scores.selfConfidence = Float32Array.from({ length: total }, (_, i) =>
    i < 40 || (i >= n && flip) ? 0.95 + 0.05 * rng.next() : 0.5 * rng.next(),
  );
  if (!flip) for (let i = n; i < total; i++) scores.knnDistance[i] = 5 + rng.next();
  scores.selfConfidence[500] = 0.01;
  scores.selfConfidence[501] = 0.8;
  const backbone = Float32Array.from({ length: total }, () => 0.5 * rng.next());
  backbone[500] = 10;
  backbone[501] = 0.25;
  return {
    scores,
    rows: n,
    kind: new Uint8Array(40).fill(kind),
    role: Uint8Array.from({ length: 40 }, (_, j) => (j < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone,
  };
}

describe('the rest of the fused order', () => {
  it('leaves out the uncalibrated suspicion once a label kind is present', () => {
    const out = fuse(run(FLIP));
    expect(out.model.detectors[0]).toMatchObject({ kind: 'random-flip', score: 'selfConfidence' });
    expect(out.model.detectors[0]?.presentRows).toBeGreaterThan(0);
    // Neither row is among the kind's present rows: both in the rest, below one half.
    expect(out.suspicion[500]).toBeLessThan(0.5);
    expect(out.suspicion[501]).toBeLessThan(0.5);
    // The row the label questions doubt ranks above the one only the uncalibrated rule puts first.
    expect(out.suspicion[501]).toBeGreaterThan(out.suspicion[500] as number);
  });

  it('keeps it while no label kind is present', () => {
    // The same rows, the canaries now outliers (k-NN distance finds them; the analyst rows hold none): no kind is
    // present, and the uncalibrated suspicion orders every row.
    const out = fuse(run(OUTLIER));
    expect(out.model.detectors[0]).toMatchObject({ kind: 'outlier', score: 'knnDistance', presentRows: 0 });
    expect(out.suspicion[500]).toBeGreaterThan(out.suspicion[501] as number);
    // Row 500 holds the top of the uncalibrated suspicion: 0.5 × 0.5 × ln(1001 / 2) / ln(1001).
    expect(out.suspicion[500]).toBeCloseTo((0.25 * Math.log(1001 / 2)) / Math.log(1001), 5);
  });

  it('leaves out the detector of another present kind once a label kind is present', () => {
    const out = fuse(besideOutliers(4));
    const outlier = out.model.detectors.find((d) => d.kind === 'outlier');
    expect(outlier).toMatchObject({ score: 'knnDistance' });
    expect(outlier?.presentRows).toBeGreaterThan(0);
    expect(out.suspicion[600]).toBeLessThan(0.5);
    expect(out.suspicion[501]).toBeLessThan(0.5);
    expect(out.suspicion[501]).toBeGreaterThan(out.suspicion[600] as number);
  });

  it('weighs the label kinds against the largest of them, not against a larger outlier kind', () => {
    // Outlier canaries at 3-5: the outlier kind counts more rows than the flips' kind. Against its count, the label
    // kind's log weight put most of the rest below zero, where every such row tied at 0.
    const out = fuse(besideOutliers(3));
    const [flips, outlier] = ['random-flip', 'outlier'].map((k) =>
      out.model.detectors.find((d) => d.kind === k),
    );
    expect(outlier?.presentRows).toBeGreaterThan(flips?.presentRows ?? 0);
    expect(flips?.presentRows).toBeGreaterThan(0);
    const zeros = Array.from(out.suspicion.subarray(0, 1000)).filter((v) => v === 0).length;
    expect(zeros).toBeLessThanOrEqual(1);
  });
});

/**
 * run(FLIP) with 40 outlier canaries more: the k-NN distance exponential over the rows (a long tail, no gap), the
 * outlier canaries from `from` to `from` + 2, beyond all but a few rows: an outlier kind present beside the flips. Row
 * 600 at 4, among the farthest of the rest, its label doubted by no question; row 501 is doubted.
 */
function besideOutliers(from: number): FusionInput {
  const input = run(FLIP);
  const n = input.rows;
  const rng = createRng(12);
  const extend = (a: Float32Array, tail: () => number) =>
    Float32Array.from({ length: n + 80 }, (_, i) => (i < n + 40 ? (a[i] as number) : tail()));
  const scores = Object.fromEntries(
    SCORE_NAMES.map((s) => [s, extend(input.scores[s], () => rng.next())]),
  ) as Record<ScoreName, Float32Array>;
  for (let i = 0; i < n + 80; i++) {
    scores.knnDistance[i] = i >= n + 40 ? from + 2 * rng.next() : -Math.log(1 - rng.next());
    if (i >= n + 40) scores.selfConfidence[i] = 0.5 * rng.next();
  }
  scores.knnDistance[600] = 4;
  scores.selfConfidence[600] = 0.01;
  return {
    ...input,
    scores,
    kind: Uint8Array.from({ length: 80 }, (_, j) => (j < 40 ? FLIP : OUTLIER)),
    role: Uint8Array.from({ length: 80 }, (_, j) => (j % 40 < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: extend(input.backbone, () => 0),
  };
}
