/**
 * Default training settings, apart from the trainer so the app can show them without importing tfjs (the trainer
 * re-exports them).
 */
import type { TrainSettings } from './types';

/**
 * Defaults measured on digits (1797 × 64, 10 classes) in Node on the CPU backend: Adam at 2e-3 with batches of 64
 * reaches ~97% validation accuracy on clean labels within 20 epochs, and training 20 epochs takes a few seconds.
 */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  model: 'mlp',
  hidden: [64],
  epochs: 20,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 2e-3,
  validationFraction: 0.2,
  seed: 1,
};
