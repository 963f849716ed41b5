/**
 * The lifted groups of shared values as a score set keeps them (shared-groups.ts), and the groups that
 * liftedGroupRows and the shared-values passes hand out (spike-groups.ts, shared-values.ts). Expected values are read
 * off the hand-built table of test-spike-groups.ts.
 */
import { describe, expect, it } from 'vitest';
import { groupOf, groupsInSampleOrder, largestFirst } from './shared-groups';
import { DEFAULT_SHARED_VALUES, sharedValuesInSampleOrder, sharedValuesWithCanaries } from './shared-values';
import { liftedGroupRows } from './spike-groups';
import { table } from './test-spike-groups';
import type { SharedValueGroup } from './types';

const group = (rows: number[], label = 1): SharedValueGroup => ({
  rows,
  columns: [4, 7],
  label,
  labelled: rows.length,
  checked: rows.length,
  explained: 0,
});

describe('the groups a score set keeps', () => {
  it('orders them largest first, equal sizes by their first row', () => {
    const a = group([9, 12]);
    const b = group([1, 2, 3]);
    const c = group([4, 5]);
    expect(largestFirst([a, b, c])).toEqual([b, c, a]);
    // Equal sizes, one at row 0: ascending by first row after.
    const firsts = [4, 9, 0, 6].map((r) => group([r, r + 100]));
    expect(largestFirst(firsts).map((g) => g.rows[0])).toEqual([0, 4, 6, 9]);
  });

  it('renames data rows to samples, drops rows no sample holds and groups left empty', () => {
    // Sample i is data row local[i]: row 7 is sample 0, row 3 sample 1, row 5 sample 2.
    const out = groupsInSampleOrder(
      [group([3, 4, 7]), group([0, 1]), group([5])],
      Int32Array.from([7, 3, 5]),
    );
    expect(out.map((g) => g.rows)).toEqual([[0, 1], [2]]);
    expect(out[0]?.columns).toEqual([4, 7]);
  });

  it('finds the first group holding a sample, or none', () => {
    const groups = [group([1, 2, 3]), group([3, 8])];
    expect(groupOf(groups, 3)).toBe(groups[0]);
    expect(groupOf(groups, 8)).toBe(groups[1]);
    expect(groupOf(groups, 4)).toBeNull();
    expect(groupOf(undefined, 1)).toBeNull();
  });
});

const local = Int32Array.from({ length: 128 }, (_, i) => i);
// Sample 45 is class 1 already: relabelled 1 it is explained by its neighbours, the other nine are not. Samples
// 60-67's group is explained and class 3's holds its whole class: neither is lifted.
const nine = [5, 10, 15, 20, 45, 85, 90, 95, 100, 105];
const expected: SharedValueGroup = {
  rows: nine,
  columns: [1, 2],
  label: 1,
  labelled: 10,
  checked: 10,
  explained: 1,
};

describe('the groups handed out', () => {
  it('liftedGroupRows pushes each lifted group with its columns, label and check', () => {
    const t = table(nine);
    const found: SharedValueGroup[] = [];
    liftedGroupRows([[...nine].reverse(), [...nine]], [2, 1], t.features, 3, local, t.labels, 3, { found });
    expect(found).toEqual([expected]);
  });

  it('pushes nothing for a group that is not lifted', () => {
    // Two more rows of class 1 in the group: 3 of 12 explained, more than one in ten.
    const rows = [...nine, 50, 55];
    const t = table(rows);
    const found: SharedValueGroup[] = [];
    liftedGroupRows([rows, rows], [1, 2], t.features, 3, local, t.labels, 3, { found });
    expect(found).toEqual([]);
  });

  it('the shared-values passes hand out the lifted groups', () => {
    const t = table(nine);
    const inSampleOrder: SharedValueGroup[] = [];
    sharedValuesInSampleOrder(t.features, 3, local, DEFAULT_SHARED_VALUES, t.labels, null, inSampleOrder);
    expect(inSampleOrder).toEqual([expected]);
    const calibration: SharedValueGroup[] = [];
    sharedValuesWithCanaries(
      t.features,
      3,
      128,
      new Uint8Array(0),
      t.labels,
      DEFAULT_SHARED_VALUES,
      null,
      calibration,
    );
    expect(calibration).toEqual([expected]);
  });
});
