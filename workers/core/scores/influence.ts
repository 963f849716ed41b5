/**
 * TracIn influence (Pruthi et al. 2020) on the final dense layer, where the per-sample gradient of softmax
 * cross-entropy has the closed form ∇ℓ = (p - onehot(y)) ⊗ [h, 1] (DESIGN §3), so gradient dot products factor
 * into a class-space product times an embedding-space product.
 */
import * as tf from '@tensorflow/tfjs';

/** A checkpoint's learning rate and its 0-based epoch (its block in the E × N dynamics arrays). */
export interface CheckpointRate {
  epoch: number;
  learningRate: number;
}

/**
 * Self-influence Σ_c η_c · ||p_c - onehot(y)||² · (||h_c||² + 1), from the per-epoch squared final-layer gradient
 * norms the trainer records (E × N, epoch-major). With no checkpoints, every epoch counts with η = 1.
 */
export function selfInfluence(
  lastLayerGradSq: Float32Array,
  samples: number,
  epochs: number,
  checkpoints: readonly CheckpointRate[],
): Float32Array {
  if (lastLayerGradSq.length !== samples * epochs) {
    throw new RangeError(
      `lastLayerGradSq has ${lastLayerGradSq.length} values, expected E×N = ${samples * epochs}.`,
    );
  }
  const used: CheckpointRate[] =
    checkpoints.length > 0
      ? [...checkpoints]
      : Array.from({ length: epochs }, (_, epoch) => ({ epoch, learningRate: 1 }));
  const acc = new Float64Array(samples);
  for (const c of used) {
    if (!(Number.isInteger(c.epoch) && c.epoch >= 0 && c.epoch < epochs)) {
      throw new RangeError(`Checkpoint epoch ${c.epoch} is outside the ${epochs} recorded epochs.`);
    }
    const o = c.epoch * samples;
    for (let i = 0; i < samples; i++) acc[i] += c.learningRate * lastLayerGradSq[o + i];
  }
  return Float32Array.from(acc);
}

/** One checkpoint's η and outputs for every training sample (from `checkpointOutputs` in train/checkpoint.ts). */
export interface InfluenceCheckpoint {
  learningRate: number;
  /** N × C softmax. */
  probs: Float32Array;
  /** N × d penultimate embeddings. */
  embeddings: Float32Array;
}

/** The influence of every training sample on one chosen sample. */
export interface InfluenceOnSample {
  target: number;
  /** Float32Array(N): TracIn influence of sample i on the target (the target's own entry is its self-influence). */
  influence: Float32Array;
  /** Up to `top` samples with the largest positive influence, strongest first, the target excluded. */
  proponents: Int32Array;
  /** Up to `top` samples with the most negative influence, strongest first, the target excluded. */
  opponents: Int32Array;
}

/**
 * TracIn influence of every sample i on sample `target`:
 * Σ_c η_c ((p_c(z) - y_z)·(p_c(i) - y_i)) (h_c(z)·h_c(i) + 1), two matrix-vector products per checkpoint on the
 * active backend. Positive = proponent (training on i lowered z's loss), negative = opponent. `top` default 20.
 */
export async function influenceOn(
  target: number,
  checkpoints: readonly InfluenceCheckpoint[],
  labels: Int32Array,
  classCount: number,
  embeddingDim: number,
  top = 20,
): Promise<InfluenceOnSample> {
  const n = labels.length;
  if (!(Number.isInteger(target) && target >= 0 && target < n)) {
    throw new RangeError(`Sample ${target} is not one of the ${n} training samples.`);
  }
  if (checkpoints.length === 0) throw new RangeError('Influence needs at least one checkpoint.');
  for (const c of checkpoints) {
    if (c.probs.length !== n * classCount || c.embeddings.length !== n * embeddingDim) {
      throw new RangeError('Checkpoint outputs do not match N × C probabilities and N × d embeddings.');
    }
  }
  const total = tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classCount);
    let acc: tf.Tensor1D = tf.zeros([n]);
    for (const c of checkpoints) {
      const g = tf.sub(tf.tensor2d(c.probs, [n, classCount]), oneHot);
      const h = tf.tensor2d(c.embeddings, [n, embeddingDim]);
      const gz = tf.slice(g, [target, 0], [1, classCount]);
      const hz = tf.slice(h, [target, 0], [1, embeddingDim]);
      const classDot = tf.matMul(g, gz, false, true);
      const embDot = tf.add(tf.matMul(h, hz, false, true), 1);
      acc = tf.add(acc, tf.mul(tf.reshape(tf.mul(classDot, embDot), [n]), c.learningRate));
    }
    return acc;
  });
  // Async read: dataSync would stall a WebGL/WebGPU worker.
  const influence = new Float32Array(await total.data());
  total.dispose();
  return { target, influence, ...rankInfluence(influence, target, top) };
}

/** Proponents (largest positive) and opponents (most negative) of an influence vector, `target` excluded. */
function rankInfluence(
  influence: Float32Array,
  target: number,
  top: number,
): { proponents: Int32Array; opponents: Int32Array } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < influence.length; i++) {
    if (i === target) continue;
    if (influence[i] > 0) pos.push(i);
    else if (influence[i] < 0) neg.push(i);
  }
  // Ties break on the lower index so the lists are deterministic.
  pos.sort((a, b) => influence[b] - influence[a] || a - b);
  neg.sort((a, b) => influence[a] - influence[b] || a - b);
  return { proponents: Int32Array.from(pos.slice(0, top)), opponents: Int32Array.from(neg.slice(0, top)) };
}
