/**
 * A stored scoring, in-process over a real IndexedDB implementation (fake-indexeddb, in Node) on tfjs's CPU backend:
 * the score service reads the run's dynamics and the dataset by id, stores the scoring itself, and answers the panel
 * with views that carry no per-sample array (summary and named top suspects); a recombination is stored there too.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetId, RunId, ScoreJobId } from '../app/db/ids';
import { firstRunRecord } from '../app/db/run-schema';
import type { RunningScoreRecord } from '../app/db/score-schema';
import { DEFAULT_ANOMALY_THRESHOLDS } from './core/anomaly/types';
import { resolveScoreParams, type ScoreParamsInput } from './core/scores/defaults';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/trainer';
import { createScoreService } from './score.service';
import { scoredImage } from './score-store';
import { cpuOnly } from './test-backends';
import { storeSynthetic } from './test-database';
import { createTrainService } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const backend = { probes: [{ backend: 'cpu' as const, available: true, probeMs: 1 }], override: null };
const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [8], epochs: 2, batchSize: 32, learningRate: 0.01 };
const params: ScoreParamsInput = { seed: 3, knn: { k: 5 }, suspicion: { q: 0.1 } };

/** Stores dataset `ds-1` of `dbName` and trains run `run-1` on it through the train worker's stored path. */
async function trainedRun(dbName: string) {
  const stored = await storeSynthetic(dbName, { rows: 120, features: 5, classes: 3, seed: 11 });
  const start = { id: 'run-1' as RunId, datasetId: 'ds-1' as DatasetId, settings };
  const trained = await createTrainService(cpuOnly, { progressIntervalMs: 0 }).trainStored(
    { dbName, record: firstRunRecord({ ...start, thresholds: DEFAULT_ANOMALY_THRESHOLDS }, 1), backend },
    () => undefined,
  );
  expect(trained.record.status).toBe('done');
  return stored;
}

/** A scoring's first record, as the page makes it. */
function firstScore(id: string, runId = 'run-1'): RunningScoreRecord {
  return {
    id: id as ScoreJobId,
    runId: runId as RunId,
    datasetId: 'ds-1' as DatasetId,
    createdAt: 5,
    updatedAt: 5,
    status: 'running',
    message: null,
    params: resolveScoreParams(params),
    crossVal: { folds: 2, epochs: 1 },
    backend: null,
  };
}

describe('stored scoring (score worker over IndexedDB)', () => {
  it('reads the run and dataset by id, stores the score set, and answers with a summary and named suspects', async () => {
    const { stores, ids, data } = await trainedRun('score-store-a');
    const service = createScoreService(cpuOnly);
    const fractions: number[] = [];
    const view = await service.scoreStored(
      { dbName: 'score-store-a', record: firstScore('score-a'), params, backend },
      (p) => fractions.push(p.fraction),
    );
    expect(view.status).toBe('done');
    if (view.status !== 'done') return;
    expect(fractions.length).toBeGreaterThan(2);
    // The view has no per-sample arrays: only its summary and the top suspects.
    expect(Object.keys(view)).not.toContain('scoreSet');
    expect(Object.keys(view)).not.toContain('sampleRows');
    expect(view.samples).toBe(120);
    expect(view.backend.backend).toBe('cpu');

    const stored = await stores.scores.get('score-a' as ScoreJobId);
    expect(stored?.status).toBe('done');
    if (stored?.status !== 'done') return;
    expect(stored.scoreSet.samples).toBe(120);
    expect(stored.sampleRows.length).toBe(120);
    // Each suspect is the summary's top sample, named by its dataset row's id and label, with its stored suspicion.
    expect(view.suspects.map((s) => s.sample)).toEqual(Array.from(stored.summary.top));
    for (const s of view.suspects) {
      expect(s.row).toBe(stored.sampleRows[s.sample]);
      expect(s.id).toBe(ids[s.row]);
      expect(s.label).toBe(data.labels[s.row]);
      expect(s.suspicion).toBe(stored.scoreSet.suspicion[s.sample]);
      for (const f of s.flaggedBy) expect(stored.scoreSet.flags[f][s.sample]).toBe(1);
    }

    // The panel's question: the run's newest and newest finished scoring.
    const shown = await service.scoringsOf('score-store-a', 'run-1' as RunId);
    expect(shown.latest?.id).toBe('score-a');
    expect(shown.done?.suspects).toEqual(view.suspects);

    // A new q is recombined and stored in the worker; the view says so.
    const recombined = await service.recombineStored('score-store-a', 'score-a' as ScoreJobId, {
      weights: view.params.suspicion.weights,
      q: 0.3,
    });
    expect(recombined?.params.suspicion.q).toBe(0.3);
    const after = await stores.scores.get('score-a' as ScoreJobId);
    expect(after?.params.suspicion.q).toBe(0.3);
    expect(after?.status === 'done' && after.scoreSet.params.suspicion.q).toBe(0.3);
    // A larger q flags more samples per family.
    expect(recombined?.summary.flaggedAny).toBeGreaterThan(view.summary.flaggedAny);
    expect(
      await service.recombineStored('score-store-a', 'score-none' as ScoreJobId, {
        weights: view.params.suspicion.weights,
        q: 0.2,
      }),
    ).toBeNull();
  }, 120_000);

  it('stores a scoring of a run without dynamics as failed, with the reason', async () => {
    const { stores } = await storeSynthetic('score-store-b', { rows: 40, features: 3, classes: 2, seed: 2 });
    const service = createScoreService(cpuOnly);
    const view = await service.scoreStored(
      { dbName: 'score-store-b', record: firstScore('score-b', 'run-none'), params, backend },
      () => undefined,
    );
    expect(view).toMatchObject({
      status: 'failed',
      message: 'This run recorded no dynamics: train it to the end first.',
    });
    expect((await stores.scores.get('score-b' as ScoreJobId))?.status).toBe('failed');
  });

  it('stores a scoring cancelled before it started as cancelled', async () => {
    const { stores } = await trainedRun('score-store-c');
    const service = createScoreService(cpuOnly);
    await service.cancel('score-c' as ScoreJobId);
    const view = await service.scoreStored(
      { dbName: 'score-store-c', record: firstScore('score-c'), params, backend },
      () => undefined,
    );
    expect(view.status).toBe('cancelled');
    expect((await stores.scores.get('score-c' as ScoreJobId))?.status).toBe('cancelled');
    expect((await service.scoringsOf('score-store-c', 'run-1' as RunId)).done).toBeNull();
  }, 60_000);
});

describe('scoredImage', () => {
  const square = { width: 8, height: 8 };
  it('gives the shape of an image dataset whatever the model, and of square CSV rows only for the CNN', () => {
    expect(scoredImage({ image: { ...square, channels: 3 }, images: {} }, 'mlp')).toEqual({
      image: { ...square, channels: 3 },
    });
    expect(scoredImage({ image: square }, 'cnn')).toEqual({ image: square });
    expect(scoredImage({ image: square }, 'mlp')).toEqual({});
    expect(scoredImage({ image: null }, 'cnn')).toEqual({});
  });
});
