import { describe, expect, it } from 'vitest';
import type { DatasetId, RunId } from '../app/db/ids';
import { failedRun, firstRunRecord, type LiveRunRecord } from '../app/db/run-schema';
import { DEFAULT_ANOMALY_THRESHOLDS } from './core/anomaly/types';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/trainer';
import type { TrainingDynamics } from './core/train/types';
import { finishedRun, progressedRun } from './run-records';
import type { RunProgress, TrainResult } from './train.api';

const live: LiveRunRecord = {
  ...firstRunRecord(
    {
      id: 'run-1' as RunId,
      datasetId: 'ds-1' as DatasetId,
      settings: DEFAULT_TRAIN_SETTINGS,
      thresholds: DEFAULT_ANOMALY_THRESHOLDS,
    },
    1,
  ),
  trainRows: 8,
  valRows: 2,
  totalSteps: 4,
  stepsPerEpoch: 2,
};

const epoch = { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.9, valLoss: 0.6, valAccuracy: 0.8 };

/** A worker result with `status`, two epochs' reports, and dynamics unless `dynamics` is false. */
function result(status: TrainResult['status'], dynamics = true, message: string | null = null): TrainResult {
  return {
    runId: live.id,
    status,
    message,
    backend: { backend: 'cpu', reason: 'test' },
    settings: DEFAULT_TRAIN_SETTINGS,
    dynamics: dynamics ? ({ samples: 10 } as TrainingDynamics) : null,
    epochs: [{ ...epoch, epoch: 0 } as TrainResult['epochs'][number], epoch as TrainResult['epochs'][number]],
    anomalies: [],
    batches: { steps: Int32Array.from([0, 1, 2]), loss: new Float32Array(3), gradNorm: new Float32Array(3) },
    batchIndex: { samples: 8, epochs: 2, stepsPerEpoch: 2, steps: 3, order: new Int32Array(16) },
    trainRows: new Int32Array(8),
    valRows: new Int32Array(2),
    excludedRows: Int32Array.from([4]),
    modelSpec: { kind: 'mlp', featureCount: 2, classCount: 2, hidden: [4] },
    standardization: { mean: new Float32Array(2), std: new Float32Array(2) },
    elapsedMs: 12,
    tensors: { before: 0, after: 0 },
  };
}

describe('run records', () => {
  it('stores a completed run as done with its backend, last epoch and dynamics', () => {
    const ended = finishedRun(live, result('completed'), 5);
    expect(ended.record).toMatchObject({
      status: 'done',
      message: null,
      hasDynamics: true,
      stepsDone: 3,
      epochsDone: 2,
      elapsedMs: 12,
      updatedAt: 5,
      final: epoch,
      backend: { backend: 'cpu' },
    });
    expect(Array.from(ended.record.excludedRows ?? [])).toEqual([4]);
    expect(ended.dynamics?.trainRows.length).toBe(8);
    expect(ended.curves.steps).toBe(3);
  });

  it('never stores a completed run without dynamics as done', () => {
    const ended = finishedRun(live, result('completed', false), 5);
    expect(ended.record.status).toBe('failed');
    expect(ended.record.message).toContain('without recording its dynamics');
    expect(ended.dynamics).toBeNull();
  });

  it('stores a cancelled run with what it recorded, and a non-finite stop as failed with its message', () => {
    const cancelled = finishedRun(live, result('cancelled', false), 5);
    expect(cancelled.record).toMatchObject({
      status: 'cancelled',
      message: 'Cancelled.',
      hasDynamics: false,
    });
    const stopped = finishedRun(live, result('non-finite', true, 'The loss is NaN.'), 5);
    expect(stopped.record).toMatchObject({
      status: 'failed',
      message: 'The loss is NaN.',
      hasDynamics: true,
    });
  });

  it('follows a live run: paused or running, its counts and last epoch', () => {
    const progress = { stepsDone: 2, elapsedMs: 7, paused: true } as RunProgress;
    const paused = progressedRun(live, progress, { epochs: 1, anomalies: 3, last: epoch as never }, 9);
    expect(paused).toMatchObject({
      status: 'paused',
      stepsDone: 2,
      epochsDone: 1,
      anomalyCount: 3,
      final: epoch,
    });
    const running = progressedRun(
      paused,
      { ...progress, paused: false },
      { epochs: 1, anomalies: 3, last: undefined },
      10,
    );
    expect(running.status).toBe('running');
    expect(running.final).toBeNull();
  });

  it('fails any run with a reason, keeping whether it has dynamics and saying which backend crashed', () => {
    const done = finishedRun(live, result('completed'), 5).record;
    const failed = failedRun(done, 'The worker stopped.', 8, { backend: 'webgl' });
    expect(failed).toMatchObject({ status: 'failed', message: 'The worker stopped.', hasDynamics: true });
    expect(failed.crash).toEqual({ backend: 'webgl' });
    expect(failedRun(live, 'x', 8).crash).toBeUndefined();
  });
});
