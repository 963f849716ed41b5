import { beforeEach, describe, expect, it } from 'vitest';
import { familiesOf, percentileRank, perRowXY, reasonFor, reviewColumns, scoredSampleRows } from './columns';

describe('review columns', () => {
  // Five dataset rows; the run scored four of them (row 2 was left out), in dataset order.
  const sampleRows = Int32Array.from([0, 1, 3, 4]);
  // Built in beforeEach, not when the file is collected: Stryker switches a mutant on only while tests run.
  let cols: ReturnType<typeof reviewColumns>;
  beforeEach(() => {
    cols = reviewColumns({
      rows: 5,
      ids: ['a', 'b', 'c', 'd', 'e'],
      labels: Int32Array.from([0, 1, 0, 1, 0]),
      sampleRows,
      suggested: Int32Array.from([-1, 0, -1, 1]),
      suspicion: Float32Array.from([0.1, 0.9, 0.3, 0.5]),
      flags: [Uint8Array.from([0, 1, 0, 1]), Uint8Array.from([0, 1, 1, 0])],
      labelIssue: Uint8Array.from([0, 1, 0, 0]),
      anomalousRows: [4, 7, -1],
      scores: { aum: Float32Array.from([1, 2, 3, 4]) },
    });
  });

  it('spreads sample values over dataset rows, leaving out rows empty', () => {
    expect([...cols.suspicion]).toEqual([
      Math.fround(0.1),
      Math.fround(0.9),
      Number.NaN,
      Math.fround(0.3),
      Math.fround(0.5),
    ]);
    expect([...cols.suggested]).toEqual([-1, 0, -1, -1, 1]);
    expect([...cols.labelIssue]).toEqual([0, 1, 0, 0, 0]);
    expect([...(cols.numeric.aum ?? [])]).toEqual([1, 2, Number.NaN, 3, 4]);
  });

  it('sets bit f for each family that flagged a row, and marks only anomalous rows inside the dataset', () => {
    expect([...cols.flagBits]).toEqual([0, 0b11, 0, 0b10, 0b01]);
    expect([...cols.anomalous]).toEqual([0, 0, 0, 0, 1]);
  });

  it('places points at their dataset rows', () => {
    expect([...perRowXY(3, Int32Array.from([2, 0]), [5, 6], [7, 8])]).toEqual([
      6,
      8,
      Number.NaN,
      Number.NaN,
      5,
      7,
    ]);
  });

  it('takes the record’s sample order, else the run’s, else every row in order', () => {
    const stored = Int32Array.from([3, 4]);
    const run = Int32Array.from([0, 2]);
    expect(scoredSampleRows(2, stored, run)).toBe(stored);
    expect(scoredSampleRows(2, Int32Array.from([1]), run)).toBe(run);
    expect([...scoredSampleRows(3, null, run)]).toEqual([0, 1, 2]);
  });

  it('ranks a value among sorted values and names the families of a selection', () => {
    const sorted = Float32Array.from([1, 2, 2, 3]);
    expect(percentileRank(sorted, 2)).toBe(0.25);
    expect(percentileRank(sorted, 3.5)).toBe(1);
    expect(familiesOf(0b101, ['trajectory', 'influence', 'embedding'])).toEqual(['trajectory', 'embedding']);
    expect(reasonFor(cols.flagBits, [0, 3], ['trajectory', 'influence'])).toBe('influence');
    expect(reasonFor(cols.flagBits, [0], ['trajectory', 'influence'])).toBe('');
  });

  // Issue 16 (mutation testing).
  it('marks dataset row 0 as anomalous, and joins the families of a selection with commas', () => {
    const first = reviewColumns({
      rows: 2,
      ids: ['a', 'b'],
      labels: Int32Array.from([0, 1]),
      sampleRows: Int32Array.from([0, 1]),
      suggested: Int32Array.from([-1, -1]),
      suspicion: Float32Array.from([0.1, 0.2]),
      flags: [],
      labelIssue: new Uint8Array(2),
      anomalousRows: [0],
      scores: {},
    });
    expect([...first.anomalous]).toEqual([1, 0]);
    expect(reasonFor(cols.flagBits, [1, 4], ['trajectory', 'influence'])).toBe('trajectory, influence');
  });
});
