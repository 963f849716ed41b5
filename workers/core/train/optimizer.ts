/** The training loop's mechanics around the model: the optimiser, yielding to the event loop, and checkpoints. */
import * as tf from '@tensorflow/tfjs';
import { macrotask } from '../macrotask';
import type { SiftModel } from './model';
import type { Checkpoint, TrainSettings } from './types';

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

export function makeOptimizer(settings: TrainSettings): tf.Optimizer {
  switch (settings.optimizer) {
    case 'adam':
      return tf.train.adam(settings.learningRate);
    case 'sgd-momentum':
      return new MomentumOptimizer(settings.learningRate, 0.9);
  }
}

export function makeYielder(intervalMs: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await macrotask();
    last = performance.now();
  };
}

/** The model's weights at the end of an epoch, copied off the backend. */
export async function readCheckpoint(m: SiftModel, epoch: number, learningRate: number): Promise<Checkpoint> {
  // getWeights() returns the live variables, not copies: read them, never dispose them.
  const live = m.model.getWeights();
  const weights: Float32Array[] = [];
  for (const w of live) weights.push(Float32Array.from(await w.data()));
  return { epoch, learningRate, weights, shapes: live.map((w) => [...w.shape]) };
}
