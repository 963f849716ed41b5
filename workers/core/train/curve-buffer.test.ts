import { describe, expect, it } from 'vitest';
import { CurveBuffer } from './curve-buffer';
import type { EpochReport } from './train-report';

const points = (steps: number[], base: number) => ({
  steps: Int32Array.from(steps),
  loss: Float32Array.from(steps, (s) => base + s),
  gradNorm: Float32Array.from(steps, (s) => 2 * (base + s)),
});

describe('curve buffer', () => {
  it('places points by step, keeps the highest step seen, and ignores steps beyond the plan', () => {
    const buffer = new CurveBuffer<string>();
    buffer.plan(5);
    expect(buffer.append(points([0, 1], 10), [], [])).toBe(false);
    // A lost message (steps 2-3) leaves a hole; later points keep their place.
    buffer.append(points([4, 7], 10), [], ['spike']);
    expect(buffer.steps).toBe(5);
    expect(Array.from(buffer.loss)).toEqual([10, 11, 0, 0, 14]);
    expect(Array.from(buffer.gradNorm)).toEqual([20, 22, 0, 0, 28]);
    expect(buffer.anomalies).toEqual(['spike']);
  });

  it('says when an epoch ended, gives new epoch and anomaly arrays only when they grow, and snapshots trimmed copies', () => {
    const buffer = new CurveBuffer<number>();
    buffer.plan(10);
    const epoch = { epoch: 0, trainLoss: 1, valAccuracy: 0.5 } as EpochReport;
    const epochsBefore = buffer.epochs;
    expect(buffer.append(points([0, 1, 2], 1), [epoch], [7])).toBe(true);
    expect(buffer.epochs).not.toBe(epochsBefore);
    const epochs = buffer.epochs;
    const anomalies = buffer.anomalies;
    buffer.append(points([3], 1), [], []);
    expect(buffer.epochs).toBe(epochs);
    expect(buffer.anomalies).toBe(anomalies);
    expect(buffer.lastEpoch()).toBe(epoch);
    const snap = buffer.snapshot();
    expect(snap.steps).toBe(4);
    expect(Array.from(snap.loss)).toEqual([1, 2, 3, 4]);
    // A copy: later points do not change what was stored.
    buffer.append(points([1], 100), [], []);
    expect(snap.loss[1]).toBe(2);
  });

  it('keeps the points it has when planned again', () => {
    const buffer = new CurveBuffer<never>();
    buffer.plan(3);
    buffer.append(points([0, 1, 2], 5), [], []);
    buffer.plan(2);
    expect(buffer.steps).toBe(2);
    expect(Array.from(buffer.loss)).toEqual([5, 6]);
  });

  it('starts empty, drops a step equal to the plan, and snapshots the gradient norms trimmed too', () => {
    const buffer = new CurveBuffer<string>();
    expect(buffer.epochs).toEqual([]);
    expect(buffer.lastEpoch()).toBeUndefined();
    buffer.plan(3);
    // Step 3 is one past the last planned step (0-2): not recorded, and the count of points stays 2.
    buffer.append(points([0, 1, 3], 1), [], []);
    expect(buffer.steps).toBe(2);
    const snap = buffer.snapshot();
    expect(Array.from(snap.loss)).toEqual([1, 2]);
    expect(Array.from(snap.gradNorm)).toEqual([2, 4]);
  });
});
