/**
 * A stored run, in-process over a real IndexedDB implementation (fake-indexeddb, in Node) on tfjs's CPU backend: the
 * train service reads the dataset by id and stores the run itself (record, curves, dynamics), telling the page each
 * record it stored; it names rows and reads validation accuracy from what it stored.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetId, RunId } from '../app/db/ids';
import { firstRunRecord, type LiveRunRecord, type RunRecord } from '../app/db/run-schema';
import { DEFAULT_ANOMALY_THRESHOLDS } from './core/anomaly/types';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/trainer';
import type { TrainSettings } from './core/train/types';
import { cpuOnly } from './test-backends';
import { storeSynthetic } from './test-database';
import type { StoredRunMessage } from './train.api';
import { createTrainService } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const settings: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  hidden: [8],
  epochs: 3,
  batchSize: 16,
  learningRate: 0.01,
};

const backend = { probes: [{ backend: 'cpu' as const, available: true, probeMs: 1 }], override: null };

/** The first record of a run of dataset `ds-1`, as the page makes it. */
function firstRecord(id: string, overrides: Partial<LiveRunRecord> = {}): LiveRunRecord {
  const start = {
    id: id as RunId,
    datasetId: 'ds-1' as DatasetId,
    settings,
    thresholds: DEFAULT_ANOMALY_THRESHOLDS,
  };
  return { ...firstRunRecord(start, 1), ...overrides };
}

const shape = { rows: 200, features: 6, classes: 3, seed: 7 };

