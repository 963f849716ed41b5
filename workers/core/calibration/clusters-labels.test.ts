/**
 * explainedClusterRows (issue 10): which rows of activation clusters carry the label their nearest rows outside the
 * cluster carry, on hand-placed one-feature rows.
 */
import { describe, expect, it } from 'vitest';
import { explainedClusterRows } from './clusters';

/**
 * 80 rows with one feature: 30 of class 0 at 0.0-2.9 (step 0.1) and 30 of class 1 at 10.0-12.9; 12 rows at 1.00-1.11
 * labelled 1 (cluster 0.5: they look like class 0); 8 rows at 11.0-11.7 labelled 1 (cluster 0.7: they look like
 * class 1).
 */
function layout() {
  const x: number[] = [];
  const y: number[] = [];
  const ac: number[] = [];
  const add = (v: number, label: number, cluster: number) => {
    x.push(v);
    y.push(label);
    ac.push(cluster);
  };
  for (let i = 0; i < 30; i++) add(i / 10, 0, 0);
  for (let i = 0; i < 30; i++) add(10 + i / 10, 1, 0);
  for (let i = 0; i < 12; i++) add(1 + i / 100, 1, 0.5);
  for (let i = 0; i < 8; i++) add(11 + i / 10, 1, 0.7);
  return { features: Float32Array.from(x), labels: Int32Array.from(y), clusters: Float32Array.from(ac) };
}

describe('rows of activation clusters whose features explain their label', () => {
  it('marks a natural sub-group explained and rows that look like another class not, each against rows outside its cluster', () => {
    const { features, labels, clusters } = layout();
    const out = explainedClusterRows(features, 1, labels, clusters, 80);
    // Rows outside every cluster: 0.
    expect(Array.from(out.subarray(0, 60))).toEqual(new Array(60).fill(0));
    // The 12 rows at ~1.0 labelled 1: their 10 nearest rows outside their cluster are class 0 (0.5-1.5), although
    // their 11 fellow members, nearer still, carry label 1.
    expect(Array.from(out.subarray(60, 72))).toEqual(new Array(12).fill(0));
    // The 8 rows at 11.0-11.7 labelled 1: their nearest rows outside are class 1.
    expect(Array.from(out.subarray(72, 80))).toEqual(new Array(8).fill(1));
  });

  it('reads only the first `rows` rows, and explains nothing when the budget leaves too few reference rows', () => {
    const { features, labels, clusters } = layout();
    // 20 cluster rows × 1 feature: a budget of 20 × 50 leaves 50 reference rows (5 × k), enough; one less is not. The
    // budget counts cluster rows × columns: with a second, constant column, 20 × 2 × 50 is enough, one less not.
    const wide = Float32Array.from({ length: 160 }, (_, t) => (t % 2 === 0 ? features[t / 2] : 0));
    for (const [x, cols] of [
      [features, 1],
      [wide, 2],
    ] as const) {
      const budget = 1000 * cols;
      expect(
        explainedClusterRows(x, cols, labels, clusters, 80, { k: 10, reference: 1000, budget })[79],
      ).toBe(1);
      const short = { k: 10, reference: 1000, budget: budget - 1 };
      expect(Array.from(explainedClusterRows(x, cols, labels, clusters, 80, short))).toEqual(
        new Array(80).fill(0),
      );
    }
    // A cluster value past `rows` (an appended row's) does not count into the budget: 20 × 50 is still enough.
    const appended = Float32Array.from([...clusters, clusters[79] as number]);
    const exact = { k: 10, reference: 1000, budget: 1000 };
    expect(explainedClusterRows(features, 1, labels, appended, 80, exact)[79]).toBe(1);
    // With the first 72 rows only, the second cluster is not read; the first is judged as before.
    const first = explainedClusterRows(features, 1, labels, clusters, 72);
    expect(first).toHaveLength(72);
    expect(Array.from(first.subarray(60, 72))).toEqual(new Array(12).fill(0));
    // No cluster at all: nothing explained.
    expect(Array.from(explainedClusterRows(features, 1, labels, new Float32Array(80), 80))).toEqual(
      new Array(80).fill(0),
    );
  });
});
