/** Memory of a scoring job in the score worker (workers/score.service.ts: cross-validation, then scoreAll). */
import { knnIsApproximate, knnTileRows } from '../scores/knn-plan';
import { FAMILY_NAMES, type KnnMode, SCORE_NAMES } from '../scores/types';
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
import { dynamicsBytes } from './train-memory';

/** Bytes a sample of a stored score set takes (see the 'scores' part). */
export const SCORE_SET_BYTES_PER_SAMPLE =
  (SCORE_NAMES.length + FAMILY_NAMES.length + 1 + 2) * 4 + FAMILY_NAMES.length + 1 + 4;

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

/** Query rows per tile of the exact kNN search: knn.ts's rule (scores/knn-plan.ts, about 4M distances). */
export function defaultKnnTileRows(n: number): number {
  return knnTileRows(n);
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
      // Every score, every family, suspicion, 2 cartography axes (float32), a flag array per family and label issues
      // (uint8), suggested labels (int32): 89 bytes a sample with 13 scores and 4 families.
      bytes: n * SCORE_SET_BYTES_PER_SAMPLE + c * F32,
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
