/**
 * The training loop: a custom loop (not model.fit) so that every batch reports its loss and global gradient
 * norm, every epoch ends with a full eval-mode recording pass over every dataset row (DESIGN §3: training rows
 * and held-out validation rows alike, so every row can be scored), and the
 * caller can pause, resume and cancel between batches. The caller chooses the tfjs backend before calling.
 */
import * as tf from '@tensorflow/tfjs';
import { macrotask } from '../macrotask';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { DEFAULT_TRAIN_SETTINGS } from './defaults';
import { buildModel, forward, modelSpecFor, type SiftModel, trainableVariables } from './model';
import { emptyPass, type PassValues, recordPass } from './recorder';
import { standardizationStats, standardize, stratifiedSplit } from './split';
import type {
  Checkpoint,
  ModelSpec,
  Standardization,
  TrainingData,
  TrainingDynamics,
  TrainSettings,
} from './types';

export { DEFAULT_TRAIN_SETTINGS };

/** One optimisation step. Epoch and batch are 0-based; `step` counts batches over the whole run. */
export interface BatchReport {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Global batch index, 0-based. */
  step: number;
  /** Batches in the whole run (epochs × batches per epoch), for progress and ETA. */
  totalSteps: number;
  /** Mean softmax cross-entropy of the batch, before the update. */
  loss: number;
  /** Global L2 norm of the gradient over all weights, before the update. */
  gradNorm: number;
  /** Dataset rows in this batch (a copy the receiver may keep); ≤ batchSize rows, and an epoch's batches differ in size by at most one. */
  sampleRows: Int32Array;
  /** Training throughput of the current epoch so far (rows per second of wall time). */
  samplesPerSecond: number;
}

/** The end of an epoch, from full eval-mode passes (not the noisy in-batch values). Epoch is 0-based. */
export interface EpochReport {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  /** NaN when there is no validation split. */
  valLoss: number;
  /** NaN when there is no validation split. */
  valAccuracy: number;
  /** C values: mean training loss per class (by assigned label); NaN for a class without training rows. */
  classLoss: Float32Array;
  /**
   * C values: median training loss per class. The few mislabelled rows of every class dominate its mean alike;
   * the median follows the class's typical row, so it is what the class-stall detector watches.
   */
  classMedianLoss: Float32Array;
  learningRate: number;
  /** Wall time since the run started, in ms. */
  elapsedMs: number;
}

/** Hooks into a run. All optional; they are called between batches, never during a backend computation. */
export interface TrainCallbacks {
  onBatch?(report: BatchReport): void;
  onEpoch?(report: EpochReport): void;
  /** Polled before every batch and every eval chunk; 'cancel' stops the run and frees everything. */
  shouldStop?(): 'continue' | 'cancel';
  /** Awaited before every batch: resolve at once when not paused, later to pause. */
  waitWhilePaused?(): Promise<void>;
}

/** Loop mechanics that are not part of the model or the recorded results. */
export interface TrainOptions {
  /** Yield to the event loop (one macrotask) before a batch when this long has passed since the last yield; default 10 ms. */
  yieldIntervalMs?: number;
  /** Rows per chunk of the eval passes; default `evalChunkRows` of the model (1024 to 16384). */
  evalBatchSize?: number;
}

/** Why a run stopped on a non-finite value. The weights at the last completed epoch are still finite. */
export interface NonFiniteReport {
  epoch: number;
  /** Global batch index at which it was seen (for 'weights' and 'evaluation': the epoch's last step). */
  step: number;
  what: 'loss' | 'gradient' | 'weights' | 'evaluation';
  message: string;
}

export type TrainStatus = 'completed' | 'cancelled' | 'non-finite';

/** Everything a run produced. */
export interface TrainResult {
  status: TrainStatus;
  /** status === 'cancelled'. */
  cancelled: boolean;
  /** Present when status === 'non-finite'. */
  nonFinite?: NonFiniteReport;
  /** The completed epochs only (a cancelled or stopped run keeps what it finished); null when none finished. */
  dynamics: TrainingDynamics | null;
  epochs: EpochReport[];
  trainRows: Int32Array;
  valRows: Int32Array;
  modelSpec: ModelSpec;
  standardization: Standardization;
  settings: TrainSettings;
  elapsedMs: number;
}

