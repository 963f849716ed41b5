/**
 * The contract between training (issue: training runs in a worker) and scoring (issue: per-sample scores).
 * Everything is typed arrays so a run crosses worker boundaries by transfer and is stored in IndexedDB as is.
 * Layout convention: per-epoch per-sample arrays are epoch-major, value of sample i at epoch e at [e * N + i],
 * so an epoch is appended as one contiguous block.
 */

/** What a model is trained on: a dataset's rows, already split; features are raw (the trainer standardises). */
export interface TrainingData {
  /** rows × featureCount, row-major. */
  features: Float32Array;
  featureCount: number;
  /** Class code per row, 0..classCount-1. */
  labels: Int32Array;
  classCount: number;
  /**
   * When set, the rows are images of this shape, pixels H × W × C row-major (featureCount = height × width ×
   * channels; channels 1 when absent), and a small CNN may be used.
   */
  image?: ImageSize;
}

/** An image's size; `channels` (1 when absent) makes it the shape canaries and the CNN read. */
export interface ImageSize {
  width: number;
  height: number;
  channels?: number;
}

export type OptimizerName = 'adam' | 'sgd-momentum';
export type ModelKind = 'mlp' | 'cnn';

export interface TrainSettings {
  model: ModelKind;
  /** Hidden layer sizes of the MLP; the last hidden layer is the embedding. Default [64]. */
  hidden: number[];
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Fraction of rows held out for validation, stratified by class. */
  validationFraction: number;
  seed: number;
}

/** Everything needed to rebuild a model's architecture (its weights come from a Checkpoint). */
export interface ModelSpec {
  kind: ModelKind;
  featureCount: number;
  classCount: number;
  /** MLP: hidden Dense sizes. CNN: Dense sizes after the convolutions. The last one is the embedding. */
  hidden: number[];
  /** Required for 'cnn': height × width × channels = featureCount, pixels H × W × C row-major. */
  image?: ImageSize;
}

/** Per-feature input scaling, from the training rows only: x' = (x - mean) / std (std 1 for a constant feature). */
export interface Standardization {
  mean: Float32Array;
  std: Float32Array;
}

/** One final-layer (or whole-model) snapshot at the end of an epoch: a TracIn checkpoint. */
export interface Checkpoint {
  /** 0-based epoch index, the same as the epoch's block index in the E × N dynamics arrays. */
  epoch: number;
  /** The learning rate in force during that epoch (η_c in TracIn). */
  learningRate: number;
  /** Every weight tensor of the model in `model.getWeights()` order, so h_c and p_c can be recomputed on demand. */
  weights: Float32Array[];
  shapes: number[][];
}

/**
 * How every dataset row behaved during training: the input of the loss-trajectory and influence scores. Every row
 * is recorded (held-out validation rows too, flagged by `inTraining`), so every row gets a score.
 */
export interface TrainingDynamics {
  /** N: every dataset row, training and held-out validation rows alike. */
  samples: number;
  /** E: epochs recorded. */
  epochs: number;
  classCount: number;
  /** Dataset row index of each sample: all rows, in dataset order. */
  sampleRows: Int32Array;
  /** 1 where the sample was trained on, 0 where it was held out for validation. */
  inTraining: Uint8Array;
  /** Assigned (given) label of each sample. */
  labels: Int32Array;
  /** E × N: softmax probability of the assigned label, from a full eval-mode forward pass at the end of each epoch. */
  probAssigned: Float32Array;
  /** E × N: z[y] - max_{k≠y} z[k]. */
  margin: Float32Array;
  /** E × N: -log p[y]. */
  loss: Float32Array;
  /** E × N: 1 when argmax = y. */
  correct: Uint8Array;
  /** E × N: ||p - onehot(y)||² · (||h||² + 1), the squared final-layer gradient norm (TracIn self-influence term). */
  lastLayerGradSq: Float32Array;
  /** N × C: softmax after the last epoch. */
  finalProbs: Float32Array;
  /** N × d: penultimate-layer embeddings after the last epoch. */
  embeddings: Float32Array;
  embeddingDim: number;
  checkpoints: Checkpoint[];
  /** E × C: mean training loss of each class (by assigned label) at the end of each epoch. */
  classLoss: Float32Array;
  /** Added by the trainer: the architecture, so a Checkpoint can be turned back into a model (`checkpointOutputs`). */
  modelSpec?: ModelSpec;
  /** Added by the trainer: the input scaling the checkpoints expect. */
  standardization?: Standardization;
}
