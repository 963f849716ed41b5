/**
 * The training loop: a custom loop (not model.fit) so that every batch reports its loss and global gradient
 * norm, every epoch ends with a full eval-mode recording pass over every dataset row (DESIGN §3: training rows
 * and held-out validation rows alike, so every row can be scored), and the
 * caller can pause, resume and cancel between batches. The caller chooses the tfjs backend before calling.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { checkData, checkSettings } from './checks';
import { DEFAULT_TRAIN_SETTINGS } from './defaults';
import {
  allFinite,
  classMeans,
  classMedians,
  DynamicsBuffers,
  inTrainingMask,
  mean,
  pickRows,
} from './epoch-stats';
import type { StepOptimizer } from './flat-adam';
import { HeldOutWindow, heldOutEpochs } from './held-out';
import { buildModel, forward, modelSpecFor, type SiftModel, trainableVariables } from './model';
import { makeOptimizer, makeYielder, readCheckpoint } from './optimizer';
import { type PassValues, recordPass } from './recorder';
import { type SplitRows, standardizationStats, standardize, stratifiedSplit } from './split';
import type {
  EpochReport,
  NonFiniteReport,
  TrainCallbacks,
  TrainOptions,
  TrainResult,
  TrainStatus,
} from './train-report';
import type { ModelSpec, Standardization, TrainingData, TrainingDynamics, TrainSettings } from './types';

export { checkData, checkSettings } from './checks';
export type {
  BatchReport,
  EpochReport,
  NonFiniteReport,
  TrainCallbacks,
  TrainOptions,
  TrainResult,
  TrainStatus,
} from './train-report';
export { DEFAULT_TRAIN_SETTINGS };

/**
 * One optimisation step on a batch (inputs `xb`, one-hot targets `yb`): the mean softmax cross-entropy's gradients,
 * applied by `optimizer`. Returns [loss, global gradient norm] as one tensor, for one read; the caller disposes it.
 */
