/**
 * Before/after figures of "retrain on clean": validation accuracy overall and per class from a run's recorded
 * dynamics (the epoch reports hold the overall figure only).
 */
import type { TrainingDynamics } from '../../../workers/core/train/types';

/** Validation accuracy of a run's last recorded epoch. */
export interface ValAccuracy {
  /** NaN without validation rows. */
  overall: number;
  /** Per class code; NaN for a class without validation rows. */
  perClass: number[];
  /** Validation rows per class. */
  counts: number[];
}

/** Validation accuracy at the last recorded epoch, overall and per assigned class, from the rows held out. */
export function valAccuracy(d: TrainingDynamics): ValAccuracy {
  const C = d.classCount;
  const right = new Array<number>(C).fill(0);
  const counts = new Array<number>(C).fill(0);
  const last = (d.epochs - 1) * d.samples;
  let all = 0;
  let allRight = 0;
  if (d.epochs > 0) {
    for (let i = 0; i < d.samples; i++) {
      if (d.inTraining[i]) continue;
      const y = d.labels[i] as number;
      counts[y] = (counts[y] ?? 0) + 1;
      all++;
      if (d.correct[last + i]) {
        right[y] = (right[y] ?? 0) + 1;
        allRight++;
      }
    }
  }
  return {
    overall: all > 0 ? allRight / all : Number.NaN,
    perClass: counts.map((n, c) => (n > 0 ? (right[c] ?? 0) / n : Number.NaN)),
    counts,
  };
}
