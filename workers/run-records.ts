/**
 * The records a training run is stored as, from its first record and the worker's messages and result: pure (no
 * database, no clock but `now`), so the train worker's writer (train-store.ts) stays mechanics and this is tested
 * on its own. Every function returns a new record; the status union (app/db/run-schema.ts) makes a done run
 * without its backend, last epoch or dynamics impossible to build.
 */
import type {
  EndedRun,
  LiveRunRecord,
  RecordedDynamics,
  RunCurvesRecord,
  RunFinal,
} from '../app/db/run-schema';
import type { EpochReport } from './core/train/trainer';
import type { RunProgress, TrainMessage, TrainResult } from './train.api';

/** The end-of-epoch figures of `last`, or null before the first epoch ends. */
export function finalOf(last: EpochReport | undefined): RunFinal | null {
  return last
    ? {
        epoch: last.epoch,
        trainLoss: last.trainLoss,
        trainAccuracy: last.trainAccuracy,
        valLoss: last.valLoss,
        valAccuracy: last.valAccuracy,
      }
    : null;
}

/** The worker chose its backend and split: the record says so. */
export function startedRun(
  record: LiveRunRecord,
  message: Extract<TrainMessage, { kind: 'started' }>,
  now: number,
): LiveRunRecord {
  return {
    ...record,
    backend: message.backend,
    trainRows: message.trainRows,
    valRows: message.valRows,
    totalSteps: message.totalSteps,
    stepsPerEpoch: message.stepsPerEpoch,
    updatedAt: now,
  };
}

/** Where a live run is after a progress message: its counts, last epoch and whether it is paused. */
export function progressedRun(
  record: LiveRunRecord,
  progress: RunProgress,
  counts: { epochs: number; anomalies: number; last: EpochReport | undefined },
  now: number,
): LiveRunRecord {
  return {
    ...record,
    status: progress.paused ? 'paused' : 'running',
    updatedAt: now,
    stepsDone: progress.stepsDone,
    epochsDone: counts.epochs,
    elapsedMs: progress.elapsedMs,
    anomalyCount: counts.anomalies,
    final: finalOf(counts.last),
  };
}

/** The records a finished worker run is stored as. The result carries every point: it is the truth. */
export function finishedRun(record: LiveRunRecord, result: TrainResult, now: number): EndedRun {
  const curves: RunCurvesRecord = {
    id: result.runId,
    steps: result.batches.loss.length,
    loss: result.batches.loss,
    gradNorm: result.batches.gradNorm,
    epochs: result.epochs,
    anomalies: result.anomalies,
  };
  const dynamics: RecordedDynamics | null = result.dynamics
    ? {
        id: result.runId,
        dynamics: result.dynamics,
        batchIndex: result.batchIndex,
        trainRows: result.trainRows,
        valRows: result.valRows,
        modelSpec: result.modelSpec,
        standardization: result.standardization,
      }
    : null;
  const final = finalOf(result.epochs[result.epochs.length - 1]);
  const fields = {
    ...record,
    backend: result.backend,
    updatedAt: now,
    stepsDone: result.batches.loss.length,
    epochsDone: result.epochs.length,
    elapsedMs: result.elapsedMs,
    anomalyCount: result.anomalies.length,
    final,
    // The worker's list is the truth: sorted, distinct, within the dataset.
    ...(result.excludedRows.length ? { excludedRows: result.excludedRows } : {}),
  };
  switch (result.status) {
    case 'completed':
      if (dynamics && final) {
        return {
          record: { ...fields, status: 'done', message: null, final, hasDynamics: true },
          curves,
          dynamics,
        };
      }
      // Every epoch finished, so both are there; a run without them is stored as what it is, not as done.
      return {
        record: {
          ...fields,
          status: 'failed',
          message: 'The run ended without recording its dynamics.',
          hasDynamics: dynamics !== null,
        },
        curves,
        dynamics,
      };
    case 'cancelled':
      return {
        record: { ...fields, status: 'cancelled', message: 'Cancelled.', hasDynamics: dynamics !== null },
        curves,
        dynamics,
      };
    case 'non-finite':
      return {
        record: {
          ...fields,
          status: 'failed',
          message: result.message ?? 'Training stopped on a non-finite value.',
          hasDynamics: dynamics !== null,
        },
        curves,
        dynamics,
      };
    default:
      return result.status satisfies never;
  }
}
