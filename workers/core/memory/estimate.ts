/**
 * Memory estimates of a training job and a scoring job, counted from what the code allocates (issue 6: "before
 * training and scoring, an estimate of memory is shown; a job over the browser's budget is refused"). Pure
 * arithmetic on shapes: no tfjs, so the app shows it before a worker starts.
 *
 * Each part names the code it counts. Parts held for the whole job add up; parts that only live during one
 * phase (a training batch, an eval chunk, a cross-validation fold, the kNN search, the embedding scores) are
 * freed before the next phase starts, so the total is the held parts plus the largest phase: the job's peak.
 * Typed arrays are counted at their byte size, tensors at 4 bytes a value (float32 and int32 alike). A
 * cross-validation fold's batch and eval chunk are counted together (one phase), which errs high. What is not
 * counted: the runtime itself, and garbage not yet collected (the app's budget leaves room for it).
 */
import { knnTileRows } from '../scores/knn-plan';
import type { KnnMode } from '../scores/types';
import { evalChunkRows } from '../train/chunks';
import { cnnFlatSize, cnnLayers } from '../train/cnn-layers';
import type { ImageSize, ModelKind, OptimizerName } from '../train/types';

const F32 = 4;
/** Per-row statistics of a recording pass: p[y], margin, loss, grad-norm² (float32) and correct (uint8). */
const STATS_BYTES = 4 * F32 + 1;

/** Which stage of a job a transient part belongs to; `held` parts live through the whole job. */
export type MemoryPhase = 'held' | 'batch' | 'eval' | 'cross-validation' | 'knn' | 'embedding';

/** What can be changed to make a part smaller, for the refusal message. */
export type MemoryRemedy =
  | 'fewer-epochs'
  | 'smaller-batch'
  | 'smaller-model'
  | 'fewer-rows'
  | 'approximate-knn'
  | 'smaller-k';

/** One part of an estimate. */
export interface MemoryPart {
  key: string;
  label: string;
  bytes: number;
  phase: MemoryPhase;
  /** Settings that shrink this part, most effective first. */
  remedies: MemoryRemedy[];
}

/** A job's estimate: its parts and its peak. */
export interface MemoryEstimate {
  parts: MemoryPart[];
  /** Held parts plus the largest phase, in bytes. */
  total: number;
}

/** The model of a run: what the parameter and activation counts depend on. */
export interface ModelShape {
  model: ModelKind;
  /** Hidden Dense sizes; the last is the embedding. */
  hidden: readonly number[];
  /** For 'cnn': the image size (height × width × channels = features). */
  image?: ImageSize | null;
}

/** What a training job's memory depends on. */
export interface TrainMemoryInput extends ModelShape {
  rows: number;
  features: number;
  classes: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Fraction of rows held out for validation. */
  validationFraction: number;
  /** Rows per chunk of the end-of-epoch pass (default: `defaultEvalChunkRows`, as the recorder). */
  evalBatchSize?: number;
}

/** What a scoring job's memory depends on: the run it scores and the scoring settings. */
export interface ScoreMemoryInput extends ModelShape {
  /** Samples of the run (training and validation rows: every row the run recorded). */
  rows: number;
  /**
   * Rows of the dataset, when more than the run's (a retrain left some out): the worker receives the whole dataset
   * and cross-validates over it. Default: `rows`.
   */
  datasetRows?: number;
  features: number;
  classes: number;
  /** Rows of the largest class: the embedding scores work class by class (default: all rows, the worst case). */
  largestClass?: number;
  /** Epochs the run recorded (its dynamics and checkpoints). */
  epochs: number;
  /** The run's batch size and optimizer: cross-validation trains each fold with them. */
  batchSize: number;
  optimizer: OptimizerName;
  /** Cross-validation folds K: folds train one after another, so K changes time, not the peak. */
  folds: number;
  k: number;
  knnMode: KnnMode;
  /** `auto` approximates above this many samples (default 10,000: scores/defaults.ts). */
  approximateAbove: number;
  /** L2-normalise before the search (a normalised copy of the embeddings). */
  normalize?: boolean;
  /** Exact search: query rows per tile; default as knn.ts (about 4M distances a tile). */
  tileRows?: number;
  /** IVF cells (0: round √N) and cells probed per point. */
  nlist?: number;
  nprobe?: number;
  /** Activation clustering's PCA dimensions (default 10). */
  pcaDims?: number;
  evalBatchSize?: number;
}

/** Weight count of the model `buildModel` (train/model.ts) makes for this shape. */
export function parameterCount(shape: ModelShape, features: number, classes: number): number {
  let inputs = features;
  let count = 0;
  if (shape.model === 'cnn' && shape.image) {
    for (const layer of cnnLayers(shape.image))
      count += 3 * 3 * layer.inChannels * layer.filters + layer.filters;
    inputs = cnnFlatSize(shape.image);
  }
  for (const units of shape.hidden) {
    count += inputs * units + units;
    inputs = units;
  }
  return count + inputs * classes + classes;
}

