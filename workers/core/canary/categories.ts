/**
 * One-hot categories of a table (issue 10): runs of adjacent 0/1 columns of which every row holds exactly one 1, as
 * the import's one-hot encoding writes them (`workclass=Private`, `workclass=State-gov`, …) and as tables encoded
 * before import hold them. A canary must hold one category of each such group, as every real row does: a fresh row
 * between two rows of other categories, a near-duplicate's noise or an outlier's uniform values would otherwise
 * leave a row with two categories, or none, or 0.3 of one, which no analyst row has and which a score could find
 * for that reason alone; and a feature trigger set on a category must switch the row's own category off.
 */
import { createRng } from '../random';

/** The table's one-hot groups: each group's columns, ascending, and each column's group (-1: none). */
export interface CategoryGroups {
  groups: Int32Array[];
  groupOf: Int32Array;
}

/** Rows a group is looked for in; a group found there is then checked on every row. */
const SEARCH_ROWS = 4000;

/** Most columns of one group (categories of one text column). */
export const MAX_CATEGORIES = 256;

/** Column j's values: 0 when one is neither 0 nor 1, 1 when every one is 0, 2 when they are 0 and 1 or all 1. */
function binaryColumn(features: Float32Array, f: number, n: number, j: number): number {
  let ones = false;
  for (let i = 0; i < n; i++) {
    const v = features[i * f + j];
    if (v === 1) ones = true;
    else if (v !== 0) return 0;
  }
  return ones ? 2 : 1;
}

/**
 * The last column of the one-hot group that starts at column `start` over `rows`, or -1: columns are added while
 * they are 0/1 (`binary` not 0) and no row holds two 1s; the group ends at the last column that holds a 1 and after which
 * every row holds exactly one (a column of zeros after it is not one of its categories).
 */
function groupEnd(
  features: Float32Array,
  f: number,
  rows: Int32Array,
  binary: Uint8Array,
  start: number,
  sums: Uint8Array,
): number {
  sums.fill(0);
  let exact = 0;
  let end = -1;
  for (let t = start; t < f && t - start < MAX_CATEGORIES && binary[t] !== 0; t++) {
    const before = exact;
    for (let r = 0; r < rows.length; r++) {
      if (features[(rows[r] as number) * f + t] !== 1) continue;
      if (sums[r] === 1) return end;
      sums[r] = 1;
      exact++;
    }
    if (exact === rows.length && exact > before) end = t;
  }
  return end;
}

/**
 * The one-hot groups of `features` (n rows × f columns): at least two adjacent columns, every value 0 or 1, exactly
 * one 1 per row. Looked for on at most SEARCH_ROWS rows (seeded), then each group found there taken from every row.
 */
export function categoryGroups(features: Float32Array, f: number, n: number, seed = 1): CategoryGroups {
  const groupOf = new Int32Array(f).fill(-1);
  const groups: Int32Array[] = [];
  const rng = createRng(seed);
  const m = Math.min(n, SEARCH_ROWS);
  const sample = Int32Array.from({ length: m }, (_, k) => (n <= SEARCH_ROWS ? k : rng.int(n)));
  const binary = Uint8Array.from({ length: f }, (_, j) => binaryColumn(features, f, n, j));
  const sums = new Uint8Array(m);
  // When the sample is every row, what it finds is final; else a group it finds is taken again from every row (where
  // it may end later: a rare category missing from the sample).
  const all = n > m ? Int32Array.from({ length: n }, (_, i) => i) : null;
  const allSums = all ? new Uint8Array(n) : sums;
  for (let j = 0; j < f; ) {
    // A group starts on a category some row holds.
    const found = binary[j] === 2 ? groupEnd(features, f, sample, binary, j, sums) : -1;
    const end = found >= 0 && all ? groupEnd(features, f, all, binary, j, allSums) : found;
    if (end <= j) {
      j++;
      continue;
    }
    const group = Int32Array.from({ length: end - j + 1 }, (_, k) => j + k);
    for (const c of group) groupOf[c] = groups.length;
    groups.push(group);
    j = end + 1;
  }
  return { groups, groupOf };
}

/**
 * Makes every group of `row` hold exactly one category, in place: the column with the largest value (the first of
 * equals) is set to 1 and the others to 0. A fresh row keeps its starting row's category (it moves under halfway to
 * its partner), a near-duplicate its twin's, and an outlier's uniform values pick one at random.
 */
export function oneCategoryEach(groups: readonly Int32Array[], row: Float32Array): void {
  for (const group of groups) {
    let top = group[0] as number;
    for (const c of group) if ((row[c] as number) > (row[top] as number)) top = c;
    for (const c of group) row[c] = c === top ? 1 : 0;
  }
}
