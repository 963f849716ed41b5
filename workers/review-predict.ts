/**
 * The retrained model's predictions for rows it never saw (the quarantined rows), from its last checkpoint. Loaded
 * by the review worker only when a retrain comparison is made (a dynamic import: tfjs stays out of the review
 * worker's start-up), on tfjs's CPU backend: a few hundred rows through a small model.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpointOutputs } from './core/train/checkpoint';
import type { Checkpoint, ModelSpec, Standardization } from './core/train/types';

/** Softmax (rows × C) of `rows` of the raw `features` under `checkpoint`. */
export async function predictRows(
  spec: ModelSpec,
  standardization: Standardization,
  checkpoint: Checkpoint,
  features: Float32Array,
  rows: Int32Array,
): Promise<Float32Array> {
  if (rows.length === 0) return new Float32Array(0);
  if (tf.getBackend() !== 'cpu' && !(await tf.setBackend('cpu')))
    throw new Error('tfjs could not start its CPU backend in the review worker.');
  const out = await checkpointOutputs(spec, standardization, checkpoint, features, rows);
  return out.probs;
}
