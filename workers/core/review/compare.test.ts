import { describe, expect, it } from 'vitest';
import { compareRetrain, type RunDynamicsView } from './compare';

/** A run over `rows` (dataset rows) with per-epoch correctness and loss given per row, and final softmax. */
function run(
  rows: number[],
  inTraining: number[],
  labels: number[],
  correct: number[][],
  finalPredicted: number[],
  c = 2,
): RunDynamicsView {
  const n = rows.length;
  const epochs = correct[0]?.length ?? 0;
  const correctArr = new Uint8Array(epochs * n);
  const loss = new Float32Array(epochs * n);
  rows.forEach((_, i) => {
    for (let e = 0; e < epochs; e++) {
      correctArr[e * n + i] = correct[i]?.[e] ?? 0;
      loss[e * n + i] = correctArr[e * n + i] ? 0.1 : 2;
    }
  });
  const finalProbs = new Float32Array(n * c);
  finalPredicted.forEach((p, i) => {
    finalProbs[i * c + p] = 1;
  });
  return {
    samples: n,
    epochs,
    classCount: c,
    sampleRows: Int32Array.from(rows),
    inTraining: Uint8Array.from(inTraining),
    labels: Int32Array.from(labels),
    correct: correctArr,
    loss,
    finalProbs,
  };
}

describe('retrain comparison', () => {
  // Dataset rows 0-7, labels [0,0,1,1,0,1,0,1]. Rows 6 and 7 are quarantined (poison labels).
  const labels = Int32Array.from([0, 0, 1, 1, 0, 1, 0, 1]);
  // Before: trained on 0,1,2,6,7; validation 3,4,5. After: same validation rows (quarantined rows left out).
  const before = run(
    [0, 1, 2, 3, 4, 5, 6, 7],
    [1, 1, 1, 0, 0, 0, 1, 1],
    [0, 0, 1, 1, 0, 1, 0, 1],
    [
      [1, 1],
      [1, 1],
      [1, 1],
      [0, 1],
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 1],
    ],
    [0, 0, 1, 1, 1, 0, 0, 1],
  );
  const after = run(
    [0, 1, 2, 3, 4, 5],
    [1, 1, 1, 0, 0, 0],
    [0, 0, 1, 1, 0, 1],
    [
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
      [0, 1],
      [1, 1],
    ],
    [0, 0, 1, 1, 0, 1],
  );
  // The retrained model predicts class 1 for row 6 (label 0) and class 1 for row 7 (label 1).
  const afterProbs = Float32Array.from([0.2, 0.8, 0.3, 0.7]);
  // Computed in each test, not when the file is collected: Stryker switches a mutant on only while tests run.
  const compare = () => compareRetrain(before, after, Int32Array.from([6, 7]), afterProbs, labels);

  it('measures both runs on the validation rows they share', () => {
    const out = compare();
    expect(out.sharedRows).toBe(3);
    expect(out.classRows).toEqual([1, 2]);
    expect(out.before.accuracy).toEqual([1 / 3, 1 / 3]);
    expect(out.after.accuracy).toEqual([2 / 3, 1]);
    expect(out.before.loss[0]).toBeCloseTo((2 + 2 + 0.1) / 3, 6);
    expect(out.before.overall).toBeCloseTo(1 / 3, 10);
    expect(out.before.perClass).toEqual([0, 0.5]);
    expect(out.after.perClass).toEqual([1, 1]);
  });

  it('says how many quarantined rows each model still gives their label', () => {
    const out = compare();
    expect(out.quarantined.rows).toBe(2);
    expect(out.quarantined.beforeAssigned).toBe(2);
    expect(out.quarantined.afterAssigned).toBe(1);
    expect(out.quarantined.byClass).toEqual([
      { label: 0, rows: 1, stillAssigned: 0, mostPredicted: 1, mostPredictedRows: 1 },
      { label: 1, rows: 1, stillAssigned: 1, mostPredicted: -1, mostPredictedRows: 0 },
    ]);
  });

  it('leaves a validation row the retrained run trained on out of the shared rows', () => {
    const trainedOn = run(
      [0, 1, 2, 3, 4, 5],
      [1, 1, 1, 1, 0, 0],
      [0, 0, 1, 1, 0, 1],
      [[1], [1], [1], [1], [1], [1]],
      [0, 0, 1, 1, 0, 1],
    );
    expect(compareRetrain(before, trainedOn, Int32Array.from([6, 7]), afterProbs, labels).sharedRows).toBe(2);
  });
});
