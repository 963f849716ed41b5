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

describe('retrain comparison, three classes (issue 16)', () => {
  // Dataset rows 0-9; labels below. Before: rows 0-7, trained on 0, 1, 2, 4, 6; validation 3, 5, 7.
  // After (retrained without the quarantined 4, 6, 7): rows 0, 1, 2, 3, 5 and 8, validation 2, 3, 5, 8.
  // Shared validation rows: 3 (class 0) and 5 (class 1) only: 2 was trained on before, 7 is quarantined, 8 was not
  // in the run before. Class 2 has no shared row.
  const labels = Int32Array.from([0, 1, 2, 0, 1, 1, 2, 2, 2, 0]);
  const before = () =>
    run(
      [0, 1, 2, 3, 4, 5, 6, 7],
      [1, 1, 1, 0, 1, 0, 1, 0],
      [0, 1, 2, 0, 1, 1, 2, 2],
      [
        [1, 1],
        [1, 1],
        [1, 1],
        [0, 1],
        [1, 1],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
      [0, 1, 2, 1, 0, 1, 2, 2],
      3,
    );
  const after = () =>
    run(
      [0, 1, 2, 3, 5, 8],
      [1, 1, 0, 0, 0, 0],
      [0, 1, 2, 0, 1, 2],
      [[1], [1], [1], [1], [1], [0]],
      [0, 1, 2, 0, 1, 0],
      3,
    );
  /** Softmax rows giving each quarantined row the class predicted (0.8 against 0.1 each). */
  const probs = (predicted: number[]) =>
    Float32Array.from(predicted.flatMap((p) => [0, 1, 2].map((k) => (k === p ? 0.8 : 0.1))));
  const compare = (quarantined: number[], afterProbs: Float32Array) =>
    compareRetrain(before(), after(), Int32Array.from(quarantined), afterProbs, labels);

  it('measures only the rows both runs held out, each class at its own last-epoch accuracy', () => {
    const out = compare([7, 4, 6], probs([1, 0, 1]));
    expect(out.sharedRows).toBe(2);
    expect(out.classRows).toEqual([1, 1, 0]);
    // Before, last epoch: row 3 (class 0) right, row 5 (class 1) wrong; first epoch the other way round.
    expect(out.before.accuracy).toEqual([0.5, 0.5]);
    expect(out.before.perClass).toEqual([1, 0, Number.NaN]);
    expect(out.after.accuracy).toEqual([1]);
    expect(out.after.perClass).toEqual([1, 1, Number.NaN]);
  });

  it('counts per class, sorted by class, and the most frequent other prediction with its rows', () => {
    // Row 7 (class 2) → 1, row 4 (class 1) → a tie of 0 and 1 (the lower class, 0), row 6 (class 2) → 1.
    const tie = Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0.3, 0.6, 0.1]);
    const q = compare([7, 4, 6], tie).quarantined;
    expect(q).toEqual({
      rows: 3,
      // The run before predicted 2 for rows 7 and 6 (their label), 0 for row 4.
      beforeAssigned: 2,
      afterAssigned: 0,
      byClass: [
        { label: 1, rows: 1, stillAssigned: 0, mostPredicted: 0, mostPredictedRows: 1 },
        { label: 2, rows: 2, stillAssigned: 0, mostPredicted: 1, mostPredictedRows: 2 },
      ],
    });
  });

  it('names the other class predicted most, the lower one on a tie', () => {
    // Class 0 rows 0, 3, 9 and class 2 rows 2, 6, 7, predicted as given.
    const most = (rows: number[], predicted: number[]) => {
      const c = compare(rows, probs(predicted)).quarantined.byClass[0];
      return [c?.mostPredicted, c?.mostPredictedRows];
    };
    expect(most([0, 3, 9], [1, 1, 2])).toEqual([1, 2]);
    expect(most([0, 3, 9], [1, 2, 2])).toEqual([2, 2]);
    expect(most([0, 3, 9], [2, 1, 0])).toEqual([1, 1]);
    expect(most([2, 6, 7], [0, 0, 1])).toEqual([0, 2]);
    expect(most([2, 6, 7], [2, 2, 2])).toEqual([-1, 0]);
  });

  it('reads each quarantined row’s probabilities only, and says "not recorded" for a row the run before lacks', () => {
    // Row 3 (class 0) at 0.6 for its label; the next row's first probability, 0.9, is not its.
    const q = compare([3, 2], Float32Array.from([0.6, 0.3, 0.1, 0.9, 0.05, 0.05])).quarantined;
    expect([q.afterAssigned, q.byClass.map((c) => c.stillAssigned)]).toEqual([1, [1, 0]]);
    // Row 9 was in neither run: the run before’s count is unknown, whichever row comes first (it gave row 5 its label).
    expect(compare([9, 5], probs([0, 0])).quarantined.beforeAssigned).toBeNull();
    expect(compare([3, 9], probs([0, 0])).quarantined.beforeAssigned).toBeNull();
    expect(compare([3, 5], probs([0, 0])).quarantined.beforeAssigned).toBe(1);
  });
});
