/** The small jobs the memory tests count by hand, and a part's lookup by key. */
import type { MemoryEstimate, MemoryPart, ScoreMemoryInput, TrainMemoryInput } from './estimate';

/** 100 rows × 4 features, 3 classes, an MLP [8] (67 weights), 2 epochs of batches of 10: small enough to count by hand. */
const RUN = {
  rows: 100,
  features: 4,
  classes: 3,
  model: 'mlp',
  hidden: [8],
  epochs: 2,
  batchSize: 10,
  optimizer: 'adam',
} as const;

/** RUN trained with a fifth of the rows held out. */
export const TRAIN: TrainMemoryInput = { ...RUN, validationFraction: 0.2 };

/** RUN scored with 5 folds and exact kNN (k = 10); embedding d = 8. */
export const SCORE: ScoreMemoryInput = {
  ...RUN,
  folds: 5,
  k: 10,
  knnMode: 'exact',
  approximateAbove: 50_000,
};

/** The part of an estimate with this key (throws when there is none). */
export function partOf(e: MemoryEstimate, key: string): MemoryPart {
  const p = e.parts.find((x) => x.key === key);
  if (!p) throw new Error(`No part ${key}`);
  return p;
}
