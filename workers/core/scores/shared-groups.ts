/**
 * The lifted groups of shared values (spike-groups.ts) as a score set keeps them: largest first, their rows in the
 * score set's sample order, and the group a sample belongs to, for the review's evidence.
 */
import type { SharedValueGroup } from './types';

/** `groups` largest first; groups of equal size keep the order of their first rows. */
export function largestFirst(groups: readonly SharedValueGroup[]): SharedValueGroup[] {
  return [...groups].sort((a, b) => b.rows.length - a.rows.length || (a.rows[0] ?? 0) - (b.rows[0] ?? 0));
}

/**
 * `groups` whose rows are rows of the scored data, with each row renamed to its sample i where local[i] is that row;
 * rows no sample holds are dropped, and so is a group left with none.
 */
export function groupsInSampleOrder(
  groups: readonly SharedValueGroup[],
  local: Int32Array,
): SharedValueGroup[] {
  const sampleOf = new Map<number, number>();
  local.forEach((r, i) => {
    sampleOf.set(r, i);
  });
  const out: SharedValueGroup[] = [];
  for (const g of groups) {
    const rows = g.rows.flatMap((r) => {
      const i = sampleOf.get(r);
      return i === undefined ? [] : [i];
    });
    if (rows.length > 0) out.push({ ...g, rows: rows.sort((a, b) => a - b) });
  }
  return out;
}

/** The first of `groups` (largest first) whose rows hold `sample`, or null. */
export function groupOf(
  groups: readonly SharedValueGroup[] | undefined,
  sample: number,
): SharedValueGroup | null {
  for (const g of groups ?? []) if (g.rows.includes(sample)) return g;
  return null;
}

/** How many of a group's checked rows have nearest rows mostly of another label (the rest were explained). */
export function unexplainedRows(g: SharedValueGroup): number {
  return g.checked - Math.round(g.explained);
}