/** Rejects settings that cannot train, with a message for the analyst. */
export function checkSettings(settings: TrainSettings): void {
  const bad = (what: string) => {
    throw new RangeError(`Training settings: ${what}.`);
  };
  if (!(Number.isInteger(settings.epochs) && settings.epochs >= 1))
    bad(`epochs must be ≥ 1, got ${settings.epochs}`);
  if (!(Number.isInteger(settings.batchSize) && settings.batchSize >= 1)) {
    bad(`batch size must be ≥ 1, got ${settings.batchSize}`);
  }
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) {
    bad(`learning rate must be a positive number, got ${settings.learningRate}`);
  }
  if (!Number.isFinite(settings.seed)) bad(`seed must be a number, got ${settings.seed}`);
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose() overrides SGDOptimizer.dispose() without calling it, so the learning-rate
 * scalar `c` leaks one tensor per run (found by the memory test). This subclass frees it too.
 */
class MomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

function makeOptimizer(settings: TrainSettings): tf.Optimizer {
  switch (settings.optimizer) {
    case 'adam':
      return tf.train.adam(settings.learningRate);
    case 'sgd-momentum':
      return new MomentumOptimizer(settings.learningRate, 0.9);
  }
}

function makeYielder(intervalMs: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await macrotask();
    last = performance.now();
  };
}

/** Rejects data whose arrays do not agree with each other. */
export function checkData(data: TrainingData): void {
  const rows = data.labels.length;
  if (!(Number.isInteger(data.featureCount) && data.featureCount > 0)) {
    throw new RangeError(`Training data: featureCount must be a positive integer, got ${data.featureCount}.`);
  }
  if (data.features.length !== rows * data.featureCount) {
    throw new RangeError(
      `Training data: ${data.features.length} feature values for ${rows} rows × ${data.featureCount} features.`,
    );
  }
  for (let i = 0; i < rows; i++) {
    const y = data.labels[i];
    if (!(y >= 0 && y < data.classCount)) {
      throw new RangeError(`Training data: row ${i} has class code ${y}, outside 0..${data.classCount - 1}.`);
    }
  }
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : Number.NaN;
}

/** What one call of `runTraining` is asked to do. */
interface FitPlan {
  data: TrainingData;
  trainRows: Int32Array;
  valRows: Int32Array;
  settings: TrainSettings;
  /** Record dynamics and checkpoints (false for cross-validation folds, which only need predictions). */
  record: boolean;
  /** Rows whose softmax is returned after training (cross-validation's held-out fold). */
  predictRows?: Int32Array;
  callbacks: TrainCallbacks;
  options: TrainOptions;
}

interface FitOutcome {
  status: TrainStatus;
  nonFinite?: NonFiniteReport;
  epochs: EpochReport[];
  dynamics: TrainingDynamics | null;
  standardization: Standardization;
  modelSpec: ModelSpec;
  /** predictRows × C, when predictRows was given and the run completed. */
  predictions?: Float32Array;
}

