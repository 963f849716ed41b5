/** Memory of a training job in the train worker (workers/train.service.ts over train/trainer.ts). */
import type { OptimizerName } from '../train/types';
import {
  defaultEvalChunkRows,
  embeddingDim,
  evalChunkBytes,
  F32,
  type MemoryEstimate,
  type MemoryPart,
  type ModelShape,
  modelParts,
  parameterCount,
  peak,
  STATS_BYTES,
} from './parts';

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

export function trainRowCount(rows: number, validationFraction: number): number {
  return Math.max(1, rows - Math.round(rows * validationFraction));
}

/** Everything a run records: E × N per-row statistics, final softmax and embeddings, row arrays, class losses. */
export function dynamicsBytes(rows: number, classes: number, d: number, epochs: number): number {
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
