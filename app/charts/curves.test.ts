import { describe, expect, it } from 'vitest';
import type { EpochReport } from '../../workers/core/train/trainer';
import type { RunAnomaly } from '../../workers/train.api';
import {
  batchMarkers,
  classSeries,
  decimate,
  epochMarkers,
  epochSeries,
  ewma,
  indexRange,
  nearest,
} from './curves';

function epoch(e: number, trainLoss: number, valLoss: number, valAccuracy: number, classLoss: number[]) {
  return {
    epoch: e,
    trainLoss,
    trainAccuracy: 1 - trainLoss / 3,
    valLoss,
    valAccuracy,
    classLoss: Float32Array.from(classLoss),
    classMedianLoss: Float32Array.from(classLoss),
    learningRate: 0.01,
    elapsedMs: 100 * (e + 1),
  } satisfies EpochReport;
}

describe('ewma', () => {
  it('smooths with the given factor and carries its level through non-finite values', () => {
    const out = ewma([1, 3, Number.NaN, 5, 9], 4, 0.5);
    expect(Array.from(out)).toEqual([1, 2, 2, 3.5]);
    expect(Array.from(ewma([Number.NaN, 2], 2, 0.5))).toEqual([Number.NaN, 2]);
  });
});

describe('decimate', () => {
  it('keeps every finite point when there are few', () => {
    expect(decimate([3, Number.NaN, 1], 0, 3, 10)).toEqual([
      [0, 3],
      [2, 1],
    ]);
  });

  it('keeps the minimum and maximum of each column in index order, so a spike survives', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1 + (i % 2) * 0.01);
    values[637] = 50;
    const out = decimate(values, 0, 1000, 100);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toContainEqual([637, 50]);
    for (let k = 1; k < out.length; k++) expect(out[k]?.[0]).toBeGreaterThan(out[k - 1]?.[0] ?? Number.NaN);
    expect(Math.min(...out.map((p) => p[1]))).toBe(1);
  });

  it('decimates only the zoomed range', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    expect(decimate(values, 10, 14, 50)).toEqual([
      [10, 10],
      [11, 11],
      [12, 12],
      [13, 13],
    ]);
    expect(indexRange([10.4, 12.6], 100)).toEqual([10, 14]);
    expect(indexRange(null, 7)).toEqual([0, 7]);
    expect(indexRange([200, 300], 7)).toEqual([0, 7]);
  });
});

describe('markers', () => {
  const spike: RunAnomaly = {
    kind: 'loss-spike',
    epoch: 0,
    batch: 5,
    step: 5,
    value: 4,
    baseline: 1,
    magnitude: 6,
    message: 'spike',
    sampleRows: new Int32Array([1, 2]),
    elapsedMs: 10,
  };
  const stop: RunAnomaly = { ...spike, kind: 'non-finite', step: 8, value: Number.NaN, message: 'nan' };
  const grad: RunAnomaly = { ...spike, kind: 'grad-spike', step: 6, value: 9, message: 'grad' };

  it('puts batch anomalies on their own chart, a non-finite stop at the last finite point', () => {
    const loss = [2, 2, 2, 2, 2, 4, 1.5, 1.2];
    expect(batchMarkers([spike, grad, stop], 'loss', loss, 8)).toEqual([
      { x: 5, y: 4, kind: 'loss-spike', label: 'spike', anomaly: 0 },
      { x: 8, y: 1.2, kind: 'non-finite', label: 'nan', anomaly: 2 },
    ]);
    expect(batchMarkers([spike, grad, stop], 'gradNorm', loss, 8)).toEqual([
      { x: 6, y: 9, kind: 'grad-spike', label: 'grad', anomaly: 1 },
    ]);
  });

  it('puts epoch anomalies on the epoch charts at the flagged value', () => {
    const epochs = [epoch(0, 2, 2.1, 0.5, [1, 3]), epoch(1, 1, 2.5, 0.4, [0.5, 3.2])];
    const anomalies: RunAnomaly[] = [
      { kind: 'validation-drop', epoch: 1, magnitude: 0.1, message: 'drop', elapsedMs: 1 },
      { kind: 'divergence', epoch: 1, magnitude: 0.2, message: 'div', elapsedMs: 1 },
      { kind: 'class-stall', epoch: 1, magnitude: 6, message: 'stall', classIndex: 1, elapsedMs: 1 },
    ];
    expect(epochMarkers(anomalies, epochs, 'accuracy')).toEqual([
      { x: 2, y: 0.4, kind: 'validation-drop', label: 'drop', anomaly: 0 },
    ]);
    expect(epochMarkers(anomalies, epochs, 'loss')).toEqual([
      { x: 2, y: 2.5, kind: 'divergence', label: 'div', anomaly: 1 },
    ]);
    expect(epochMarkers(anomalies, epochs, 'class')).toEqual([
      { x: 2, y: Math.fround(3.2), kind: 'class-stall', label: 'stall', anomaly: 2 },
    ]);
  });
});

describe('epoch series', () => {
  const epochs = [epoch(0, 2, Number.NaN, Number.NaN, [1, 3]), epoch(1, 1, Number.NaN, Number.NaN, [0.5, 2])];

  it('numbers epochs from 1 and leaves out a missing validation split', () => {
    const [train, val] = epochSeries(epochs, 'loss');
    expect(train?.points).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(val?.points).toEqual([]);
  });

  it('gives one coloured series per class', () => {
    const series = classSeries(epochs, ['cat', 'dog'], ['red']);
    expect(series.map((s) => [s.label, s.color, s.points])).toEqual([
      [
        'cat',
        'red',
        [
          [1, 1],
          [2, 0.5],
        ],
      ],
      [
        'dog',
        'red',
        [
          [1, 3],
          [2, 2],
        ],
      ],
    ]);
  });
});

describe('nearest', () => {
  it('finds the closest x by bisection', () => {
    const pts: [number, number][] = [
      [0, 1],
      [2, 2],
      [10, 3],
    ];
    expect(nearest(pts, 1.2)).toEqual([2, 2]);
    expect(nearest(pts, 0.9)).toEqual([0, 1]);
    expect(nearest(pts, 99)).toEqual([10, 3]);
    expect(nearest([], 1)).toBeNull();
  });
});
