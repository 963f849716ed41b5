/** The training loop's mechanics around the model: the optimiser, yielding to the event loop, and checkpoints. */
import * as tf from '@tensorflow/tfjs';
import { macrotask } from '../macrotask';
import { FlatAdam, type StepOptimizer } from './flat-adam';
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

/** SGD with momentum 0.9 (tfjs's), the gradient norm summed per variable before the step. */
class MomentumStep implements StepOptimizer {
  private readonly optimizer: MomentumOptimizer;

  constructor(learningRate: number) {
    this.optimizer = new MomentumOptimizer(learningRate, 0.9);
  }

  step(grads: tf.NamedTensorMap): tf.Scalar {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
    (this.optimizer as tf.Optimizer).applyGradients(grads);
    return norm as tf.Scalar;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** The optimiser of `settings` over `vars`: Adam over one flat vector (flat-adam.ts), or SGD with momentum. */
export function makeOptimizer(settings: TrainSettings, vars: tf.Variable[]): StepOptimizer {
  switch (settings.optimizer) {
    case 'adam':
      return new FlatAdam(vars, settings.learningRate);
    case 'sgd-momentum':
      return new MomentumStep(settings.learningRate);
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
