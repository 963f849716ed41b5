/**
 * A run's curves as its progress messages build them: batch loss and gradient norm by step, finished epochs, raised
 * anomalies. One buffer per reader: the train worker stores what it holds, the page draws it. Append-only: entries
 * below `steps` never change, so a view handed out earlier stays valid while the buffers fill.
 */
import type { EpochReport } from './train-report';

/** Batch points of one progress message, one entry per optimisation step. */
export interface CurvePoints {
  /** Global step (0-based) of each point. */
  steps: Int32Array;
  loss: Float32Array;
  gradNorm: Float32Array;
}

/** The curves so far, as stored: arrays trimmed to the points recorded. */
export interface CurveSnapshot<A> {
  steps: number;
  loss: Float32Array;
  gradNorm: Float32Array;
  epochs: EpochReport[];
  anomalies: A[];
}

/** Curves of one run; `A` is the run's anomaly type. */
export class CurveBuffer<A> {
  loss = new Float32Array(0);
  gradNorm = new Float32Array(0);
  /** Points recorded: 1 + the highest step seen. */
  steps = 0;
  /** Finished epochs; a new array whenever one is added (readers compare by identity). */
  epochs: EpochReport[] = [];
  /** Raised anomalies; a new array whenever one is added. */
  anomalies: A[] = [];

  /** Sizes the buffers for a run of `totalSteps` batches (points already recorded are kept). */
  plan(totalSteps: number): void {
    const loss = new Float32Array(totalSteps);
    const gradNorm = new Float32Array(totalSteps);
    const kept = Math.min(this.steps, totalSteps);
    loss.set(this.loss.subarray(0, kept));
    gradNorm.set(this.gradNorm.subarray(0, kept));
    this.loss = loss;
    this.gradNorm = gradNorm;
    this.steps = kept;
  }

  /** Adds one message's points, epochs and anomalies; returns whether an epoch finished in it. */
  append(points: CurvePoints, epochs: readonly EpochReport[], anomalies: readonly A[]): boolean {
    for (let k = 0; k < points.steps.length; k++) {
      // Points arrive in step order; indexing by step keeps a lost message from shifting later ones.
      const s = points.steps[k] ?? -1;
      if (s >= 0 && s < this.loss.length) {
        this.loss[s] = points.loss[k] ?? Number.NaN;
        this.gradNorm[s] = points.gradNorm[k] ?? Number.NaN;
        this.steps = Math.max(this.steps, s + 1);
      }
    }
    if (epochs.length) this.epochs = [...this.epochs, ...epochs];
    if (anomalies.length) this.anomalies = [...this.anomalies, ...anomalies];
    return epochs.length > 0;
  }

  /** The last finished epoch, if any. */
  lastEpoch(): EpochReport | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** The curves as stored: copies trimmed to the points recorded (a view would store the whole buffer). */
  snapshot(): CurveSnapshot<A> {
    return {
      steps: this.steps,
      loss: this.loss.slice(0, this.steps),
      gradNorm: this.gradNorm.slice(0, this.steps),
      epochs: this.epochs,
      anomalies: this.anomalies,
    };
  }
}
