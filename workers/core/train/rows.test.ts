import { describe, expect, it } from 'vitest';
import { runRows, splitWithout, toDatasetRows, toSampleOrder, withoutRows } from './rows';

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

  it('leaves row 0 out when asked, and passes identity rows through', () => {
    const kept = withoutRows(data, Int32Array.from([0]));
    expect([...kept.excluded]).toEqual([0]);
    expect([...(kept.rows ?? [])]).toEqual([1, 2, 3]);
    expect([...kept.data.features]).toEqual([1, 1, 2, 2, 3, 3]);
    const local = Int32Array.from([2, 0]);
    expect(toDatasetRows(null, local)).toBe(local);
  });

  it('carries a split over to the kept rows, renumbered and sorted, without the rows left out', () => {
    // Kept dataset rows 0, 1, 3, 5 are kept rows 0-3; rows 2 and 4 were left out.
    const split = { trainRows: Int32Array.from([0, 2, 4]), valRows: Int32Array.from([5, 1, 3]) };
    const got = splitWithout(split, Int32Array.from([0, 1, 3, 5]));
    expect([...got.trainRows]).toEqual([0]);
    expect([...got.valRows]).toEqual([1, 2, 3]);
  });

  it('copies each kept row’s features to its place, refuses a negative row, and returns the data itself when all are kept', () => {
    // Rows 0 and 1 kept (rows 2 and 3, after them, are not): features [0, 0, 1, 1].
    const first = runRows(data, Int32Array.from([1, 0]));
    expect([...first.data.features]).toEqual([0, 0, 1, 1]);
    expect([...first.local]).toEqual([1, 0]);
    // Rows 0 and 3 kept: features [0, 0, 3, 3].
    expect([...runRows(data, Int32Array.from([3, 0])).data.features]).toEqual([0, 0, 3, 3]);
    // Rows 1 and 2 kept: the first kept row (1) goes to place 0, features [1, 1, 2, 2].
    expect([...runRows(data, Int32Array.from([1, 2])).data.features]).toEqual([1, 1, 2, 2]);
    expect(() => runRows(data, Int32Array.from([-1]))).toThrow(/row -1, outside the dataset's 4 rows/);
    const all = runRows(data, Int32Array.from([2, 0, 3, 1]));
    expect(all.data).toBe(data);
    expect([...all.local]).toEqual([2, 0, 3, 1]);
  });
});
