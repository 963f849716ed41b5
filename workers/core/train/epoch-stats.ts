/**
 * The per-row statistics of an epoch's recording pass, gathered: the dynamics buffers a recording run fills epoch by
 * epoch, the training or validation part of an all-rows pass, and per-class means and medians of the loss.
 */
import { emptyPass, type PassValues } from './recorder';
import type { Checkpoint, ModelSpec, Standardization, TrainingDynamics } from './types';

/** Dynamics buffers for E epochs, filled one epoch block at a time. */
export class DynamicsBuffers {
  readonly probAssigned: Float32Array;
  readonly margin: Float32Array;
  readonly loss: Float32Array;
  readonly correct: Uint8Array;
  readonly lastLayerGradSq: Float32Array;
  readonly classLoss: Float32Array;
  readonly finalProbs: Float32Array;
  readonly embeddings: Float32Array;
  readonly checkpoints: Checkpoint[] = [];
  epochsDone = 0;

  constructor(
    readonly n: number,
    readonly epochs: number,
    readonly classCount: number,
    readonly embeddingDim: number,
  ) {
    const en = epochs * n;
    this.probAssigned = new Float32Array(en);
    this.margin = new Float32Array(en);
    this.loss = new Float32Array(en);
    this.correct = new Uint8Array(en);
    this.lastLayerGradSq = new Float32Array(en);
    this.classLoss = new Float32Array(epochs * classCount);
    this.finalProbs = new Float32Array(n * classCount);
    this.embeddings = new Float32Array(n * embeddingDim);
  }

  add(epoch: number, pass: PassValues, classLoss: Float32Array, checkpoint: Checkpoint): void {
    const at = epoch * this.n;
    this.probAssigned.set(pass.probAssigned, at);
    this.margin.set(pass.margin, at);
    this.loss.set(pass.loss, at);
    this.correct.set(pass.correct, at);
    this.lastLayerGradSq.set(pass.lastLayerGradSq, at);
    this.classLoss.set(classLoss, epoch * this.classCount);
    if (pass.probs) this.finalProbs.set(pass.probs);
    if (pass.embeddings) this.embeddings.set(pass.embeddings);
    this.checkpoints.push(checkpoint);
    this.epochsDone = epoch + 1;
  }

  /** The recorded epochs as TrainingDynamics; copies (trimmed) when the run stopped early. */
  result(
    rows: Int32Array,
    inTraining: Uint8Array,
    labels: Int32Array,
    spec: ModelSpec,
    stats: Standardization,
  ): TrainingDynamics | null {
    const e = this.epochsDone;
    if (e === 0) return null;
    const trim = <T extends Float32Array | Uint8Array>(a: T, per: number): T =>
      e === this.epochs ? a : (a.slice(0, e * per) as T);
    return {
      samples: this.n,
      epochs: e,
      classCount: this.classCount,
      sampleRows: rows,
      inTraining,
      labels,
      probAssigned: trim(this.probAssigned, this.n),
      margin: trim(this.margin, this.n),
      loss: trim(this.loss, this.n),
      correct: trim(this.correct, this.n),
      lastLayerGradSq: trim(this.lastLayerGradSq, this.n),
      finalProbs: this.finalProbs,
      embeddings: this.embeddings,
      embeddingDim: this.embeddingDim,
      checkpoints: this.checkpoints,
      classLoss: trim(this.classLoss, this.classCount),
      modelSpec: spec,
      standardization: stats,
    };
  }
}

/** The per-row statistics of `rows` (positions into `pass`): the training or validation part of an all-rows pass. */
export function pickRows(pass: PassValues, rows: Int32Array): PassValues {
  const n = rows.length;
  const out = emptyPass(n);
  // Plain loops: TypedArray.from with a map function is several times slower (seen in a profile of synth20k).
  for (let j = 0; j < n; j++) {
    const r = rows[j];
    out.probAssigned[j] = pass.probAssigned[r];
    out.margin[j] = pass.margin[r];
    out.loss[j] = pass.loss[r];
    out.correct[j] = pass.correct[r];
    out.lastLayerGradSq[j] = pass.lastLayerGradSq[r];
  }
  return out;
}

export function classMedians(loss: Float32Array, labels: Int32Array, classCount: number): Float32Array {
  // Per-class typed arrays sorted natively: a comparator sort of JS number arrays showed in synth20k's profile.
  const count = new Int32Array(classCount);
  for (let i = 0; i < loss.length; i++) count[labels[i]]++;
  const groups = Array.from(count, (m) => new Float32Array(m));
  const fill = new Int32Array(classCount);
  for (let i = 0; i < loss.length; i++) groups[labels[i]][fill[labels[i]]++] = loss[i];
  return Float32Array.from(groups, (g) => {
    if (g.length === 0) return Number.NaN;
    g.sort();
    const mid = g.length >> 1;
    return g.length % 2 ? g[mid] : (g[mid - 1] + g[mid]) / 2;
  });
}

export function classMeans(loss: Float32Array, labels: Int32Array, classCount: number): Float32Array {
  const sum = new Float64Array(classCount);
  const count = new Int32Array(classCount);
  for (let i = 0; i < loss.length; i++) {
    sum[labels[i]] += loss[i];
    count[labels[i]]++;
  }
  return Float32Array.from(sum, (s, k) => (count[k] ? s / count[k] : Number.NaN));
}

/** 1 for each row in `trainRows`, 0 for the others. */
export function inTrainingMask(rows: number, trainRows: Int32Array): Uint8Array {
  const mask = new Uint8Array(rows);
  for (const r of trainRows) mask[r] = 1;
  return mask;
}

/** Whether every value is finite. */
export function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The mean (NaN for no values). */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : Number.NaN;
}
