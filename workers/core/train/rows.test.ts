import { describe, expect, it } from 'vitest';
import { runRows, toDatasetRows, toSampleOrder, withoutRows } from './rows';

const data = {
  features: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]),
  featureCount: 2,
  labels: Int32Array.from([0, 1, 0, 1]),
  classCount: 2,
};

describe('run rows', () => {
  it('leaves excluded rows out (ignoring rows outside the data) and maps kept rows back to dataset rows', () => {
    const kept = withoutRows(data, Int32Array.from([2, 9, -1, 2]));
    expect([...kept.excluded]).toEqual([2]);
    expect([...(kept.rows ?? [])]).toEqual([0, 1, 3]);
    expect([...kept.data.features]).toEqual([0, 0, 1, 1, 3, 3]);
    expect([...kept.data.labels]).toEqual([0, 1, 1]);
    expect([...toDatasetRows(kept.rows, Int32Array.from([2, 0]))]).toEqual([3, 0]);
    expect(withoutRows(data, undefined).rows).toBeNull();
  });

  it('keeps only a run’s rows, in dataset order, and reorders probabilities to sample order', () => {
    const own = runRows(data, Int32Array.from([3, 0]));
    expect([...own.data.labels]).toEqual([0, 1]);
    expect([...own.local]).toEqual([1, 0]);
    expect(() => runRows(data, Int32Array.from([4]))).toThrow(/outside/);
    const probs = Float32Array.from([0.1, 0.9, 0.8, 0.2]);
    expect([...toSampleOrder(probs, Int32Array.from([1, 0]), 2)]).toEqual([
      Math.fround(0.8),
      Math.fround(0.2),
      Math.fround(0.1),
      Math.fround(0.9),
    ]);
  });
});
