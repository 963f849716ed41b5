/**
 * The vocabulary of memory estimates (parts, phases, remedies) and the parts every job shares: the model's weights
 * with their gradients and optimizer state, one batch, one eval chunk; how a job's peak is counted; the remedies
 * worth offering.
 */
import { evalChunkRows } from '../train/chunks';
import { cnnFlatSize, cnnLayers } from '../train/cnn-layers';
import type { ImageSize, ModelKind, OptimizerName } from '../train/types';

export const F32 = 4;
/** Per-row statistics of a recording pass: p[y], margin, loss, grad-norm² (float32) and correct (uint8). */
export const STATS_BYTES = 4 * F32 + 1;

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

export function embeddingDim(shape: ModelShape): number {
  return shape.hidden[shape.hidden.length - 1] ?? 0;
}

/** Optimizer slots per weight: Adam keeps two moments, momentum one velocity. */
export function optimizerSlots(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 2 : 1;
}

/** Held + the largest phase. */
export function peak(parts: MemoryPart[]): number {
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
export function modelParts(
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
export function evalChunkBytes(shape: ModelShape, features: number, classes: number, chunk: number): number {
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