export function trainStep(
  m: SiftModel,
  vars: tf.Variable[],
  optimizer: StepOptimizer,
  xb: tf.Tensor2D,
  yb: tf.Tensor2D,
): tf.Tensor1D {
  const { value, grads } = tf.variableGrads(() => {
    // No tidy here: variableGrads runs f inside its own tidy and keeps only what the backward pass needs.
    const { logits } = forward(m, xb, true);
    // Mean softmax cross-entropy, written out: tf.losses.softmaxCrossEntropy computes the same value through
    // weighting and reduction ops that cost ~15% of a step on WASM (measured at batch 512).
    return tf.neg(tf.mean(tf.sum(tf.mul(yb, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  }, vars);
  const norm = optimizer.step(grads);
  const packed = tf.stack([value, norm]) as tf.Tensor1D;
  tf.dispose([norm, value]);
  tf.dispose(grads);
  return packed;
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
  const optimizer = makeOptimizer(settings, vars);
  const shuffleRng = createRng(deriveSeed(settings.seed, 2));
  // Recording runs pass over every row in dataset order each epoch (one pass, split into training and validation
  // statistics afterwards); cross-validation folds only pass over their training and validation rows.
  const allRows = plan.record ? Int32Array.from({ length: rowCount }, (_, i) => i) : null;
  const buffers = plan.record ? new DynamicsBuffers(rowCount, epochs, c, m.embeddingDim) : null;
  // The recording pass's softmax and embeddings, written again each epoch (buffers.add copies what it keeps).
  const outputs = allRows
    ? { probs: new Float32Array(rowCount * c), embeddings: new Float32Array(rowCount * m.embeddingDim) }
    : undefined;
  const reports: EpochReport[] = [];
  let status: TrainStatus = 'completed';
  let nonFinite: NonFiniteReport | undefined;
  let predictions: Float32Array | undefined;
  const heldLabels = Int32Array.from(plan.predictRows ?? [], (r) => data.labels[r]);
  const heldOut = new HeldOutWindow(options.heldOutEpochs ?? heldOutEpochs(epochs), heldLabels);

  try {
    const order = Int32Array.from(trainRows);
    // A cross-validation fold: nothing reads its epochs beyond the progress line, so its batches' mean loss stands in
    // for an evaluation pass over its training rows (a quarter to a third of a fold's time, docs/speed.md).
    const foldOnly = !plan.record && plan.predictRows !== undefined && valRows.length === 0;
    let step = 0;
    training: for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, shuffleRng);
      const epochStart = performance.now();
      let epochLoss = 0;
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
        // Index loops, not a subarray per row: 512 short-lived views a step kept the GC busy (issue 15).
        const bx = new Float32Array(batchRows.length * fc);
        const by = new Float32Array(batchRows.length * c);
        for (let j = 0; j < batchRows.length; j++) {
          const r = batchRows[j];
          for (let f = 0, at = j * fc, from = r * fc; f < fc; f++) bx[at + f] = standardized[from + f];
          by[j * c + data.labels[r]] = 1;
        }
        const xb = tf.tensor2d(bx, [batchRows.length, fc]);
        const yb = tf.tensor2d(by, [batchRows.length, c]);
        // The step is applied before its loss and gradient norm are read, so that one read per step is all that
        // waits on the backend. A non-finite step then has changed the weights, but training stops right here and
        // keeps only what finished epochs recorded, as before.
        const packed = trainStep(m, vars, optimizer, xb, yb);
        tf.dispose([xb, yb]);
        const [loss, gradNorm] = await packed.data();
        packed.dispose();
        if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
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
        epochLoss += loss;
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

      if (plan.predictRows) {
        const held = await recordPass(m, x, y, plan.predictRows, { ...passOptions, withOutputs: true });
        if (!held?.probs) {
          status = 'cancelled';
          break;
        }
        heldOut.add(held.probs);
      }
      if (foldOnly) {
        const unknown = new Float32Array(c).fill(Number.NaN);
        const report: EpochReport = {
          epoch,
          trainLoss: epochLoss / stepsPerEpoch,
          trainAccuracy: Number.NaN,
          valLoss: Number.NaN,
          valAccuracy: Number.NaN,
          classLoss: unknown,
          classMedianLoss: unknown.slice(),
          learningRate: settings.learningRate,
          elapsedMs: performance.now() - startedAt,
        };
        reports.push(report);
        callbacks.onEpoch?.(report);
        continue;
      }
      let full: PassValues | null = null;
      let pass: PassValues | null;
      let val: PassValues | null = null;
      if (allRows) {
        full = await recordPass(m, x, y, allRows, { ...passOptions, withOutputs: true, outputs });
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

    const probs = status === 'completed' && plan.predictRows ? heldOut.mean() : null;
    if (probs && allFinite(probs)) predictions = probs;
    else if (probs) {
      // What a fold's per-epoch pass caught before it was dropped: outputs gone non-finite (in the averaged epochs).
      status = 'non-finite';
      nonFinite = {
        epoch: epochs - 1,
        step: step - 1,
        what: 'evaluation',
        message: `Training stopped after epoch ${epochs}: the model's outputs are no longer finite numbers. Try a lower learning rate.`,
      };
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
 * Trains a model on a seeded stratified split of `data` (or on `split`, rows of `data`) and records the training dynamics of every row (training
 * and validation, `inTraining` tells them apart) at the end of every epoch. Resolves (never rejects) on cancel or a non-finite value, keeping the epochs
 * that finished; rejects only on invalid input. Frees every tensor it made.
 */
export async function trainModel(
  data: TrainingData,
  settings: TrainSettings = DEFAULT_TRAIN_SETTINGS,
  callbacks: TrainCallbacks = {},
  options: TrainOptions = {},
  split: SplitRows | null = null,
): Promise<TrainResult> {
  const started = performance.now();
  const { trainRows, valRows } =
    split ?? stratifiedSplit(data.labels, data.classCount, settings.validationFraction, settings.seed);
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