/** Activation values one sample makes in a forward pass: the layer outputs of train/model.ts. */
export function activationsPerSample(shape: ModelShape, features: number, classes: number): number {
  let count = features;
  if (shape.model === 'cnn' && shape.image) {
    for (const layer of cnnLayers(shape.image)) {
      count += layer.convHeight * layer.convWidth * layer.filters;
      if (layer.pool) count += layer.outHeight * layer.outWidth * layer.filters;
    }
  }
  for (const units of shape.hidden) count += units;
  return count + classes;
}

function embeddingDim(shape: ModelShape): number {
  return shape.hidden[shape.hidden.length - 1] ?? 0;
}

/** Optimizer slots per weight: Adam keeps two moments, momentum one velocity. */
function optimizerSlots(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 2 : 1;
}

/** Held + the largest phase. */
function peak(parts: MemoryPart[]): number {
  const phases = new Map<MemoryPhase, number>();
  let held = 0;
  for (const p of parts) {
    if (p.phase === 'held') held += p.bytes;
    else phases.set(p.phase, (phases.get(p.phase) ?? 0) + p.bytes);
  }
  return held + Math.max(0, ...phases.values());
}

/**
 * Weights, gradients and optimizer slots (train/trainer.ts: variableGrads, applyGradients), and one batch's
 * forward activations and their gradients: 2 × batch × (activations + 3·C for the cross-entropy's one-hot,
 * log-softmax and product).
 */
function modelParts(
  shape: ModelShape,
  features: number,
  classes: number,
  batchRows: number,
  optimizer: OptimizerName,
  phase: MemoryPhase,
): MemoryPart[] {
  const params = parameterCount(shape, features, classes);
  const perSample = activationsPerSample(shape, features, classes) + 3 * classes;
  return [
    {
      key: 'model',
      label: `Model: ${params.toLocaleString('en-GB')} weights, gradients and optimizer state`,
      bytes: params * F32 * (2 + optimizerSlots(optimizer)),
      phase: phase === 'batch' ? 'held' : phase,
      remedies: ['smaller-model'],
    },
    {
      key: 'batch',
      label: `One batch of ${batchRows} rows: activations and their gradients`,
      bytes: 2 * batchRows * perSample * F32,
      phase,
      remedies: ['smaller-batch', 'smaller-model'],
    },
  ];
}

/**
 * The tensors of one recordPass chunk (train/recorder.ts): its tidy keeps every intermediate until the chunk is
 * read, i.e. the gathered rows and layer outputs, 11 C-wide values (logits, one-hot, log-softmax, softmax and
 * their products), the embedding's square, 17 per-row values, the packed output twice (tensor and read-back)
 * of 5 + C + d values, and the stacked 5 statistics.
 */
function evalChunkBytes(shape: ModelShape, features: number, classes: number, chunk: number): number {
  const d = embeddingDim(shape);
  const perRow =
    activationsPerSample(shape, features, classes) + 11 * classes + d + 17 + 2 * (5 + classes + d) + 5;
  return chunk * perRow * F32;
}

/** Rows per chunk of an eval pass: the recorder's rule (train/chunks.ts). */
export function defaultEvalChunkRows(shape: ModelShape, features: number, classes: number): number {
  return evalChunkRows({
    kind: shape.model,
    featureCount: features,
    classCount: classes,
    hidden: shape.hidden,
  });
}

function trainRowCount(rows: number, validationFraction: number): number {
  return Math.max(1, rows - Math.round(rows * validationFraction));
}

/** Everything a run records: E × N per-row statistics, final softmax and embeddings, row arrays, class losses. */
function dynamicsBytes(rows: number, classes: number, d: number, epochs: number): number {
  // sampleRows and labels (int32) and inTraining (uint8) per row; classLoss E × C.
  return epochs * rows * STATS_BYTES + rows * (classes + d) * F32 + rows * 9 + epochs * classes * F32;
}