describe('stored run (train worker over IndexedDB)', () => {
  it('reads the dataset by id, stores the run as it trains and at its end, and tells the page each record', async () => {
    const { stores } = await storeSynthetic('train-store-a', shape);
    const service = createTrainService(cpuOnly, { progressIntervalMs: 0 });
    const messages: StoredRunMessage[] = [];
    const outcome = await service.trainStored(
      { dbName: 'train-store-a', record: firstRecord('run-a'), backend },
      (m) => messages.push(m),
    );
    expect(outcome.storeError).toBeNull();
    expect(outcome.record.status).toBe('done');
    if (outcome.record.status !== 'done') return;
    // 200 rows: a stratified 20% leaves 161 for training, in 11 batches of ≤ 16, for 3 epochs.
    expect(outcome.record).toMatchObject({ trainRows: 161, valRows: 39, totalSteps: 33, stepsDone: 33 });
    expect(outcome.record.epochsDone).toBe(3);
    expect(outcome.record.backend.backend).toBe('cpu');
    expect(outcome.tensors?.after).toBe(outcome.tensors?.before);

    // What the page was told it stored: first the running record, last the done one; a save at each epoch's end.
    const saved = messages.flatMap((m) => (m.kind === 'saved' ? [m.record] : []));
    expect(saved[0]?.status).toBe('running');
    expect(saved[saved.length - 1]).toEqual(outcome.record);
    const epochsSeen = new Set(saved.map((r) => r.epochsDone));
    for (const e of [0, 1, 2, 3]) expect(epochsSeen.has(e)).toBe(true);

    // What IndexedDB holds: the same record, every batch point, and the dynamics of all 200 rows.
    expect(await stores.runs.getRun('run-a' as RunId)).toEqual(outcome.record);
    const curves = await stores.runs.getCurves('run-a' as RunId);
    expect(curves?.steps).toBe(33);
    expect(curves?.loss).toEqual(outcome.curves.loss);
    const progress = messages.flatMap((m) => (m.kind === 'progress' ? Array.from(m.batches.loss) : []));
    expect(Float32Array.from(progress)).toEqual(curves?.loss);
    const stored = await stores.runs.getDynamics('run-a' as RunId);
    expect(stored?.dynamics?.samples).toBe(200);
    expect(stored?.dynamics?.epochs).toBe(3);
    expect(stored?.trainRows.length).toBe(161);

    // Validation accuracy from the stored dynamics agrees with the trainer's last epoch report.
    const accuracy = await service.validationAccuracy('train-store-a', 'run-a' as RunId);
    expect(accuracy?.counts.reduce((a, n) => a + n, 0)).toBe(39);
    expect(accuracy?.overall).toBeCloseTo(outcome.record.final.valAccuracy, 6);
    expect(await service.validationAccuracy('train-store-a', 'run-none' as RunId)).toBeNull();
  }, 60_000);

  it('names the rows of a batch with their ids and class codes, read in the worker', async () => {
    const { ids, data } = await storeSynthetic('train-store-b', shape);
    const service = createTrainService(cpuOnly);
    const rows = Int32Array.from([0, 5, 199, 400]);
    const named = await service.samplesOf({ dbName: 'train-store-b', datasetId: 'ds-1' as DatasetId }, rows);
    expect(named).toEqual([
      { row: 0, id: ids[0], label: data.labels[0] },
      { row: 5, id: ids[5], label: data.labels[5] },
      { row: 199, id: ids[199], label: data.labels[199] },
      { row: 400, id: 'row-400', label: -1 },
    ]);
    await expect(
      service.samplesOf({ dbName: 'train-store-b', datasetId: 'ds-gone' as DatasetId }, rows),
    ).rejects.toThrow('no longer stored');
  });

  it('stores a pause as it happens, and a cancelled run with the epochs it finished', async () => {
    const { stores } = await storeSynthetic('train-store-c', shape);
    const service = createTrainService(cpuOnly, { progressIntervalMs: 0, yieldIntervalMs: 0 });
    const saved: RunRecord[] = [];
    const id = 'run-c' as RunId;
    const done = service.trainStored(
      {
        dbName: 'train-store-c',
        record: firstRecord(id, { settings: { ...settings, epochs: 60 } }),
        backend,
      },
      (m) => {
        if (m.kind === 'saved') saved.push(m.record);
      },
    );
    const until = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 2));
    };
    await until(() => saved.some((r) => r.epochsDone >= 1));
    await service.pause(id);
    await until(() => saved.some((r) => r.status === 'paused'));
    expect((await stores.runs.getRun(id))?.status).toBe('paused');
    await service.resume(id);
    await until(() => saved[saved.length - 1]?.status === 'running');
    await service.cancel(id);
    const outcome = await done;
    expect(outcome.record.status).toBe('cancelled');
    expect(outcome.record.message).toBe('Cancelled.');
    expect(outcome.record.hasDynamics).toBe(true);
    const stored = await stores.runs.getDynamics(id);
    expect(stored?.dynamics?.epochs).toBe(outcome.record.epochsDone);
    expect((await stores.runs.getRun(id))?.status).toBe('cancelled');
  }, 60_000);

  it('stores a run whose dataset is gone, or whose settings are refused, as failed with the reason', async () => {
    const { stores } = await storeSynthetic('train-store-d', shape);
    const service = createTrainService(cpuOnly);
    const gone = await service.trainStored(
      {
        dbName: 'train-store-d',
        record: firstRecord('run-gone', { datasetId: 'ds-gone' as DatasetId }),
        backend,
      },
      () => undefined,
    );
    expect(gone.record).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('no longer stored'),
    });
    expect(gone.tensors).toBeNull();
    expect((await stores.runs.getRun('run-gone' as RunId))?.status).toBe('failed');
    const bad = await service.trainStored(
      {
        dbName: 'train-store-d',
        record: firstRecord('run-bad', { settings: { ...settings, epochs: 0 } }),
        backend,
      },
      () => undefined,
    );
    expect(bad.record).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('epochs must be ≥ 1'),
    });
    expect(await stores.runs.getRun('run-bad' as RunId)).toEqual(bad.record);
    expect(await stores.runs.getDynamics('run-bad' as RunId)).toBeUndefined();
  });

  it('leaves the excluded rows of a retrain out and stores the rows it left out', async () => {
    const { stores } = await storeSynthetic('train-store-e', shape);
    const service = createTrainService(cpuOnly);
    const excludedRows = Int32Array.from([3, 9, 150]);
    const outcome = await service.trainStored(
      {
        dbName: 'train-store-e',
        record: firstRecord('run-e', { excludedRows, retrainOf: 'run-a' as RunId }),
        backend,
      },
      () => undefined,
    );
    expect(outcome.record.status).toBe('done');
    const stored = await stores.runs.getRun('run-e' as RunId);
    expect(Array.from(stored?.excludedRows ?? [])).toEqual([3, 9, 150]);
    expect(stored?.retrainOf).toBe('run-a');
    const dynamics = (await stores.runs.getDynamics('run-e' as RunId))?.dynamics;
    expect(dynamics?.samples).toBe(197);
    expect(Array.from(dynamics?.sampleRows ?? []).some((r) => [3, 9, 150].includes(r))).toBe(false);
  }, 60_000);
});
