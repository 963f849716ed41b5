/**
 * A fold worker's service (issue 15): keeps the dataset it was sent and trains each fold it is given with
 * `trainAndPredict` on the backend it is told, as the score worker would in-process. No worker or comlink in it.
 */
import type { BackendName } from './core/train/backend-choice';
import type { FoldOutcome, FoldTask } from './core/train/fold-pool';
import { type EpochReport, trainAndPredict } from './core/train/trainer';
import type { TrainingData, TrainSettings } from './core/train/types';
import type { BackendControl } from './train.service';

/** The fold worker's contract. */
export interface FoldApi {
  /** Before the first fold: how many fold workers run at once, which share the cores (WASM's thread budget). */
  shareCores(workersAtOnce: number): void;
  /** Keeps `data` for the folds that follow (a copy: each worker trains on its own). */
  setData(data: TrainingData): void;
  /** Trains `task` on `backend` (its seed replaces settings.seed); each epoch is reported to onEpoch. */
  runFold(
    backend: BackendName,
    settings: TrainSettings,
    task: FoldTask,
    onEpoch: (e: EpochReport) => void,
  ): Promise<FoldOutcome>;
}

export function createFoldService(backends: BackendControl): FoldApi {
  let data: TrainingData | null = null;
  let active: BackendName | null = null;
  return {
    shareCores(workers) {
      backends.planWasm?.({ workersAtOnce: workers });
    },
    setData(d) {
      data = d;
    },
    async runFold(backend, settings, task, onEpoch) {
      if (!data) throw new Error('No dataset was sent to this fold worker before its fold.');
      if (active !== backend) {
        const error = await backends.activate(backend);
        if (error) throw new Error(`The ${backend} backend did not start in a fold worker: ${error}`);
        active = backend;
      }
      const out = await trainAndPredict(
        data,
        task.trainRows,
        task.heldRows,
        { ...settings, seed: task.seed },
        {
          onEpoch,
        },
      );
      return {
        status: out.status,
        probabilities: out.probabilities,
        ...(out.nonFinite ? { nonFinite: out.nonFinite } : {}),
      };
    },
  };
}