/** Memory of a training job in the train worker (workers/train.service.ts over train/trainer.ts). */
export function estimateTrainMemory(input: TrainMemoryInput): MemoryEstimate {
  const { rows, features: f, classes: c, epochs } = input;
  const d = embeddingDim(input);
  const nTrain = trainRowCount(rows, input.validationFraction);
  const batch = Math.max(1, Math.min(input.batchSize, nTrain));
  const steps = Math.ceil(nTrain / batch) * epochs;
  const chunk = Math.max(1, Math.min(input.evalBatchSize ?? defaultEvalChunkRows(input, f, c), rows));
  const params = parameterCount(input, f, c);
  const parts: MemoryPart[] = [
    {
      key: 'dataset',
      label: 'Dataset in the worker: features, their standardised copy, labels',
      bytes: 2 * rows * f * F32 + rows * F32,
      phase: 'held',
      remedies: ['fewer-rows'],
    },
    {
      key: 'input-tensors',
      label: 'Feature and label tensors on the backend',
      bytes: rows * f * F32 + rows * F32,
      phase: 'held',
      remedies: ['fewer-rows'],
    },
    ...modelParts(input, f, c, batch, input.optimizer, 'batch'),
    {
      key: 'dynamics',
      label: `Training dynamics: ${epochs} epochs × ${rows.toLocaleString('en-GB')} rows, final softmax and embeddings`,
      bytes: dynamicsBytes(rows, c, d, epochs),
      phase: 'held',
      remedies: ['fewer-epochs', 'fewer-rows'],
    },
    {
      key: 'checkpoints',
      label: `Checkpoints: every weight at the end of each of ${epochs} epochs`,
      bytes: epochs * params * F32,
      phase: 'held',
      remedies: ['fewer-epochs', 'smaller-model'],
    },
    {
      key: 'curves',
      label: 'Batch curves and the batch → rows index',
      bytes: steps * 2 * F32 + epochs * nTrain * F32,
      phase: 'held',
      remedies: ['fewer-epochs'],
    },
    {
      key: 'eval',
      label: `End-of-epoch pass: a chunk of ${chunk} rows and every row's outputs`,
      // Chunk tensors, plus the pass's per-row results (with softmax and embeddings) and its train/validation picks.
      bytes: evalChunkBytes(input, f, c, chunk) + rows * (2 * STATS_BYTES + (c + d) * F32),
      phase: 'eval',
      remedies: ['fewer-rows'],
    },
  ];
  return { parts, total: peak(parts) };
}

/** Query rows per tile of the exact kNN search: knn.ts's rule (scores/knn-plan.ts, about 4M distances). */
export function defaultKnnTileRows(n: number): number {
  return knnTileRows(n);
}

/** Whether scoring `rows` samples with these settings searches kNN approximately (score-all.ts's rule). */
export function knnIsApproximate(mode: KnnMode, rows: number, approximateAbove: number): boolean {
  return mode === 'ivf' || (mode === 'auto' && rows > approximateAbove);
}

/**
 * The exact search's memory (scores/knn.ts knnExact): the candidates as [x; ‖x‖²] columns, (d + 1) × N, built in
 * an array and uploaded; one tile's queries (array, norms, tensor), its tile × N product and topk's values and
 * indices (tensors and read back); the result.
 */
function knnExactBytes(n: number, d: number, k: number, tile: number, normalize: boolean): number {
  const candidates = 2 * (d + 1) * n * F32;
  const tileBytes = (2 * tile * (d + 1) + tile + tile * n + 4 * tile * (k + 1)) * F32;
  return (normalize ? n * d * F32 : 0) + candidates + tileBytes + n * k * 2 * F32;
}

/**
 * The IVF search's memory (scores/knn.ts knnIvf): the k-means sample and centres, each point's probes and the
 * tiles that find them, the cell lists, and one cell's block (its candidates gathered, then as [x; ‖x‖²] array and
 * tensor; its probing queries; their product and topk). Cells are uneven: the block is counted at twice the
 * average cell's.
 */
function knnIvfBytes(
  n: number,
  d: number,
  k: number,
  nlist: number,
  nprobe: number,
  normalize: boolean,
): number {
  const cells = Math.max(1, Math.min(n, nlist || Math.round(Math.sqrt(n))));
  const probe = Math.max(1, Math.min(cells, nprobe));
  const kmeans = Math.min(n, 64 * cells) * d * F32 + cells * d * F32 + 2 * (d + 1) * cells * F32;
  const centreTile = defaultKnnTileRows(cells);
  const probing = (2 * centreTile * (d + 1) + centreTile * cells + 4 * centreTile * probe) * F32;
  const lists = n * probe * F32 * 2 + n * F32 + 2 * (cells + 1) * F32;
  const cellRows = Math.ceil(n / cells);
  const queryRows = Math.min(n, Math.ceil((n * probe) / cells));
  const block =
    2 *
    (cellRows * d +
      2 * (d + 1) * cellRows +
      2 * queryRows * (d + 1) +
      queryRows * cellRows +
      4 * queryRows * (k + 1)) *
    F32;
  return (normalize ? n * d * F32 : 0) + kmeans + Math.max(probing, block) + lists + n * k * 2 * F32;
}

