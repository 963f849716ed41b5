/**
 * Corroborated activation clusters and the reach gate (issue 10), on hand-built score columns: which clusters are
 * lifted and by which score, where they rank in the fused suspicion, and that a detector leaving its canaries in the
 * bulk says nothing of presence.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE, type CanaryKind } from '../canary/types';
import { createRng } from '../random';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { corroboratedClusters, medianOver } from './clusters';
import { type FusionInput, type FusionResult, fuse } from './fuse';
import { estimatePoisoned } from './presence';
import { sortedReference, tailSignificance } from './tails';

const N = 1000;

/** N analyst rows with every score uniform at random, and `extra` appended rows (all zero until set). */
function columns(seed: number, extra = 0): Record<ScoreName, Float32Array> {
  const rng = createRng(seed);
  const out = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES)
    out[s] = Float32Array.from({ length: N + extra }, (_, i) => (i < N ? rng.next() : 0));
  out.activationClustering.fill(0);
  return out;
}

function features(scores: Record<ScoreName, Float32Array>): Float32Array[] {
  return SCORE_NAMES.map((s) => tailSignificance(scores[s], sortedReference(scores[s].subarray(0, N))));
}

describe('corroborated activation clusters', () => {
  it('lifts a cluster whose rows another score ranks at its top, and names that score and its median', () => {
    const scores = columns(1);
    for (let i = 0; i < 30; i++) {
      scores.activationClustering[i] = 0.6;
      scores.selfInfluence[i] = 2 + i; // the 30 highest selfInfluence values
    }
    for (let i = 30; i < 90; i++) scores.activationClustering[i] = 0.3; // a cluster no other score sets apart
    const found = corroboratedClusters(scores.activationClustering, features(scores), N, 0.1);
    expect(found).toHaveLength(1);
    expect(found[0]?.value).toBeCloseTo(0.6, 6);
    expect(found[0]?.rows).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(SCORE_NAMES[found[0]?.score ?? -1]).toBe('selfInfluence');
    // Sorted ascending, the median (15th of 30) significance is the row with 16 rows at or above it: -ln(17 / 1001).
    expect(found[0]?.significance).toBeCloseTo(Math.log(1001 / 17), 5);
  });

  it('is not corroborated by shared values, which the rows of any embedding cluster share', () => {
    const scores = columns(3);
    for (let i = 0; i < 30; i++) {
      scores.activationClustering[i] = 0.6;
      scores.sharedValues[i] = 5 + i; // the 30 highest shared values
    }
    expect(corroboratedClusters(scores.activationClustering, features(scores), N, 0.1)).toEqual([]);
    // The same rows at the top of selfInfluence, a score that does not read the embedding: lifted.
    for (let i = 0; i < 30; i++) scores.selfInfluence[i] = 5 + i;
    const found = corroboratedClusters(scores.activationClustering, features(scores), N, 0.1);
    expect(found.map((c) => SCORE_NAMES[c.score])).toEqual(['selfInfluence']);
  });

  it('is corroborated by an embedding outlier score only when the labels of nearly all its rows are unexplained', () => {
    // Spectral, the k-NN distance and Mahalanobis read the embedding that activation clustering splits, so any
    // natural sub-group of a class stands out under them too.
    for (const name of ['spectral', 'knnDistance', 'mahalanobis'] as const) {
      const scores = columns(5);
      for (let i = 0; i < 30; i++) {
        scores.activationClustering[i] = 0.6;
        scores[name][i] = 5 + i;
      }
      const lifted = (explainedRows: number, labels: number) => {
        const explained = new Uint8Array(N);
        explained.fill(1, 0, explainedRows);
        return corroboratedClusters(
          scores.activationClustering,
          features(scores),
          N,
          0.1,
          explained,
          labels,
        ).map((c) => SCORE_NAMES[c.score]);
      };
      // Nothing known of the labels (no `explained`), or the label rule off: not lifted.
      expect(corroboratedClusters(scores.activationClustering, features(scores), N, 0.1)).toEqual([]);
      expect(lifted(0, Number.POSITIVE_INFINITY)).toEqual([]);
      // 27 of 30 rows unexplained (0.9): lifted; 26 of 30 (0.867): not.
      expect(lifted(3, 0.9)).toEqual([name]);
      expect(lifted(4, 0.9)).toEqual([]);
    }
  });

  it('needs half of the rows in the top reach, three rows at least, and another score than the clustering itself', () => {
    const scores = columns(2);
    // 20 rows: 9 at the top of aum, 11 in the bulk: the median row is in the bulk.
    for (let i = 0; i < 20; i++) {
      scores.activationClustering[i] = 0.5;
      scores.aum[i] = i < 9 ? 5 + i : 0.5;
    }
    // Two rows at the very top of every score: too few to be a cluster.
    for (const s of SCORE_NAMES) for (const i of [100, 101]) scores[s][i] = 10 + i;
    scores.activationClustering[100] = 0.9;
    scores.activationClustering[101] = 0.9;
    expect(corroboratedClusters(scores.activationClustering, features(scores), N, 0.1)).toEqual([]);
    // With 11 of the 20 at the top instead, the median row is there.
    for (let i = 9; i < 11; i++) scores.aum[i] = 5 + i;
    const found = corroboratedClusters(scores.activationClustering, features(scores), N, 0.1);
    expect(found.map((c) => c.rows.length)).toEqual([20]);
    expect(SCORE_NAMES[found[0]?.score ?? -1]).toBe('aum');
  });

  it('orders lifted clusters by how strongly they are corroborated', () => {
    const scores = columns(3);
    for (let i = 0; i < 10; i++) {
      scores.activationClustering[i] = 0.4;
      scores.meanLoss[i] = 3 + i; // the top 10
      scores.activationClustering[10 + i] = 0.7;
      scores.meanLoss[10 + i] = 1.5 + i / 100; // the next 10
    }
    const found = corroboratedClusters(scores.activationClustering, features(scores), N, 0.1);
    expect(found.map((c) => c.value)).toEqual([Math.fround(0.4), Math.fround(0.7)]);
  });

  it('takes the median of the given rows', () => {
    expect(medianOver(Float32Array.from([5, 1, 4, 2, 3]), [0, 1, 2])).toBe(4);
    expect(medianOver(Float32Array.from([5, 1, 4, 2]), [0, 1, 2, 3])).toBe(2);
    expect(medianOver(new Float32Array(3), [])).toBeNaN();
  });
});

