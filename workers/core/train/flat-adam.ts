/**
 * Adam over all of a model's variables at once (issue 15: per-step overhead). tfjs's AdamOptimizer runs 14 ops per
 * variable plus a fresh scalar tensor for each constant it is given as a number (beta1, 1 - beta1, …): on a small MLP
 * a training step is mostly that fixed per-op cost, not arithmetic. Here the gradients are concatenated into one
 * vector, the moments live in two flat variables, the constants are made once, and the 14 ops run once per step;
 * the new values are split back into the variables. Every element goes through the same float32 operations in the
 * same order as tfjs's Adam, so the weights are bit-identical to it (checked in flat-adam.test.ts). The step also
 * gives the global gradient norm, from the squared gradient Adam computes anyway.
 */
import * as tf from '@tensorflow/tfjs';

/** One optimisation step per call; what the training loop needs from an optimiser. */
export interface StepOptimizer {
  /** Applies `grads` (by variable name) and returns the global gradient norm √Σg² (a scalar the caller disposes). */
  step(grads: tf.NamedTensorMap): tf.Scalar;
  dispose(): void;
}

/** Adam (Kingma & Ba) with tfjs's defaults: beta1 0.9, beta2 0.999, epsilon the backend's. */
export class FlatAdam implements StepOptimizer {
  private readonly sizes: number[];
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  /** Constants, made once: beta1, 1 - beta1, beta2, 1 - beta2, epsilon, -learningRate, 1. */
  private readonly k: tf.Scalar[];

  constructor(
    private readonly vars: tf.Variable[],
    learningRate: number,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = tf.backend().epsilon(),
  ) {
    this.sizes = vars.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // In a tidy: a variable keeps its own reference to the initial value, which tidy then frees.
    [this.m, this.v, this.accBeta1, this.accBeta2] = tf.tidy(() => [
      tf.variable(tf.zeros([total]), false),
      tf.variable(tf.zeros([total]), false),
      tf.variable(tf.scalar(beta1), false),
      tf.variable(tf.scalar(beta2), false),
    ]);
    this.k = [beta1, 1 - beta1, beta2, 1 - beta2, epsilon, -learningRate, 1].map((x) => tf.scalar(x));
  }

  step(grads: tf.NamedTensorMap): tf.Scalar {
    const [b1, oneMinusB1, b2, oneMinusB2, eps, negLr, one] = this.k;
    return tf.tidy(() => {
      const flat = (ts: tf.Tensor[]) =>
        ts.length === 1 ? tf.reshape(ts[0], [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1])));
      const g = flat(
        this.vars.map((v) => {
          const grad = grads[v.name];
          if (grad === undefined) throw new Error(`No gradient for variable ${v.name}.`);
          return grad;
        }),
      );
      const gSq = tf.square(g);
      // The same expressions, in the same order, as tfjs 4.22's AdamOptimizer.applyGradients.
      const oneMinusAccBeta1 = tf.sub(one, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(one, this.accBeta2);
      const newM = tf.add(tf.mul(this.m, b1), tf.mul(g, oneMinusB1));
      const newV = tf.add(tf.mul(this.v, b2), tf.mul(gSq, oneMinusB2));
      const mHat = tf.div(newM, oneMinusAccBeta1);
      const vHat = tf.div(newV, oneMinusAccBeta2);
      this.m.assign(newM);
      this.v.assign(newV);
      const values = flat(this.vars);
      const updated = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), negLr), values);
      const parts = this.vars.length === 1 ? [updated] : tf.split(updated, this.sizes);
      this.vars.forEach((v, i) => {
        v.assign(tf.reshape(parts[i], v.shape));
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, b1));
      this.accBeta2.assign(tf.mul(this.accBeta2, b2));
      return tf.sqrt(tf.sum(gSq));
    }) as tf.Scalar;
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.accBeta1, this.accBeta2, ...this.k]);
  }
}
