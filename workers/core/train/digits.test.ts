/**
 * Training on real data (../shared/datasets/digits_flip5) with the default settings, watched by the curve
 * monitor as the train worker will: issue 3's acceptance checks for the detectors on real curves.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCurveMonitor } from '../anomaly/monitor';
import { loadDevCsv } from './test-data';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from './trainer';
import type { TrainingData } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function trainWatched(data: TrainingData) {
  const monitor = createCurveMonitor();
  const before = tf.memory().numTensors;
  const result = await trainModel(data, DEFAULT_TRAIN_SETTINGS, {
    onBatch: (b) => monitor.batch(b),
    onEpoch: (e) => monitor.epoch(e),
  });
  expect(tf.memory().numTensors).toBe(before);
  return { result, anomalies: monitor.anomalies };
}

describe('digits_flip5 with default settings', () => {
  it('trains well and raises no non-finite or divergence alarm', async () => {
    const data = loadDevCsv('digits_flip5');
    expect(data.labels.length).toBe(1797);
    const { result, anomalies } = await trainWatched(data);
    expect(result.status).toBe('completed');
    expect(result.epochs.length).toBe(DEFAULT_TRAIN_SETTINGS.epochs);
    // 5% of the validation labels are flipped too, so ~95% is the ceiling.
    expect(result.epochs[result.epochs.length - 1].valAccuracy).toBeGreaterThan(0.9);
    expect(anomalies.filter((a) => a.kind === 'non-finite' || a.kind === 'divergence')).toEqual([]);
    expect(anomalies.filter((a) => a.kind === 'class-stall')).toEqual([]);
  });

  it('raises the class-stall alarm for a class with 40% of its rows relabelled', async () => {
    const data = loadDevCsv('digits_flip5');
    // Every 2nd and 3rd of each 5 rows labelled 3 (40%, deterministic) gets another digit, spread over the nine
    // others, so only class 3 loses a large share of its rows' labels.
    const target = 3;
    let k = 0;
    let relabelled = 0;
    for (let r = 0; r < data.labels.length; r++) {
      if (data.labels[r] !== target) continue;
      if (k % 5 === 1 || k % 5 === 2) {
        data.labels[r] = (target + 1 + (k % 9)) % 10;
        relabelled++;
      }
      k++;
    }
    expect(relabelled / k).toBeCloseTo(0.4, 2);
    const { result, anomalies } = await trainWatched(data);
    expect(result.status).toBe('completed');
    const stalls = anomalies.filter((a) => a.kind === 'class-stall');
    expect(stalls.map((a) => ('classIndex' in a ? a.classIndex : undefined))).toEqual([target]);
  });
});
