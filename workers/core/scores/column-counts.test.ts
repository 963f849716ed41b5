import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { distinctCounts, mergeCounts } from './column-counts';

/** The counts by a plain tally: each non-NaN value as Float32 with how many cells hold it, ascending. */
function tally(cells: readonly number[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const c of cells) {
    const v = Math.fround(c);
    if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]);
}

const pairs = (c: { values: Float32Array; counts: Int32Array }) =>
  [...c.values].map((v, i) => [v, c.counts[i]] as [number, number]);

describe('distinctCounts', () => {
  it('lists the distinct values ascending with their counts, leaving NaN out', () => {
    const c = distinctCounts(Float32Array.from([3, 1, Number.NaN, 3, 2, 3, Number.NaN, 1]));
    expect(pairs(c)).toEqual([
      [1, 2],
      [2, 1],
      [3, 3],
    ]);
  });
});

describe('mergeCounts', () => {
  it('gives the counts of the joined column on random columns with ties, NaN and infinities', () => {
    const r = createRng(7);
    const rng = () => r.next();
    for (let t = 0; t < 40; t++) {
      const pick = () => {
        const u = rng();
        if (u < 0.05) return Number.NaN;
        if (u < 0.08) return u < 0.065 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        return Math.floor(rng() * (t % 2 ? 6 : 300)) / 4 - 1;
      };
      const base = Array.from({ length: 1 + Math.floor(rng() * 200) }, pick);
      const extra = Array.from({ length: Math.floor(rng() * 30) }, pick);
      const merged = mergeCounts(distinctCounts(Float32Array.from(base)), Float32Array.from(extra));
      expect(pairs(merged)).toEqual(tally([...base, ...extra]));
    }
  });

  it('keeps values only one side holds, below, between and above the other side', () => {
    const merged = mergeCounts(distinctCounts(Float32Array.from([2, 2, 4])), Float32Array.from([5, 1, 3, 4]));
    expect(pairs(merged)).toEqual([
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 2],
      [5, 1],
    ]);
    expect(pairs(mergeCounts(distinctCounts(new Float32Array(0)), Float32Array.from([1, 1])))).toEqual([
      [1, 2],
    ]);
    expect(pairs(mergeCounts(distinctCounts(Float32Array.from([1])), new Float32Array(0)))).toEqual([[1, 1]]);
  });

  it('writes zero as -0 when either side holds -0, as a sort of the joined column does', () => {
    const fromBase = mergeCounts(distinctCounts(Float32Array.from([-0, 1])), Float32Array.from([0, 0]));
    const fromExtra = mergeCounts(distinctCounts(Float32Array.from([0, 1])), Float32Array.from([-0]));
    const neither = mergeCounts(distinctCounts(Float32Array.from([0])), Float32Array.from([0]));
    expect(Object.is(fromBase.values[0], -0)).toBe(true);
    expect(Object.is(fromExtra.values[0], -0)).toBe(true);
    expect(Object.is(neither.values[0], 0)).toBe(true);
    expect([fromBase.counts[0], fromExtra.counts[0], neither.counts[0]]).toEqual([3, 2, 2]);
    const joined = distinctCounts(Float32Array.from([0, 1, -0]));
    expect(Object.is(joined.values[0], -0)).toBe(true);
  });
});
