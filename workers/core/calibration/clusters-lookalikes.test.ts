/**
 * A lifted cluster's look-alikes (issue 10): rows of its label that activation clustering left outside it but that
 * stand out under its corroborating score as much as its median row, on hand-built columns.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type Corroborated, lookalikeRows } from './clusters';
import { type FusionInput, fuse } from './fuse';
import { estimatePoisoned } from './presence';

const SHARED = SCORE_NAMES.indexOf('sharedValues');
const SPECTRAL = SCORE_NAMES.indexOf('spectral');

/** 20 rows: cluster 0.5 is rows 0-3 (label 1), cluster 0.75 is rows 4-5 (label 2); every other row has value 0. */
function layout() {
  const ac = new Float32Array(20);
  for (let i = 0; i < 4; i++) ac[i] = 0.5;
  ac[4] = ac[5] = 0.75;
  const labels = Int32Array.from({ length: 20 }, (_, i) => (i < 4 ? 1 : i < 6 ? 2 : i % 3));
  // Score columns of tail significance; only shared values and spectral carry anything.
  const features = SCORE_NAMES.map(() => new Float32Array(20));
  return { ac, labels, features };
}

/** `labels` with the cluster rows 0-3 relabelled. */
function relabel(labels: Int32Array, cluster: number[]): Int32Array {
  const out = Int32Array.from(labels);
  out.set(cluster, 0);
  return out;
}

const cluster = (value: number, rows: number[], score: number, significance: number): Corroborated => ({
  value,
  rows,
  score,
  significance,
});

describe('look-alikes of a lifted cluster', () => {
  it('takes the rows of its label, outside it, at or above its median significance under its own score', () => {
    const { ac, labels, features } = layout();
    // Rows 7 and 10 carry label 1 (i % 3); 13 and 16 too, and 19. 8 carries label 2.
    features[SHARED].set([3, 3, 3, 3], 0);
    features[SHARED][7] = 3; // at the cluster's significance: in
    features[SHARED][10] = 5; // above: in
    features[SHARED][13] = 2.9; // below: out
    features[SHARED][8] = 9; // another label: out
    features[SPECTRAL][16] = 9; // another score: out
    const c = cluster(0.5, [0, 1, 2, 3], SHARED, 3);
    const out = lookalikeRows([c], ac, features, 20, 0.9, labels, new Uint8Array(20));
    expect([...out.keys()].sort((a, b) => a - b)).toEqual([7, 10]);
    expect(out.get(7)).toBe(c);
    // Only the first `rows` rows are read: row 10 is the 11th.
    expect([...lookalikeRows([c], ac, features, 10, 0.9, labels, new Uint8Array(20)).keys()]).toEqual([7]);
  });

  it('takes no row of a lifted cluster, and gives a row to the first cluster it looks like', () => {
    const { ac, labels, features } = layout();
    features[SHARED].fill(4);
    const first = cluster(0.5, [0, 1, 2, 3], SHARED, 3);
    // A second cluster of label 1 (rows 4-5 relabelled), corroborated by shared values too.
    const relabelled = Int32Array.from(labels, (l, i) => (i === 4 || i === 5 ? 1 : l));
    const second = cluster(0.75, [4, 5], SHARED, 1);
    const out = lookalikeRows([first, second], ac, features, 20, 0.9, relabelled, new Uint8Array(20));
    const rows = [...out.keys()].sort((a, b) => a - b);
    expect(rows).toEqual([7, 10, 13, 16, 19]);
    for (const r of rows) expect(out.get(r)).toBe(first);
    // The cluster's label is the one most of its rows carry, the first or the last of them: one row of label 0
    // changes nothing. In a tie the smaller label wins, whichever comes first.
    const labelled = (cluster: number[]) => [
      ...lookalikeRows([first], ac, features, 20, 0.9, relabel(labels, cluster), new Uint8Array(20)).keys(),
    ];
    const ofLabel1 = [7, 10, 13, 16, 19];
    // Rows 4 and 5 carry label 2 in a cluster that is not lifted here.
    const ofLabel2 = [4, 5, 8, 11, 14, 17];
    expect(labelled([0, 1, 1, 1])).toEqual(ofLabel1);
    expect(labelled([1, 1, 1, 0])).toEqual(ofLabel1);
    expect(labelled([1, 1, 2, 2])).toEqual(ofLabel1);
    expect(labelled([2, 2, 1, 1])).toEqual(ofLabel1);
    expect(labelled([2, 2, 2, 1])).toEqual(ofLabel2);
  });

  it('looks for none around a cluster whose labels are partly explained or that an embedding score corroborates', () => {
    const { ac, labels, features } = layout();
    features[SHARED].fill(4);
    features[SPECTRAL].fill(4);
    const explained = new Uint8Array(20);
    explained[0] = 1; // 3 of 4 unexplained: under 0.9, at 0.75
    const c = cluster(0.5, [0, 1, 2, 3], SHARED, 3);
    expect(lookalikeRows([c], ac, features, 20, 0.9, labels, explained).size).toBe(0);
    expect(lookalikeRows([c], ac, features, 20, 0.75, labels, explained).size).toBe(5);
    const bySpectral = cluster(0.5, [0, 1, 2, 3], SPECTRAL, 3);
    expect(lookalikeRows([bySpectral], ac, features, 20, 0.9, labels, new Uint8Array(20)).size).toBe(0);
  });
});

