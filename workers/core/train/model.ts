/**
 * The models Sift trains: an MLP for tabular rows and a small CNN for images. Both are one functional tfjs
 * model with two outputs, [embedding, logits], so a single forward pass gives the penultimate-layer embedding
 * h (for the embedding and influence scores) and the logits z; softmax is applied outside, in the loss.
 * Initialisers are seeded per layer: same seed → same initial weights on any backend.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { prepareKernels } from './backend-kernels';
import { cnnLayers } from './cnn-layers';
import type { ImageSize, ModelSpec, TrainSettings } from './types';

export type { ModelSpec };

/** A built model and the size of its embedding. Dispose `model` when done (it owns its weight variables). */
export interface SiftModel {
  model: tf.LayersModel;
  spec: ModelSpec;
  embeddingDim: number;
}

/** The spec implied by training settings and a dataset's shape. */
export function modelSpecFor(
  settings: Pick<TrainSettings, 'model' | 'hidden'>,
  data: { featureCount: number; classCount: number; image?: ImageSize },
): ModelSpec {
  return {
    kind: settings.model,
    featureCount: data.featureCount,
    classCount: data.classCount,
    hidden: [...settings.hidden],
    ...(data.image ? { image: { ...data.image } } : {}),
  };
}

function checkSpec(spec: ModelSpec): void {
  if (!(Number.isInteger(spec.featureCount) && spec.featureCount > 0)) {
    throw new RangeError(`A model needs at least one feature, got ${spec.featureCount}.`);
  }
  if (!(Number.isInteger(spec.classCount) && spec.classCount >= 2)) {
    throw new RangeError(`A classifier needs at least two classes, got ${spec.classCount}.`);
  }
  if (spec.hidden.length === 0 || spec.hidden.some((h) => !(Number.isInteger(h) && h > 0))) {
    throw new RangeError(
      `Hidden sizes must be one or more positive integers (the last is the embedding), got [${spec.hidden.join(', ')}].`,
    );
  }
  if (spec.kind === 'cnn') {
    const img = spec.image;
    if (!img || img.width * img.height * (img.channels ?? 1) !== spec.featureCount) {
      throw new RangeError(
        'The CNN needs image data whose height × width × channels equals the feature count.',
      );
    }
  }
}

/** tfjs-layers does not export its Layer class; every layer factory returns one. */
type Layer = Pick<ReturnType<typeof tf.layers.dense>, 'apply' | 'name'>;

function applyLayer(layer: Layer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  const out = layer.apply(x);
  if (!(out instanceof tf.SymbolicTensor))
    throw new Error(`Layer ${layer.name} did not give one symbolic output.`);
  return out;
}

/**
 * Builds the model. MLP: Dense(h, relu) for each hidden size, then Dense(classCount). CNN: the convolutions of
 * `cnnLayers` (a stem, then conv–pool blocks; relu) → flatten → Dense(h, relu) for each hidden size →
 * Dense(classCount). Glorot-uniform kernels seeded per layer, zero biases.
 */
export function buildModel(spec: ModelSpec, seed: number): SiftModel {
  checkSpec(spec);
  const rng = createRng(seed);
  // One seed per layer, drawn in layer order: tfjs seeds each initialiser's own alea stream.
  const init = () => tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) });
  const input = tf.input({ shape: [spec.featureCount] });
  let x: tf.SymbolicTensor = input;
  if (spec.kind === 'cnn' && spec.image) {
    // tfjs 4.22's WASM backend lacks the filter gradient of Conv2D: fill it from kernels it has.
    prepareKernels();
    const { height, width, channels } = spec.image;
    x = applyLayer(tf.layers.reshape({ targetShape: [height, width, channels ?? 1] }), x);
    for (const layer of cnnLayers(spec.image)) {
      x = applyLayer(
        tf.layers.conv2d({
          filters: layer.filters,
          kernelSize: 3,
          strides: layer.stride,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(),
        }),
        x,
      );
      if (layer.pool) x = applyLayer(tf.layers.maxPooling2d({ poolSize: 2 }), x);
    }
    x = applyLayer(tf.layers.flatten(), x);
  }
  for (const units of spec.hidden) {
    x = applyLayer(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init() }), x);
  }
  const embedding = x;
  const logits = applyLayer(
    tf.layers.dense({ units: spec.classCount, kernelInitializer: init() }),
    embedding,
  );
  const model = tf.model({ inputs: input, outputs: [embedding, logits] });
  return { model, spec, embeddingDim: spec.hidden[spec.hidden.length - 1] };
}

/**
 * One forward pass: the embedding h (rows × d) and the logits z (rows × C). The models have no dropout or batch
 * norm, so `training` changes nothing today; it is passed through for when they do.
 */
export function forward(
  m: SiftModel,
  x: tf.Tensor2D,
  training = false,
): { embedding: tf.Tensor2D; logits: tf.Tensor2D } {
  const out = m.model.apply(x, { training });
  if (!Array.isArray(out) || out.length !== 2) throw new Error('The model must have two outputs.');
  const [embedding, logits] = out;
  if (!(embedding instanceof tf.Tensor && logits instanceof tf.Tensor)) {
    throw new Error('forward() needs a concrete tensor input, not a symbolic one.');
  }
  return { embedding: embedding as tf.Tensor2D, logits: logits as tf.Tensor2D };
}

/** The model's weight variables in `getWeights()` order, as tf.Variables (what variableGrads needs). */
export function trainableVariables(m: SiftModel): tf.Variable[] {
  return m.model.trainableWeights.map((w) => {
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new Error(`Weight ${w.name} is not backed by a tf.Variable.`);
    return v;
  });
}
