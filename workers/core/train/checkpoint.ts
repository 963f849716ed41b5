/**
 * Turning a recorded Checkpoint back into outputs: the softmax p_c and embedding h_c of any rows at epoch c,
 * which influence-on-a-chosen-sample (TracIn, DESIGN §3) needs for every checkpoint without storing E × N × d.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel } from './model';
import { recordPass } from './recorder';
import { standardize } from './split';
import type { Checkpoint, ModelSpec, Standardization } from './types';

/** Softmax (rows × C) and embeddings (rows × d) of `rows` under a checkpoint's weights. */
export interface CheckpointOutputs {
  probs: Float32Array;
  embeddings: Float32Array;
  embeddingDim: number;
}

/**
 * Rebuilds the model of `spec` with the checkpoint's weights and runs `rows` of the raw `features` through it
 * (standardised with the run's statistics). Frees every tensor it made.
 */
export async function checkpointOutputs(
  spec: ModelSpec,
  standardization: Standardization,
  checkpoint: Checkpoint,
  features: Float32Array,
  rows: Int32Array,
  batchSize = 1024,
): Promise<CheckpointOutputs> {
  const f = spec.featureCount;
  // Only the asked rows are copied, standardised and uploaded (a query may ask for a few rows of a large set).
  const picked = new Float32Array(rows.length * f);
  for (let j = 0; j < rows.length; j++) picked.set(features.subarray(rows[j] * f, (rows[j] + 1) * f), j * f);
  const m = buildModel(spec, 0);
  const x = tf.tensor2d(standardize(picked, f, standardization), [rows.length, f]);
  // Labels only feed the per-row statistics, which are not returned here.
  const y = tf.tensor1d(new Int32Array(rows.length), 'int32');
  const order = Int32Array.from(rows, (_, j) => j);
  try {
    const weights = checkpoint.weights.map((w, i) => tf.tensor(w, checkpoint.shapes[i]));
    m.model.setWeights(weights);
    tf.dispose(weights);
    const pass = await recordPass(m, x, y, order, { batchSize, withOutputs: true });
    if (!pass?.probs || !pass.embeddings) throw new Error('The checkpoint pass returned no outputs.');
    return { probs: pass.probs, embeddings: pass.embeddings, embeddingDim: m.embeddingDim };
  } finally {
    tf.dispose([x, y]);
    m.model.dispose();
  }
}