/** Memory of a scoring job in the score worker (workers/score.service.ts: cross-validation, then scoreAll). */
export function estimateScoreMemory(input: ScoreMemoryInput): MemoryEstimate {
  const { rows: n, features: f, classes: c, epochs } = input;
  const d = embeddingDim(input);
  const k = Math.max(1, Math.min(input.k, n - 1));
  const params = parameterCount(input, f, c);
  const all = Math.max(n, input.datasetRows ?? n);
  const foldTrain = Math.max(1, all - Math.floor(all / Math.max(2, input.folds)));
  const batch = Math.max(1, Math.min(input.batchSize, foldTrain));
  const chunk = Math.max(1, Math.min(input.evalBatchSize ?? defaultEvalChunkRows(input, f, c), all));
  const approximate = knnIsApproximate(input.knnMode, n, input.approximateAbove);
  const normalize = input.normalize ?? false;
  const tile = Math.max(1, Math.min(n, input.tileRows ?? defaultKnnTileRows(n)));
  const dims = Math.min(input.pcaDims ?? 10, d);
  const largest = Math.max(1, Math.min(n, input.largestClass ?? n));
  const fold = modelParts(input, f, c, batch, input.optimizer, 'cross-validation');
  const parts: MemoryPart[] = [
    {
      key: 'dataset',
      label: 'Dataset in the worker: features and labels',
      bytes: all * f * F32 + all * F32,
      phase: 'held',
      remedies: ['fewer-rows'],
    },
    {
      key: 'run',
      label: `The run: dynamics of ${epochs} epochs and ${epochs} checkpoints`,
      bytes: dynamicsBytes(n, c, d, epochs) + epochs * params * F32,
      phase: 'held',
      remedies: ['fewer-epochs', 'smaller-model'],
    },
    {
      key: 'label-probs',
      label: 'Out-of-fold softmax (dataset and sample order)',
      bytes: (all + n) * c * F32,
      phase: 'held',
      remedies: ['fewer-rows'],
    },
    {
      key: 'scores',
      label: 'Scores, family ranks, suspicion and flags',
      // 12 scores, 4 families, suspicion, 2 cartography axes (float32), 4 flag arrays and label issues (uint8),
      // suggested labels (int32): 85 bytes a sample.
      bytes: n * 85 + c * F32,
      phase: 'held',
      remedies: ['fewer-rows'],
    },
    {
      key: 'cv-inputs',
      label: 'Cross-validation fold: standardised features and their tensors',
      bytes: 2 * all * f * F32 + all * F32,
      phase: 'cross-validation',
      remedies: ['fewer-rows'],
    },
    // A fold's model, its batch and its eval chunk (the fold records no dynamics, only per-row statistics).
    ...fold.map((p) => ({ ...p, key: `cv-${p.key}`, label: `Cross-validation fold: ${p.label}` })),
    {
      key: 'cv-eval',
      label: `Cross-validation fold: an eval chunk of ${chunk} rows and per-row statistics`,
      bytes: evalChunkBytes(input, f, c, chunk) + all * (STATS_BYTES + c * F32),
      phase: 'cross-validation',
      remedies: ['fewer-rows'],
    },
    approximate
      ? {
          key: 'knn',
          label: 'kNN (approximate, IVF): cells, probes and one cell block',
          bytes: knnIvfBytes(n, d, k, input.nlist ?? 0, input.nprobe ?? 8, normalize),
          phase: 'knn',
          remedies: ['smaller-k'],
        }
      : {
          key: 'knn',
          label: `kNN (exact): tiles of ${tile} rows × ${n.toLocaleString('en-GB')} distances`,
          bytes: knnExactBytes(n, d, k, tile, normalize),
          phase: 'knn',
          remedies: ['approximate-knn', 'smaller-k'],
        },
    {
      key: 'embedding',
      label: 'Spectral, activation-clustering and Mahalanobis scores',
      // scores/embedding.ts works class by class: the class lists (N int32), the largest class's centred rows as
      // array and tensor, their d-wide projection as tensor and read back, its PCA points; every class's scatter
      // (Mahalanobis keeps them all) and a whitening matrix (float64).
      bytes: n * F32 + 4 * largest * d * F32 + largest * dims * F32 + 2 * c * d * d * 8,
      phase: 'embedding',
      remedies: ['smaller-model'],
    },
  ];
  return { parts, total: peak(parts) };
}

/** The remedies of the parts that make up most of the estimate, most effective first, without repeats. */
export function remediesFor(estimate: MemoryEstimate): MemoryRemedy[] {
  const counted = estimate.parts.filter((p) => p.bytes > 0);
  const sorted = [...counted].sort((a, b) => b.bytes - a.bytes);
  const out: MemoryRemedy[] = [];
  let covered = 0;
  for (const part of sorted) {
    for (const r of part.remedies) if (!out.includes(r)) out.push(r);
    covered += part.bytes;
    // The parts that make up 80% of the sum are the ones worth changing.
    if (covered >= 0.8 * counted.reduce((s, p) => s + p.bytes, 0)) break;
  }
  return out;
}