const N = 1000;

/**
 * Rows 0-29: a cluster of label 1 near the top of shared values, whose evenly spread values leave no clear tail: the
 * cluster holds the top 32 places but the 11th and 12th, which rows 100 (label 0) and 101 (label 1) take. 30 outlier
 * canaries at the top of k-NN distance.
 */
function input(): FusionInput {
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES)
    scores[s] = Float32Array.from({ length: N + 30 }, (_, i) => ((i * 7919) % N) / N);
  scores.activationClustering.fill(0);
  const order = [
    ...Array.from({ length: 10 }, (_, i) => i),
    100,
    101,
    ...Array.from({ length: 20 }, (_, i) => 10 + i),
  ];
  for (let i = 30; i < N; i++) if (i !== 100 && i !== 101) order.push(i);
  order.forEach((row, place) => {
    scores.sharedValues[row] = 1 - place / N;
  });
  for (let i = 0; i < 30; i++) scores.activationClustering[i] = 0.6;
  for (let j = 0; j < 30; j++) scores.knnDistance[N + j] = 5 + j;
  return {
    scores,
    rows: N,
    kind: new Uint8Array(30).fill(CANARY_KINDS.indexOf('outlier')),
    role: Uint8Array.from({ length: 30 }, (_, j) => (j < 15 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: Float32Array.from({ length: N + 30 }, (_, i) => ((i * 104729) % N) / N),
    explained: new Uint8Array(N),
    labels: Int32Array.from({ length: N }, (_, i) => (i < 30 ? 1 : i % 4)),
  };
}

describe('the fused suspicion with look-alikes', () => {
  it('lifts a look-alike with the cluster, names its score, counts it, and needs the labels to find it', () => {
    const plain = input();
    const out = fuse(plain);
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => out.suspicion[b] - out.suspicion[a]);
    expect(order.slice(0, 31).sort((a, b) => a - b)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => i),
      101,
    ]);
    for (let i = 0; i < 30; i++) expect(out.suspicion[i]).toBeGreaterThan(0.5);
    expect(out.suspicion[101]).toBeGreaterThan(0.5);
    expect(out.suspicion[100]).toBeLessThan(0.5);
    expect(SCORE_NAMES[out.topScore[101] ?? 0]).toBe('sharedValues');
    expect(SCORE_NAMES[out.topScore[0] ?? 0]).toBe('activationClustering');
    // The cluster's median row (its 15th lowest) holds the 18th place: (18 + 1) / (1000 + 1) of the rows.
    expect(out.model.clusters).toEqual([
      { rows: 30, score: 'sharedValues', medianShare: 0.019, explained: 0, lookalikes: 1 },
    ]);
    expect(estimatePoisoned(out, N)).toBe(31);
    const { labels: _, ...unlabelled } = plain;
    const without = fuse(unlabelled);
    expect(without.suspicion[101]).toBeLessThan(0.5);
    expect(without.model.clusters[0]?.lookalikes).toBe(0);
    expect(estimatePoisoned(without, N)).toBe(30);
  });

  it('counts each look-alike for its own cluster', () => {
    const two = input();
    // Rows 30-39 (label 2): a second cluster, at the top of self-influence; no row of label 2 outside it comes near.
    for (let i = 30; i < 40; i++) {
      two.scores.activationClustering[i] = 0.8;
      two.scores.selfInfluence[i] = 2 + i;
      (two.labels as Int32Array)[i] = 2;
    }
    const out = fuse(two);
    // Its median row (the 5th lowest of 10) holds the 6th place: (6 + 1) / 1001.
    expect(out.model.clusters).toEqual([
      { rows: 10, score: 'selfInfluence', medianShare: 0.007, explained: 0, lookalikes: 0 },
      { rows: 30, score: 'sharedValues', medianShare: 0.019, explained: 0, lookalikes: 1 },
    ]);
    expect(estimatePoisoned(out, N)).toBe(41);
  });
});
