/**
 * The batch → sample rows index of a run. The trainer shuffles the training rows once per epoch and cuts the
 * order into `stepsPerEpoch` contiguous batches whose sizes differ by at most one (batch b covers
 * [floor(b·N/S), floor((b+1)·N/S)), workers/core/train/trainer.ts); storing each epoch's order (E × N int32)
 * is therefore enough to name the rows of any batch. Pure: used by the worker and by the app.
 */
import type { BatchIndex } from './train.api';

/** The [from, to) positions of batch `batch` in an epoch of `samples` rows cut into `stepsPerEpoch` batches. */
export function batchBounds(samples: number, stepsPerEpoch: number, batch: number): [number, number] {
  return [Math.floor((batch * samples) / stepsPerEpoch), Math.floor(((batch + 1) * samples) / stepsPerEpoch)];
}

/** Dataset rows of global step `step`, a view into `index.order`; empty when that batch was not recorded. */
export function batchSampleRows(index: BatchIndex, step: number): Int32Array {
  if (!(Number.isInteger(step) && step >= 0 && step < index.steps) || index.stepsPerEpoch <= 0) {
    return new Int32Array(0);
  }
  const epoch = Math.floor(step / index.stepsPerEpoch);
  const [from, to] = batchBounds(index.samples, index.stepsPerEpoch, step % index.stepsPerEpoch);
  const at = epoch * index.samples;
  return index.order.subarray(at + from, at + to);
}

/** Records each epoch's order as batch reports arrive (batches of an epoch arrive in order). */
export class BatchIndexRecorder {
  private order: Int32Array;
  private epochs = 0;
  private steps = 0;

  constructor(
    private readonly samples: number,
    private readonly stepsPerEpoch: number,
    maxEpochs: number,
  ) {
    this.order = new Int32Array(samples * maxEpochs);
  }

  /** Stores the rows of one batch at its place in its epoch's order. */
  add(epoch: number, batch: number, rows: Int32Array): void {
    const [from, to] = batchBounds(this.samples, this.stepsPerEpoch, batch);
    if (to - from !== rows.length) {
      throw new RangeError(
        `Batch ${batch} of epoch ${epoch} has ${rows.length} rows, expected ${to - from}.`,
      );
    }
    this.order.set(rows, epoch * this.samples + from);
    this.epochs = Math.max(this.epochs, epoch + 1);
    this.steps = Math.max(this.steps, epoch * this.stepsPerEpoch + batch + 1);
  }

  /** The index of the epochs seen so far (a trimmed copy when the run stopped early). */
  result(): BatchIndex {
    const used = this.epochs * this.samples;
    return {
      samples: this.samples,
      epochs: this.epochs,
      stepsPerEpoch: this.stepsPerEpoch,
      steps: this.steps,
      order: used === this.order.length ? this.order : this.order.slice(0, used),
    };
  }
}