/** Analyst rows with a corroborated cluster (rows 0..29) and 40 outlier canaries placed by `canary`. */
function run(canary: (scores: Record<ScoreName, Float32Array>, p: number) => void): FusionInput {
  const kind = CANARY_KINDS.indexOf('outlier');
  const scores = columns(4, 40);
  for (let i = 0; i < 30; i++) {
    scores.activationClustering[i] = 0.6;
    scores.selfInfluence[i] = 2 + i;
  }
  for (let j = 0; j < 40; j++) canary(scores, N + j);
  return {
    scores,
    rows: N,
    kind: new Uint8Array(40).fill(kind),
    role: Uint8Array.from({ length: 40 }, (_, j) => (j < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: Float32Array.from({ length: N + 40 }, (_, i) => (i * 7919) % 1000),
  };
}

describe('the fused suspicion with clusters and the reach gate', () => {
  it('ranks a corroborated cluster first, says so in the model, and counts it in the estimate', () => {
    // Canaries above every analyst row under knnDistance: the outlier kind is measured, and no row is like it.
    const out = fuse(run((s, p) => (s.knnDistance[p] = 5 + p)));
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => out.suspicion[b] - out.suspicion[a]);
    expect(order.slice(0, 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(out.model.clusters).toEqual([
      { rows: 30, score: 'selfInfluence', medianShare: 0.017, explained: 0, lookalikes: 0 },
    ]);
    expect(out.model.format).toBe('sift-fused/9');
    expect(SCORE_NAMES[out.topScore[order[0] ?? 0] ?? 0]).toBe('activationClustering');
    expect(estimatePoisoned(out, N)).toBe(30);
  });

  it('leaves a cluster row whose features explain its label to rank with the rest, by the cluster’s evidence', () => {
    const input = run((s, p) => (s.knnDistance[p] = 5 + p));
    // Rows 0-9 of the 30-row cluster are explained; row 500 (outside every cluster) is marked too and changes nothing.
    const explained = new Uint8Array(N);
    for (let i = 0; i < 10; i++) explained[i] = 1;
    explained[500] = 1;
    const plain = fuse(input);
    const out = fuse({ ...input, explained });
    const lifted = Array.from({ length: 20 }, (_, k) => 10 + k);
    const lowestLifted = Math.min(...lifted.map((i) => out.suspicion[i] as number));
    for (let i = 0; i < 10; i++) {
      // Below every lifted row, in the rest (under 0.5)...
      expect(out.suspicion[i]).toBeLessThan(lowestLifted);
      expect(out.suspicion[i]).toBeLessThan(0.5);
      expect(SCORE_NAMES[out.topScore[i] ?? 0]).toBe('activationClustering');
    }
    // ...yet above the rows of no cluster: its rows' selfInfluence (the 30 highest) and the cluster's median put it
    // at 0.9 × their mean significance, above any backbone value at 0.5 × its own.
    const rest = Array.from({ length: N - 30 }, (_, k) => 30 + k);
    const highestRest = Math.max(...rest.map((i) => out.suspicion[i] as number));
    for (let i = 0; i < 10; i++) expect(out.suspicion[i]).toBeGreaterThan(highestRest);
    expect(out.suspicion[500]).toBe(plain.suspicion[500]);
    for (const i of lifted) expect(out.suspicion[i]).toBe(plain.suspicion[i]);
    expect(out.model.clusters).toEqual([
      { rows: 30, score: 'selfInfluence', medianShare: 0.017, explained: 10, lookalikes: 0 },
    ]);
    expect(estimatePoisoned(out, N)).toBe(20);
  });

  it('gives an explained cluster row the larger of its own suspicion and its cluster’s evidence', () => {
    // Row 0 is explained, so it ranks with the rest; its self-influence is the lowest and its uncalibrated suspicion
    // the highest, so its own suspicion outweighs the cluster's evidence (0.9 × the mean of the cluster's median
    // significance and its own, near 0).
    const input = run((s, p) => (s.knnDistance[p] = 5 + p));
    input.scores.selfInfluence[0] = -1;
    input.backbone[0] = 5000;
    const explained = new Uint8Array(N);
    explained[0] = 1;
    const out = fuse({ ...input, explained });
    // The same row outside every cluster, in the rest by its own suspicion alone.
    const alone = { ...input, scores: { ...input.scores, activationClustering: new Float32Array(N + 40) } };
    const outside = fuse({ ...alone, explained });
    expect(out.model.clusters).toHaveLength(1);
    expect(outside.model.clusters).toEqual([]);
    expect(out.suspicion[0]).toBe(outside.suspicion[0]);
    // The top backbone value: tail significance ln(1001 / 2), at weight 0.5, on the rest's scale 0.5 / ln(1001).
    expect(out.suspicion[0]).toBeCloseTo((0.5 * 0.5 * Math.log(1001 / 2)) / Math.log(1001), 5);
  });

  it('lifts a cluster that shared values sets apart only when nearly all its rows carry an unexplained label', () => {
    const input = run((s, p) => (s.knnDistance[p] = 5 + p));
    // Rows 0-29 now sit mid-way under selfInfluence and at the top of shared values (which alone never corroborates).
    for (let i = 0; i < 30; i++) {
      input.scores.selfInfluence[i] = 0.5;
      input.scores.sharedValues[i] = 2 + i;
    }
    const lifted = (explainedRows: number, settings = {}) => {
      const explained = new Uint8Array(N);
      for (let i = 0; i < explainedRows; i++) explained[i] = 1;
      return fuse({ ...input, explained }, settings).model.clusters;
    };
    expect(fuse(input).model.clusters).toEqual([]);
    expect(lifted(0)).toEqual([
      { rows: 30, score: 'sharedValues', medianShare: 0.017, explained: 0, lookalikes: 0 },
    ]);
    // 27 of 30 unexplained is 0.9, the default share: lifted (its 3 explained rows rank with the rest); 26 is not.
    expect(lifted(3)).toEqual([
      { rows: 30, score: 'sharedValues', medianShare: 0.017, explained: 3, lookalikes: 0 },
    ]);
    expect(lifted(4)).toEqual([]);
    expect(lifted(0, { clusterLabels: 2 })).toEqual([]);
    expect(lifted(4, { clusterLabels: 0.85 })).toHaveLength(1);
    // Unexplained labels alone do not lift it: shared values must set it apart too.
    for (let i = 0; i < 30; i++) input.scores.sharedValues[i] = 0.5;
    expect(lifted(0)).toEqual([]);
  });

  it('leaves a cluster that a label score corroborates to a present label kind, which orders its rows already', () => {
    // Rows 100-139 stand above 40 canaries under the cross-validated label scores (their neighbours disagree too); the 30-row cluster (rows 0-29)
    // tops self-influence, which says a label is wrong (training struggled to fit the row), but no label question.
    const flips = (kind: CanaryKind, planted = true) => {
      const input = run((s, p) => {
        s.selfConfidence[p] = 5 + (p - N) / 100;
        s.normalizedMargin[p] = 5 + (p - N) / 100;
        s.knnDisagreement[p] = 5;
      });
      for (let i = 100; i < (planted ? 140 : 100); i++) {
        input.scores.selfConfidence[i] = 10 + i;
        input.scores.normalizedMargin[i] = 10 + i;
        input.scores.knnDisagreement[i] = 5;
      }
      input.kind.fill(CANARY_KINDS.indexOf(kind));
      return fuse(input);
    };
    const byLabel = flips('random-flip');
    expect(byLabel.model.detectors[0]).toMatchObject({
      kind: 'random-flip',
      ranking: ['selfConfidence', 'normalizedMargin', 'knnDisagreement'],
    });
    expect(byLabel.model.detectors[0]?.presentRows).toBeGreaterThan(0);
    expect(byLabel.model.clusters).toEqual([]);
    const order = (out: FusionResult) =>
      Array.from({ length: N }, (_, i) => i).sort((a, b) => out.suspicion[b] - out.suspicion[a]);
    // The flipped rows first; the cluster's rows rank with the rest (under 0.5), by the label questions' order.
    expect(
      order(byLabel)
        .slice(0, 40)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    for (let i = 0; i < 30; i++) expect(byLabel.suspicion[i]).toBeLessThan(0.5);
    // A kind that plants no wrong label, found by the same scores, leaves the cluster lifted: right under that kind's
    // sure rows (every canary above the rows it leaves), above the rest.
    const byTrigger = flips('outlier');
    expect(byTrigger.model.clusters).toEqual([
      { rows: 30, score: 'selfInfluence', medianShare: 0.017, explained: 0, lookalikes: 0 },
    ]);
    expect(
      order(byTrigger)
        .slice(40, 70)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (let i = 0; i < 30; i++) expect(byTrigger.suspicion[i]).toBeGreaterThan(0.5);
    // A label kind measured but not present (no analyst row stands with its canaries) orders no rows: lifted too.
    const absent = flips('random-flip', false);
    expect(absent.model.detectors[0]?.presentRows).toBe(0);
    expect(absent.model.clusters).toHaveLength(1);
    expect(
      order(absent)
        .slice(0, 30)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('gives no presence to a kind whose detector leaves half its canaries below the top tenth', () => {
    // Canaries spread over knnDistance's 0.80-0.99 (their median near the 0.89 quantile): presence could be read,
    // but the median canary sits outside the top tenth at reach 0.1.
    const place = (s: Record<ScoreName, Float32Array>, p: number) => {
      s.knnDistance[p] = 0.8 + ((p - N) % 20) / 100;
    };
    const gated = fuse(run(place));
    expect(gated.model.detectors[0]).toMatchObject({ kind: 'outlier', presentRows: 0 });
    const open = fuse(run(place), { reach: 0.5 });
    expect(open.model.detectors[0]?.presentRows).toBeGreaterThan(0);
  });
});

describe('corroborated clusters, on hand-made significances', () => {
  const own = SCORE_NAMES.indexOf('activationClustering');
  /** Every score's significance `value` on every row; the clustering score's own, 9, is higher and never counts. */
  const flat = (length: number, value: number) =>
    SCORE_NAMES.map((_, k) => new Float32Array(length).fill(k === own ? 9 : value));

  it('groups the analyst rows by positive value, from 3 rows, and names the first best score', () => {
    // Rows 0-9 are the analyst's; row 10 (appended) shares 0.5 but is not counted. Zero, negative and NaN values
    // never form a cluster, whatever their number.
    const values = Float32Array.from([0.5, 0.5, 0.5, 0, 0, 0, -1, -1, -1, Number.NaN, 0.5]);
    const got = corroboratedClusters(values, flat(11, 5), 10, 0.1);
    expect(got).toEqual([{ value: 0.5, rows: [0, 1, 2], score: 0, significance: 5 }]);
  });

  it('orders clusters as strong by their value, and counts a median exactly at the reach', () => {
    // Two clusters of 3 rows with the same significance: the lower value first, although it comes later.
    const values = Float32Array.from([0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0, 0, 0, 0]);
    const got = corroboratedClusters(values, flat(10, 5), 10, 0.1);
    expect(got.map((c) => [c.value, c.rows])).toEqual([
      [0.25, [3, 4, 5]],
      [0.5, [0, 1, 2]],
    ]);
    // At reach 1 the threshold is −ln 1 = 0, and a median significance of 0 reaches it.
    expect(corroboratedClusters(values, flat(10, 0), 10, 1).map((c) => c.significance)).toEqual([0, 0]);
    expect(corroboratedClusters(values, flat(10, 0), 10, 0.99)).toEqual([]);
  });

  it('lifts a cluster by shared values whose median is exactly at the reach', () => {
    // Every other score −1 on every row; shared values 0 on the cluster's three rows, none explained. At reach 1 the
    // threshold is −ln 1 = 0, which a median of 0 reaches.
    const shared = SCORE_NAMES.indexOf('sharedValues');
    const values = Float32Array.from([0.5, 0.5, 0.5, 0, 0, 0]);
    const sig = SCORE_NAMES.map((_, k) => new Float32Array(6).fill(k === own ? 9 : k === shared ? 0 : -1));
    const got = corroboratedClusters(values, sig, 6, 1, new Uint8Array(6), 0.9);
    expect(got).toEqual([{ value: 0.5, rows: [0, 1, 2], score: shared, significance: 0 }]);
  });
});