/** Dynamics buffers for E epochs, filled one epoch block at a time. */
class DynamicsBuffers {
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
function pickRows(pass: PassValues, rows: Int32Array): PassValues {
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

function classMedians(loss: Float32Array, labels: Int32Array, classCount: number): Float32Array {
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

function classMeans(loss: Float32Array, labels: Int32Array, classCount: number): Float32Array {
  const sum = new Float64Array(classCount);
  const count = new Int32Array(classCount);
  for (let i = 0; i < loss.length; i++) {
    sum[labels[i]] += loss[i];
    count[labels[i]]++;
  }
  return Float32Array.from(sum, (s, k) => (count[k] ? s / count[k] : Number.NaN));
}

async function readCheckpoint(m: SiftModel, epoch: number, learningRate: number): Promise<Checkpoint> {
  // getWeights() returns the live variables, not copies: read them, never dispose them.
  const live = m.model.getWeights();
  const weights: Float32Array[] = [];
  for (const w of live) weights.push(Float32Array.from(await w.data()));
  return { epoch, learningRate, weights, shapes: live.map((w) => [...w.shape]) };
}

function inTrainingMask(rows: number, trainRows: Int32Array): Uint8Array {
  const mask = new Uint8Array(rows);
  for (const r of trainRows) mask[r] = 1;
  return mask;
}

async function runTraining(plan: FitPlan): Promise<FitOutcome> {
  const { data, trainRows, valRows, settings, callbacks, options } = plan;
  checkSettings(settings);
  checkData(data);
  if (trainRows.length === 0) throw new RangeError('There are no training rows.');
  const n = trainRows.length;
  const c = data.classCount;
  const epochs = settings.epochs;
  const batchSize = Math.min(settings.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const startedAt = performance.now();
  const pause = makeYielder(options.yieldIntervalMs ?? 10);
  const cancelRequested = () => callbacks.shouldStop?.() === 'cancel';
  const passOptions = {
    ...(options.evalBatchSize ? { batchSize: options.evalBatchSize } : {}),
    between: pause,
    cancelled: cancelRequested,
  };

  const standardization = standardizationStats(data.features, data.featureCount, trainRows);
  const modelSpec = modelSpecFor(settings, data);
  const trainLabels = Int32Array.from(trainRows, (r) => data.labels[r]);
  const rowCount = data.labels.length;

  // The model first: it validates the architecture and throws before any tensor exists.
  const m = buildModel(modelSpec, deriveSeed(settings.seed, 1));
  const fc = data.featureCount;
  const standardized = standardize(data.features, fc, standardization);
  const x = tf.tensor2d(standardized, [rowCount, fc]);
  const y = tf.tensor1d(data.labels, 'int32');
  const vars = trainableVariables(m);
  const optimizer = makeOptimizer(settings);
  const shuffleRng = createRng(deriveSeed(settings.seed, 2));
  // Recording runs pass over every row in dataset order each epoch (one pass, split into training and validation
  // statistics afterwards); cross-validation folds only pass over their training and validation rows.
  const allRows = plan.record ? Int32Array.from({ length: rowCount }, (_, i) => i) : null;
  const buffers = plan.record ? new DynamicsBuffers(rowCount, epochs, c, m.embeddingDim) : null;
  const reports: EpochReport[] = [];
  let status: TrainStatus = 'completed';
  let nonFinite: NonFiniteReport | undefined;
  let predictions: Float32Array | undefined;

  try {
    const order = Int32Array.from(trainRows);
    let step = 0;
    training: for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, shuffleRng);
      const epochStart = performance.now();
      for (let batch = 0; batch < stepsPerEpoch; batch++, step++) {
        await pause();
        await callbacks.waitWhilePaused?.();
        if (cancelRequested()) {
          status = 'cancelled';
          break training;
        }
        // Equal-sized batches (sizes differ by at most one) instead of a short last batch: a small batch has a
        // noisier loss and a larger gradient norm, which the spike detectors would flag every epoch.
        const from = Math.floor((batch * n) / stepsPerEpoch);
        const batchRows = order.slice(from, Math.floor(((batch + 1) * n) / stepsPerEpoch));
        // The batch's inputs and one-hot targets are built here and uploaded, rather than gathered from x and y
        // on the backend: two uploads instead of an index upload, two gathers and a one-hot (a step of this small
        // model is mostly per-op cost). Fresh arrays: the CPU backend keeps a reference to what it is given.
        const bx = new Float32Array(batchRows.length * fc);
        const by = new Float32Array(batchRows.length * c);
        for (let j = 0; j < batchRows.length; j++) {
          const r = batchRows[j];
          bx.set(standardized.subarray(r * fc, r * fc + fc), j * fc);
          by[j * c + data.labels[r]] = 1;
        }
        const xb = tf.tensor2d(bx, [batchRows.length, fc]);
        const yb = tf.tensor2d(by, [batchRows.length, c]);
        const { value, grads } = tf.variableGrads(() => {
          // No tidy here: variableGrads runs f inside its own tidy and keeps only what the backward pass needs.
          const { logits } = forward(m, xb, true);
          // Mean softmax cross-entropy, written out: tf.losses.softmaxCrossEntropy computes the same value through
          // weighting and reduction ops that cost ~15% of a step on WASM (measured at batch 512).
          return tf.neg(tf.mean(tf.sum(tf.mul(yb, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, vars);
        const packed = tf.tidy(() => {
          const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
          return tf.stack([value, tf.sqrt(tf.addN(sq))]);
        });
        const [loss, gradNorm] = await packed.data();
        tf.dispose([packed, value, xb, yb]);
        if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
          tf.dispose(grads);
          const what = Number.isFinite(loss) ? 'gradient' : 'loss';
          status = 'non-finite';
          nonFinite = {
            epoch,
            step,
            what,
            message:
              `Training stopped at epoch ${epoch + 1}, batch ${batch + 1}: the ${what === 'loss' ? 'loss' : 'gradient norm'} ` +
              `is ${what === 'loss' ? loss : gradNorm}. Try a lower learning rate; results up to the last finished epoch are kept.`,
          };
          break training;
        }
        optimizer.applyGradients(grads);
        tf.dispose(grads);
        const seconds = (performance.now() - epochStart) / 1000;
        callbacks.onBatch?.({
          epoch,
          batch,
          step,
          totalSteps,
          loss,
          gradNorm,
          sampleRows: batchRows,
          samplesPerSecond: seconds > 0 ? (from + batchRows.length) / seconds : 0,
        });
      }

      let full: PassValues | null = null;
      let pass: PassValues | null;
      let val: PassValues | null = null;
      if (allRows) {
        full = await recordPass(m, x, y, allRows, { ...passOptions, withOutputs: true });
        pass = full && pickRows(full, trainRows);
        if (full && valRows.length) val = pickRows(full, valRows);
      } else {
        pass = await recordPass(m, x, y, trainRows, passOptions);
        if (pass && valRows.length) val = await recordPass(m, x, y, valRows, passOptions);
      }
      if (!pass || (valRows.length && !val)) {
        status = 'cancelled';
        break;
      }
      const trainLoss = mean(pass.loss);
      const lastStep = step - 1;
      if (!Number.isFinite(trainLoss)) {
        status = 'non-finite';
        nonFinite = {
          epoch,
          step: lastStep,
          what: 'evaluation',
          message: `Training stopped after epoch ${epoch + 1}: the model's outputs are no longer finite numbers. Try a lower learning rate.`,
        };
        break;
      }
      const classLoss = classMeans(pass.loss, trainLabels, c);
      if (buffers) {
        const checkpoint = await readCheckpoint(m, epoch, settings.learningRate);
        if (!checkpoint.weights.every(allFinite)) {
          status = 'non-finite';
          nonFinite = {
            epoch,
            step: lastStep,
            what: 'weights',
            message: `Training stopped after epoch ${epoch + 1}: some weights are NaN or infinite. Try a lower learning rate.`,
          };
          break;
        }
        if (full) buffers.add(epoch, full, classLoss, checkpoint);
      }
      const report: EpochReport = {
        epoch,
        trainLoss,
        trainAccuracy: mean(pass.correct),
        valLoss: val ? mean(val.loss) : Number.NaN,
        valAccuracy: val ? mean(val.correct) : Number.NaN,
        classLoss,
        classMedianLoss: classMedians(pass.loss, trainLabels, c),
        learningRate: settings.learningRate,
        elapsedMs: performance.now() - startedAt,
      };
      reports.push(report);
      callbacks.onEpoch?.(report);
    }

    if (status === 'completed' && plan.predictRows) {
      const held = await recordPass(m, x, y, plan.predictRows, { ...passOptions, withOutputs: true });
      if (held?.probs) predictions = held.probs;
      else status = 'cancelled';
    }
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    m.model.dispose();
  }

  return {
    status,
    ...(nonFinite ? { nonFinite } : {}),
    epochs: reports,
    dynamics:
      buffers && allRows
        ? buffers.result(
            allRows,
            inTrainingMask(rowCount, trainRows),
            Int32Array.from(data.labels),
            modelSpec,
            standardization,
          )
        : null,
    standardization,
    modelSpec,
    ...(predictions ? { predictions } : {}),
  };
}

/**
 * Trains a model on a seeded stratified split of `data` and records the training dynamics of every row (training
 * and validation, `inTraining` tells them apart) at the end of every epoch. Resolves (never rejects) on cancel or a non-finite value, keeping the epochs
 * that finished; rejects only on invalid input. Frees every tensor it made.
 */
export async function trainModel(
  data: TrainingData,
  settings: TrainSettings = DEFAULT_TRAIN_SETTINGS,
  callbacks: TrainCallbacks = {},
  options: TrainOptions = {},
): Promise<TrainResult> {
  const started = performance.now();
  const { trainRows, valRows } = stratifiedSplit(
    data.labels,
    data.classCount,
    settings.validationFraction,
    settings.seed,
  );
  const out = await runTraining({ data, trainRows, valRows, settings, record: true, callbacks, options });
  return {
    status: out.status,
    cancelled: out.status === 'cancelled',
    ...(out.nonFinite ? { nonFinite: out.nonFinite } : {}),
    dynamics: out.dynamics,
    epochs: out.epochs,
    trainRows,
    valRows,
    modelSpec: out.modelSpec,
    standardization: out.standardization,
    settings: { ...settings, hidden: [...settings.hidden] },
    elapsedMs: performance.now() - started,
  };
}

/**
 * Trains on `trainRows` only (no validation split, no dynamics) and returns the softmax (predictRows × C) of
 * `predictRows`; the building block of cross-validation. status is not 'completed' when cancelled or stopped.
 */
export async function trainAndPredict(
  data: TrainingData,
  trainRows: Int32Array,
  predictRows: Int32Array,
  settings: TrainSettings,
  callbacks: TrainCallbacks = {},
  options: TrainOptions = {},
): Promise<{
  status: TrainStatus;
  nonFinite?: NonFiniteReport;
  probabilities: Float32Array | null;
  epochs: EpochReport[];
}> {
  const out = await runTraining({
    data,
    trainRows,
    valRows: new Int32Array(0),
    settings,
    record: false,
    predictRows,
    callbacks,
    options,
  });
  return {
    status: out.status,
    ...(out.nonFinite ? { nonFinite: out.nonFinite } : {}),
    probabilities: out.predictions ?? null,
    epochs: out.epochs,
  };
}
