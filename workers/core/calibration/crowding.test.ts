/**
 * Crowded rows (issue 10): a group packed far closer together than the rest, on hand-made distances. The fence and
 * the gap are worked out here from the sorted log distances, not taken from the code.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { gaussian } from '../scores/test-utils';
import { crowdedRows, DEFAULT_CROWDING } from './crowding';

/** 1,000 distances, log-normal about 3 (log sd 0.2), as k-NN distances of a clean table are. */
function bulk(seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: 1000 }, () => 3 * Math.exp(0.2 * gaussian(rng)));
}

/** Q1 and the interquartile range of the log distances, by the same rounding rule as every quantile in core. */
function quartiles(values: readonly number[]): { q1: number; iqr: number } {
  const s = values.map((v) => Math.log(v)).sort((a, b) => a - b);
  const at = (q: number) => s[Math.round(q * (s.length - 1))] as number;
  return { q1: at(0.25), iqr: at(0.75) - at(0.25) };
}

describe('crowdedRows', () => {
  it('finds a tight injected group below a clear gap, and nothing in a clean bulk', () => {
    const clean = bulk(1);
    expect(crowdedRows(clean)).toBeNull();
    // 20 rows at 0.5-0.69, the bulk's smallest near 1.6: a gap of more than 2 interquartile ranges.
    const group = Array.from({ length: 20 }, (_, i) => 0.5 + 0.01 * i);
    const values = [...group, ...clean];
    const found = crowdedRows(values);
    expect(Array.from(found?.rows ?? [])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(found?.cut).toBeCloseTo(0.69, 6);
    // Any order, and a NaN or infinite distance is never crowded.
    const mixed = [
      ...clean.slice(0, 500),
      Number.NaN,
      ...group,
      Number.POSITIVE_INFINITY,
      ...clean.slice(500),
    ];
    expect(Array.from(crowdedRows(mixed)?.rows ?? [])).toEqual(Array.from({ length: 20 }, (_, i) => 501 + i));
  });

  it('reads only finite distances, takes a distance of 0 as crowded, and needs eight of them and some spread', () => {
    const clean = bulk(5);
    const group = Array.from({ length: 20 }, (_, i) => 0.5 + 0.01 * i);
    // As many NaN as rows: the quartiles come from the finite distances alone.
    const found = crowdedRows([...group, ...clean, ...new Array(1020).fill(Number.NaN)]);
    expect(found?.rows.length).toBe(20);
    // Twenty rows at distance 0 (repeats of one row): log(0) is floored at a millionth of the median, far below.
    expect(Array.from(crowdedRows([...clean, ...new Array(20).fill(0)])?.rows ?? [])).toEqual(
      Array.from({ length: 20 }, (_, i) => 1000 + i),
    );
    // Seven distances are too few to judge, eight are not (with the group and share limits opened).
    const open = { fence: 3, gap: 0.5, minRows: 1, maxShare: 0.5 };
    expect(crowdedRows([0.001, 1, 1.1, 1.2, 1.3, 1.4, 1.5], open)).toBeNull();
    expect(Array.from(crowdedRows([0.001, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6], open)?.rows ?? [])).toEqual([0]);
    // No spread in the quartiles: nothing, however far below ten rows sit.
    expect(crowdedRows([...new Array(10).fill(0.001), ...new Array(90).fill(2)])).toBeNull();
  });

  it('finds nothing where the lower tail thins out gradually, as uniform distances do', () => {
    const rng = createRng(2);
    expect(crowdedRows(Array.from({ length: 1000 }, () => rng.next()))).toBeNull();
  });

  it('needs minRows rows, at most maxShare of them, a gap of half an interquartile range and spread', () => {
    const clean = bulk(3);
    const group = (k: number) => Array.from({ length: k }, (_, i) => 0.5 + 0.01 * i);
    expect(crowdedRows([...group(7), ...clean])).toBeNull();
    expect(crowdedRows([...group(8), ...clean])?.rows.length).toBe(8);
    expect(crowdedRows([...group(20), ...clean], { ...DEFAULT_CROWDING, maxShare: 0.01 })).toBeNull();
    expect(crowdedRows([...group(20), ...clean], { ...DEFAULT_CROWDING, maxShare: 0.02 })?.rows.length).toBe(
      20,
    );
    expect(crowdedRows(new Array(100).fill(2))).toBeNull();
    expect(crowdedRows([0.5, 0.5, 0.5])).toBeNull();
    // The gap: 10 rows spaced evenly (in log) from `first` interquartile ranges above the group's top to the bulk's
    // smallest value, every step under half an interquartile range; only the first gap may reach it.
    const { iqr } = quartiles([...group(20), ...new Array(10).fill(1), ...clean]);
    const top = Math.log(0.69);
    const bottom = Math.log(Math.min(...clean));
    const ladder = (first: number) =>
      Array.from({ length: 10 }, (_, j) =>
        Math.exp(top + first * iqr + (j * (bottom - top - first * iqr)) / 10),
      );
    expect(crowdedRows([...group(20), ...ladder(0.7), ...clean])?.rows.length).toBe(20);
    expect(crowdedRows([...group(20), ...ladder(0.3), ...clean])).toBeNull();
  });

  it('takes a group only while its median lies below the lower far-out fence', () => {
    const clean = bulk(4);
    const { q1, iqr } = quartiles(clean);
    const fence = Math.exp(q1 - 3 * iqr);
    // 20 rows just under the fence, then 20 just over it, far from the bulk and from each other: the median of the
    // 20 lowest lies below the fence, that of all 40 does not, so the gap above the first 20 is the one taken.
    const low = Array.from({ length: 20 }, (_, i) => fence * (0.5 + i / 1000));
    const high = Array.from({ length: 20 }, (_, i) => fence * (1.05 + i / 1000));
    const found = crowdedRows([...low, ...high, ...clean]);
    expect(Array.from(found?.rows ?? [])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // With the fence at 6 interquartile ranges, none of them lies below it.
    expect(crowdedRows([...low, ...high, ...clean], { ...DEFAULT_CROWDING, fence: 6 })).toBeNull();
  });
});
