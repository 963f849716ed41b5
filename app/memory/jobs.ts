/** The estimate of a job from what the app knows before it starts: the dataset's metadata, a run's record, a form. */
import {
  estimateScoreMemory,
  estimateTrainMemory,
  type MemoryEstimate,
} from '../../workers/core/memory/estimate';
import { defaultScoreParams } from '../../workers/core/scores/defaults';
import type { KnnMode } from '../../workers/core/scores/types';
import type { TrainSettings } from '../../workers/core/train/types';
import type { RunRecord } from '../db/run-schema';
import type { DatasetMeta } from '../db/schema';

/** The dataset facts the estimates need. */
export type DatasetShape = Pick<DatasetMeta, 'rows' | 'featureNames' | 'classes' | 'classCounts' | 'image'>;

/** Memory of training `dataset` with `settings` (rows left out by a retrain are counted: an upper bound). */
export function trainEstimate(dataset: DatasetShape, settings: TrainSettings): MemoryEstimate {
  return estimateTrainMemory({
    rows: dataset.rows,
    features: dataset.featureNames.length,
    classes: dataset.classes.length,
    model: settings.model,
    hidden: settings.hidden,
    image: settings.model === 'cnn' ? dataset.image : null,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer,
    validationFraction: settings.validationFraction,
  });
}

/** The scoring settings the estimate depends on. */
export interface ScoreEstimateForm {
  folds: number;
  k: number;
  knnMode?: KnnMode;
}

/** Memory of scoring finished run `run` of `dataset` with the form's settings (other parameters at their defaults). */
export function scoreEstimate(
  dataset: DatasetShape,
  run: Pick<RunRecord, 'settings' | 'trainRows' | 'valRows' | 'epochsDone'>,
  form: ScoreEstimateForm,
): MemoryEstimate {
  const knn = defaultScoreParams().knn;
  const s = run.settings;
  return estimateScoreMemory({
    rows: run.trainRows + run.valRows,
    datasetRows: dataset.rows,
    features: dataset.featureNames.length,
    classes: dataset.classes.length,
    largestClass: Math.max(1, ...dataset.classCounts),
    model: s.model,
    hidden: s.hidden,
    image: s.model === 'cnn' ? dataset.image : null,
    epochs: run.epochsDone,
    batchSize: s.batchSize,
    optimizer: s.optimizer,
    folds: form.folds,
    k: form.k,
    knnMode: form.knnMode ?? knn.mode,
    approximateAbove: knn.approximateAbove,
    normalize: knn.normalize,
    nlist: knn.nlist,
    nprobe: knn.nprobe,
  });
}
