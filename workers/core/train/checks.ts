/** Checks of a training job's input, with messages for the analyst. */
import type { TrainingData, TrainSettings } from './types';

/** Rejects settings that cannot train, with a message for the analyst. */
export function checkSettings(settings: TrainSettings): void {
  const bad = (what: string) => {
    throw new RangeError(`Training settings: ${what}.`);
  };
  if (!(Number.isInteger(settings.epochs) && settings.epochs >= 1))
    bad(`epochs must be ≥ 1, got ${settings.epochs}`);
  if (!(Number.isInteger(settings.batchSize) && settings.batchSize >= 1)) {
    bad(`batch size must be ≥ 1, got ${settings.batchSize}`);
  }
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) {
    bad(`learning rate must be a positive number, got ${settings.learningRate}`);
  }
  if (!Number.isFinite(settings.seed)) bad(`seed must be a number, got ${settings.seed}`);
}

/** Rejects data whose arrays do not agree with each other. */
export function checkData(data: TrainingData): void {
  const rows = data.labels.length;
  if (!(Number.isInteger(data.featureCount) && data.featureCount > 0)) {
    throw new RangeError(`Training data: featureCount must be a positive integer, got ${data.featureCount}.`);
  }
  if (data.features.length !== rows * data.featureCount) {
    throw new RangeError(
      `Training data: ${data.features.length} feature values for ${rows} rows × ${data.featureCount} features.`,
    );
  }
  for (let i = 0; i < rows; i++) {
    const y = data.labels[i];
    if (!(y >= 0 && y < data.classCount)) {
      throw new RangeError(`Training data: row ${i} has class code ${y}, outside 0..${data.classCount - 1}.`);
    }
  }
}
