/**
 * Default training settings, apart from the trainer so the app can show them without importing tfjs (the trainer
 * re-exports them).
 */
import type { TrainSettings } from './types';

/**
 * Defaults measured on digits (1797 × 64, 10 classes) in Node on the CPU backend: Adam at 2e-3 with batches of 64
 * reaches ~97% validation accuracy on clean labels within 20 epochs, and training 20 epochs takes a few seconds.
 * For larger datasets use `trainSettingsFor(rows)`, which keeps these for small sets and raises the batch size.
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

/** The largest batch `batchSizeFor` picks. */
export const MAX_DEFAULT_BATCH_SIZE = 1024;

/**
 * Default batch size for a dataset of `rows` rows: the power of two nearest rows / 40 (about 32 optimisation steps
 * per epoch on the 80% training split), at least 64 and at most 1024. Sets up to ~3,600 rows (digits 1797, breast
 * cancer 569) keep 64; synth20k (20,000 rows) gets 512; 200k rows get 1024.
 * Why: on WASM and CPU a step of this small MLP costs about the same at batch 64 as at 512 (per-op overhead, not
 * arithmetic), so steps per epoch set the training time; 20k rows at batch 64 were 250 steps per epoch and the 5
 * cross-validation folds repeat them (issue 4: 133 s for the whole synth20k pipeline, target 15 s).
 */
export function batchSizeFor(rows: number): number {
  const base = DEFAULT_TRAIN_SETTINGS.batchSize;
  if (!(rows > base * 40)) return base;
  return Math.min(MAX_DEFAULT_BATCH_SIZE, 2 ** Math.round(Math.log2(rows / 40)));
}

/**
 * Default learning rate for a batch size: 2e-3 × √(batch / 64), the square-root scaling rule for adaptive
 * optimisers (Malladi et al. 2022, "On the SDEs and scaling rules for adaptive gradient algorithms"). Measured on
 * synth20k at batch 512: 2e-3 unscaled under-fits (AUM AUROC 0.971, suspicion 0.967), 5.7e-3 matches batch 64
 * (AUM 0.982, suspicion 0.981 against 0.983 and 0.979). Rounded to three significant digits.
 */
export function learningRateFor(batchSize: number): number {
  const base = DEFAULT_TRAIN_SETTINGS;
  // Three significant digits: the form shows 0.00566, not 0.005656854249492381, and the scan and the app agree.
  return Number((base.learningRate * Math.sqrt(batchSize / base.batchSize)).toPrecision(3));
}

/**
 * Default training settings for a dataset of `rows` rows: DEFAULT_TRAIN_SETTINGS with the batch size of
 * `batchSizeFor(rows)` and its learning rate. The app's training form and the headless scan both start here.
 * `data` 'images' (a dataset imported from image files): the small CNN, which sees a trigger patch where it is; an
 * MLP on the flattened pixels stays a choice in the form.
 */
export function trainSettingsFor(rows: number, data: 'rows' | 'images' = 'rows'): TrainSettings {
  const batchSize = batchSizeFor(rows);
  return {
    ...DEFAULT_TRAIN_SETTINGS,
    model: data === 'images' ? 'cnn' : DEFAULT_TRAIN_SETTINGS.model,
    hidden: [...DEFAULT_TRAIN_SETTINGS.hidden],
    batchSize,
    learningRate: learningRateFor(batchSize),
  };
}

/** Cross-validation folds by default (DESIGN §3: K = 5). */
export const DEFAULT_CROSS_VAL_FOLDS = 5;

/**
 * Default epochs of each cross-validation fold: half the run's epochs, rounded up (10 for the default 20). The folds
 * only provide out-of-sample probabilities for the label family, and a model trained shorter memorises fewer flipped
 * labels. Measured (seed 1, label-family AUROC / suspicion AUROC, 20 → 10 fold epochs): synth20k 0.9884 (batch
 * 512, 10 epochs) against 0.9852 at 5 epochs; digits_flip5 0.9993 → 0.9994 / 0.9957 → 0.9920; breast_cancer_flip10
 * 0.9905 → 0.9921 / 0.9627 → 0.9614; digits_backdoor3 unchanged (0.9953).
 */
export function crossValEpochsFor(runEpochs: number): number {
  return Math.max(1, Math.ceil(runEpochs / 2));
}
