import { createRng } from '../random';
import { gaussian } from '../scores/test-utils';
import type { TrainingData } from '../train/types';

/** Three Gaussian classes in 8 features, the first `flipped` rows relabelled to the next class. */
export function blobs(rows: number, flipped: number, seed: number): TrainingData {
  const rng = createRng(seed);
  const f = 8;
  const labels = Int32Array.from({ length: rows }, (_, i) => i % 3);
  const features = Float32Array.from(
    { length: rows * f },
    (_, k) => 3 * labels[Math.floor(k / f)] + gaussian(rng),
  );
  for (let i = 0; i < flipped; i++) labels[i] = (labels[i] + 1) % 3;
  return { features, featureCount: f, labels, classCount: 3 };
}

/** A small MLP the calibration tests train on the CPU backend (about a second for 900 rows). */
export const BLOB_SETTINGS = {
  model: 'mlp' as const,
  hidden: [16],
  epochs: 6,
  batchSize: 64,
  optimizer: 'adam' as const,
  learningRate: 0.01,
  validationFraction: 0.2,
  seed: 3,
};
