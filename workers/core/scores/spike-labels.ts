/**
 * Whether a shared value's rows carry labels their other features explain (issue 10). A backdoor relabels rows of
 * several classes to one target and writes the same value into them, so the labels of its rows disagree with what
 * their other features say; a natural spike (a measurement that is exactly 0 for a group of similar rows, a
 * saturated pixel) holds rows whose labels their other features explain as well as any row's. For each spike, its
 * rows' labels are compared with the majority label of their `k` nearest rows outside that spike (standardised
 * features, the columns where the row holds a spike left out); the spike is kept when its rows disagree clearly more
 * often than rows outside every spike do with their own neighbours (a one-sided binomial bound of `z` standard
 * errors). Natural spikes of image-like data (a saturated pixel whose rows share a stroke) are not told apart this
 * way: their rows' nearest rows outside the spike are other shapes.
 */

import { columnScales, disagrees, type NeighbourSpace, stride } from './neighbour-labels';

/** Settings of the label check. */
export interface SpikeLabelParams {
  /** Neighbours that vote (default 10). */
  k: number;
  /** Rows outside the spikes searched for neighbours, at most (a stride sample; default 1000). */
  reference: number;
  /** Rows of one spike checked, at most (a stride sample; default 100). */
  perSpike: number;
  /** Standard errors above the base rate that keep a spike (default 2). */
  z: number;
  /**
   * Most feature differences computed in all (default 1e8, about a second here): past it the reference shrinks, and
   * below 5k reference rows the check is not made and every spike is kept.
   */
  budget: number;
}

export const DEFAULT_SPIKE_LABELS: SpikeLabelParams = {
  k: 10,
  reference: 1000,
  perSpike: 100,
  z: 2,
  budget: 1e8,
};

/**
 * Reference rows the check can afford for `searches` neighbour searches over `cols` columns; under 5k the check is
 * not made and every spike is kept.
 */
export function referenceSize(searches: number, cols: number, params: SpikeLabelParams): number {
  return Math.min(params.reference, Math.floor(params.budget / Math.max(1, searches * cols)));
}

/** Which samples hold a spike, and in which columns: what the check leaves out of the base rate and the distances. */
export interface SpikeHolders {
  /** Per sample, 1 when it holds a spike in some column. */
  holdsAny: Uint8Array;
  /** The columns where sample i holds a spike (asked only for the samples the check searches from). */
  columnsOf(i: number): ReadonlySet<number> | undefined;
}

/** The holders of `spikes` over `n` samples, from each spike's full member list. */
export function holdersFromMembers(
  spikes: ReadonlyArray<{ column: number; members: readonly number[] }>,
  n: number,
): SpikeHolders {
  const held = new Map<number, Set<number>>();
  const holdsAny = new Uint8Array(n);
  for (const { column, members } of spikes) {
    for (const i of members) {
      if (!held.has(i)) held.set(i, new Set());
      held.get(i)?.add(column);
      holdsAny[i] = 1;
    }
  }
  return { holdsAny, columnsOf: (i) => held.get(i) };
}

/**
 * For each spike (the samples holding it, in `members`; its column, `column`), whether to keep it. `features` is
 * row-major with `cols` per row; sample i is row local[i] with label labels[i]. With `check`, only the spikes it
 * marks are checked (the others answer true, and need no members when `holders` is given); every spike still leaves
 * its columns out and its rows out of the base rate, through `holders` (by default, from the members).
 */
export function unexplainedSpikes(
  features: Float32Array,
  cols: number,
  local: Int32Array,
  labels: Int32Array,
  spikes: ReadonlyArray<{ column: number; members: readonly number[] }>,
  params: SpikeLabelParams = DEFAULT_SPIKE_LABELS,
  check: readonly boolean[] | null = null,
  holders: SpikeHolders = holdersFromMembers(spikes, local.length),
): boolean[] {
  const asked = (k: number) => check === null || check[k] === true;
  if (!spikes.some((_, k) => asked(k))) return spikes.map(() => true);
  const n = local.length;
  const scale = columnScales(features, cols, local);
  const outside = Array.from({ length: n }, (_, i) => i).filter((i) => holders.holdsAny[i] === 0);
  const base = stride(outside.length >= 30 ? outside : Array.from({ length: n }, (_, i) => i), 300);
  const searches =
    base.length +
    spikes.reduce((s, { members }, k) => s + (asked(k) ? Math.min(members.length, params.perSpike) : 0), 0);
  const size = referenceSize(searches, cols, params);
  if (size < 5 * params.k) return spikes.map(() => true);
  const reference = stride(
    Array.from({ length: n }, (_, i) => i),
    size,
  );
  // A spike's own rows are left out of its rows' neighbours; only the reference rows are ever asked about.
  const inReference = new Uint8Array(n);
  for (const r of reference) inReference[r] = 1;
  const space: NeighbourSpace = { features, cols, local, labels, scale, reference, k: params.k };
  const disagreesHere = (i: number, others: ReadonlySet<number> | null) =>
    disagrees(space, i, others, holders.columnsOf(i));
  const baseRate = base.length ? base.reduce((s, i) => s + disagreesHere(i, null), 0) / base.length : 0;
  return spikes.map(({ members }, k) => {
    if (!asked(k)) return true;
    const checked = stride(members, params.perSpike);
    if (checked.length === 0) return false;
    const own = new Set(members.filter((r) => inReference[r] === 1));
    const rate = checked.reduce((s, i) => s + disagreesHere(i, own), 0) / checked.length;
    const p = Math.min(0.99, Math.max(baseRate, 1 / checked.length));
    return rate > baseRate + params.z * Math.sqrt((p * (1 - p)) / checked.length);
  });
}
