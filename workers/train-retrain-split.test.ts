/**
 * A retraining without quarantined rows validates on the rows its base run held out (issue 13: "the same validation
 * rows before and after"): the split is drawn over the whole dataset and carried to the kept rows. Through the train
 * service in-process, tfjs CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitWithout } from './core/train/rows';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/trainer';
import type { RunId, TrainRequest } from './train.api';
import { type BackendControl, createTrainService, syntheticData } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cpu: BackendControl = {
  candidates: () => ['cpu'],
  activate: async (name) =>
    name === 'cpu' && (await tf.setBackend('cpu')) ? null : `${name} is not available`,
  webgpuAdapter: async () => null,
};

function request(runId: string, excludeRows?: Int32Array): TrainRequest {
  return {
    runId: runId as RunId,
    data: syntheticData(240, 6, 3, 11),
    settings: {
      ...DEFAULT_TRAIN_SETTINGS,
      hidden: [8],
      epochs: 2,
      batchSize: 32,
      validationFraction: 0.25,
      seed: 5,
    },
    thresholds: {},
    classNames: ['a', 'b', 'c'],
    backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: null },
    ...(excludeRows ? { excludeRows } : {}),
  };
}

describe('retrain split', () => {
  it('carries a split to the kept rows, renumbered', () => {
    const split = { trainRows: Int32Array.from([0, 2, 3, 5]), valRows: Int32Array.from([1, 4]) };
    // Rows 2 and 4 are left out: kept rows 0, 1, 3, 5 are rows 0..3 of the kept data.
    expect(splitWithout(split, Int32Array.from([0, 1, 3, 5]))).toEqual({
      trainRows: Int32Array.from([0, 2, 3]),
      valRows: Int32Array.from([1]),
    });
  });

  it('validates the retraining on the base run’s validation rows, less the left-out ones', async () => {
    const service = createTrainService(cpu, { progressIntervalMs: 50 });
    const base = await service.start(request('base'), () => undefined);
    if (base.kind !== 'finished') throw new Error('the base run did not finish');
    const baseVal = Array.from(base.result.valRows);
    // Leave out three validation rows and five training rows.
    const out = Int32Array.from([...baseVal.slice(0, 3), ...Array.from(base.result.trainRows).slice(0, 5)]);
    const retrained = await service.start(request('after', out), () => undefined);
    if (retrained.kind !== 'finished') throw new Error('the retraining did not finish');
    const left = new Set(out);
    expect(Array.from(retrained.result.valRows)).toEqual(baseVal.filter((r) => !left.has(r)));
    expect(Array.from(retrained.result.trainRows)).toEqual(
      Array.from(base.result.trainRows).filter((r) => !left.has(r)),
    );
  });
});
