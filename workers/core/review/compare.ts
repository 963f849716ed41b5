/**
 * "Retrain on clean", compared: the run before and the run retrained without the quarantined rows, measured on the
 * same validation rows (those both runs held out, none of them quarantined), epoch by epoch and per class, and what
 * each model predicts for the quarantined rows. When the retrained model no longer gives most of them their label,
 * that is evidence they were poison: nothing else taught the model that label for them. Pure; the review worker
 * reads both runs' dynamics and calls it.
 */
import type { TrainingDynamics } from '../train/types';

/** What the comparison reads of one run's recorded dynamics. */
export type RunDynamicsView = Pick<
  TrainingDynamics,
  | 'samples'
  | 'epochs'
  | 'classCount'
  | 'sampleRows'
  | 'inTraining'
  | 'labels'
  | 'correct'
  | 'loss'
  | 'finalProbs'
>;

/** One run's validation figures on the shared rows. */
export interface SideFigures {
  /** Per epoch: accuracy and mean loss over the shared validation rows. */
  accuracy: number[];
  loss: number[];
  /** Per class (by given label): accuracy at the last epoch; NaN for a class without shared rows. */
  perClass: number[];
  /** Accuracy at the last epoch. */
  overall: number;
}

/** The quarantined rows as each model sees them. */
export interface QuarantinedPredictions {
  rows: number;
  /** Rows whose predicted label is their given label: by the run before (its last epoch), null when it did not record them. */
  beforeAssigned: number | null;
  /** The same for the retrained model (which never saw them). */
  afterAssigned: number;
  /** Per given class: rows, rows the retrained model still gives that label, and its most frequent other prediction. */
  byClass: Array<{
    label: number;
    rows: number;
    stillAssigned: number;
    mostPredicted: number;
    mostPredictedRows: number;
  }>;
}

export interface RetrainComparison {
  /** Validation rows both runs held out (none quarantined): every figure below is over these. */
  sharedRows: number;
  /** Shared rows per class. */
  classRows: number[];
  before: SideFigures;
  after: SideFigures;
  quarantined: QuarantinedPredictions;
}

/** Dataset row → sample index of a run's dynamics. */
function indexOf(d: RunDynamicsView): Map<number, number> {
  const at = new Map<number, number>();
  for (let i = 0; i < d.samples; i++) at.set(d.sampleRows[i] as number, i);
  return at;
}

function figures(d: RunDynamicsView, samples: Int32Array, classCount: number): SideFigures {
  const n = samples.length;
  const accuracy: number[] = [];
  const loss: number[] = [];
  for (let e = 0; e < d.epochs; e++) {
    let right = 0;
    let sum = 0;
    for (const i of samples) {
      right += d.correct[e * d.samples + i] as number;
      sum += d.loss[e * d.samples + i] as number;
    }
    accuracy.push(n ? right / n : Number.NaN);
    loss.push(n ? sum / n : Number.NaN);
  }
  const right = new Array<number>(classCount).fill(0);
  const count = new Array<number>(classCount).fill(0);
  const last = (d.epochs - 1) * d.samples;
  for (const i of samples) {
    const y = d.labels[i] as number;
    count[y] = (count[y] ?? 0) + 1;
    if (d.epochs > 0 && d.correct[last + i]) right[y] = (right[y] ?? 0) + 1;
  }
  return {
    accuracy,
    loss,
    perClass: count.map((c, y) => (c > 0 ? (right[y] ?? 0) / c : Number.NaN)),
    overall: accuracy.length ? (accuracy[accuracy.length - 1] as number) : Number.NaN,
  };
}

function argmax(probs: Float32Array, row: number, c: number): number {
  let best = 0;
  for (let k = 1; k < c; k++)
    if ((probs[row * c + k] as number) > (probs[row * c + best] as number)) best = k;
  return best;
}

/**
 * Compares `before` with `after` (retrained without `quarantined`, dataset rows); `afterProbs` holds the retrained
 * model's softmax for each quarantined row in order (rows × C), `labels` the dataset's given labels.
 */
export function compareRetrain(
  before: RunDynamicsView,
  after: RunDynamicsView,
  quarantined: Int32Array,
  afterProbs: Float32Array,
  labels: Int32Array,
): RetrainComparison {
  const c = before.classCount;
  const out = new Set<number>(quarantined);
  const beforeAt = indexOf(before);
  const shared: Array<[number, number]> = [];
  for (let j = 0; j < after.samples; j++) {
    const row = after.sampleRows[j] as number;
    const i = beforeAt.get(row);
    if (i !== undefined && !before.inTraining[i] && !after.inTraining[j] && !out.has(row))
      shared.push([i, j]);
  }
  const classRows = new Array<number>(c).fill(0);
  for (const [i] of shared)
    classRows[before.labels[i] as number] = (classRows[before.labels[i] as number] ?? 0) + 1;
  let beforeAssigned: number | null = 0;
  let afterAssigned = 0;
  const byClass = new Map<number, { rows: number; still: number; predicted: number[] }>();
  quarantined.forEach((row, k) => {
    const y = labels[row] as number;
    const predicted = argmax(afterProbs, k, c);
    const entry = byClass.get(y) ?? { rows: 0, still: 0, predicted: new Array<number>(c).fill(0) };
    entry.rows++;
    entry.predicted[predicted] = (entry.predicted[predicted] ?? 0) + 1;
    if (predicted === y) {
      afterAssigned++;
      entry.still++;
    }
    byClass.set(y, entry);
    const i = beforeAt.get(row);
    if (i === undefined || beforeAssigned === null) beforeAssigned = null;
    else if (argmax(before.finalProbs, i, c) === y) beforeAssigned++;
  });
  return {
    sharedRows: shared.length,
    classRows,
    before: figures(
      before,
      Int32Array.from(shared, ([i]) => i),
      c,
    ),
    after: figures(
      after,
      Int32Array.from(shared, ([, j]) => j),
      c,
    ),
    quarantined: {
      rows: quarantined.length,
      beforeAssigned: quarantined.length ? beforeAssigned : null,
      afterAssigned,
      byClass: [...byClass.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([label, e]) => {
          let most = -1;
          e.predicted.forEach((n, k) => {
            if (k !== label && n > 0 && (most < 0 || n > (e.predicted[most] ?? 0))) most = k;
          });
          return {
            label,
            rows: e.rows,
            stillAssigned: e.still,
            mostPredicted: most,
            mostPredictedRows: most >= 0 ? (e.predicted[most] ?? 0) : 0,
          };
        }),
    },
  };
}
