/**
 * Spikes that mark the same rows (issues 10 and 11). A stamped trigger (a patch of pixels, a few features set to fixed
 * values) writes its values into the same rows in every column it touches and relabels those rows to one class. On
 * images a row also holds many natural spikes (a background pixel that is exactly 0 in part of a class), whose summed
 * weights drown the trigger's few. A group is a set of spikes in different columns whose row sets overlap by at least
 * `overlap` of their union (Jaccard), joined transitively; its rows are those holding at least half of its spikes.
 * A group is lifted when its rows look like a relabelled attack: at least `labelShare` of them carry one label, they
 * are at most half of that label's rows (a group holding most of a class is that class's own look), and at least
 * `labelShare` of them carry a label that the majority of their nearest rows outside the group do not (the group's
 * columns left out of the distance, neighbour-labels.ts). Natural groups fail: their rows span classes, or their
 * nearest rows share their label.
 */

import { columnScales, disagrees, type NeighbourSpace, stride } from './neighbour-labels';
import { DEFAULT_SPIKE_LABELS, referenceSize, type SpikeLabelParams } from './spike-labels';
import type { SharedValueGroup } from './types';

/** Settings of the grouping. */
export interface SpikeGroupParams {
  /** Shared rows over the rows of either spike at which two spikes mark the same rows (default 0.8). */
  overlap: number;
  /** Share of a group's rows that must carry one label, and share whose label is unexplained (default 0.9). */
  labelShare: number;
  /**
   * Pairs of spikes held by one row that may be counted in all; past it no group is formed (default 5e6: 60,000
   * Fashion-MNIST images hold 0.74 million).
   */
  pairBudget: number;
  /**
   * Feature differences the groups' label checks may compute in all (default 1e9, some seconds here); past it no
   * further group is checked, nor lifted.
   */
  checkBudget: number;
}

export const DEFAULT_SPIKE_GROUPS: SpikeGroupParams = {
  overlap: 0.8,
  labelShare: 0.9,
  pairBudget: 5e6,
  checkBudget: 1e9,
};

/** The most common value of `values` and how many times it occurs. */
export function mode(values: Iterable<number>): { value: number; count: number } {
  const counts = new Map<number, number>();
  let best = { value: -1, count: 0 };
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > best.count) best = { value: v, count: c };
  }
  return best;
}

function find(parent: Int32Array, a: number): number {
  let r = a;
  while (parent[r] !== r) r = parent[r] as number;
  while (parent[a] !== r) {
    const next = parent[a] as number;
    parent[a] = r;
    a = next;
  }
  return r;
}

/**
 * The groups of spikes (as lists of positions in `members`) whose rows overlap by `overlap` or more, among the
 * spikes whose rows carry one label at least `labelShare` of the time; spikes of different labels never join.
 * `members[k]`: the samples holding spike k, ascending; `column[k]`: its column. Null past the pair budget.
 */
export function spikeGroups(
  members: readonly (readonly number[])[],
  column: readonly number[],
  labels: Int32Array,
  params: SpikeGroupParams = DEFAULT_SPIKE_GROUPS,
): number[][] | null {
  const labelOf = members.map((m) => {
    const top = mode(m.map((i) => labels[i] as number));
    return m.length > 0 && top.count >= params.labelShare * m.length ? top.value : -1;
  });
  const held = new Map<number, number[]>();
  let pairs = 0;
  members.forEach((m, k) => {
    if (labelOf[k] === -1) return;
    for (const i of m) {
      const list = held.get(i) ?? [];
      pairs += list.length;
      list.push(k);
      held.set(i, list);
    }
  });
  if (pairs > params.pairBudget) return null;
  const shared = new Map<number, number>();
  const S = members.length;
  for (const list of held.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x] as number;
        const b = list[y] as number;
        if (labelOf[a] !== labelOf[b] || column[a] === column[b]) continue;
        const key = a * S + b;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const parent = Int32Array.from({ length: S }, (_, k) => k);
  for (const [key, both] of shared) {
    const a = Math.floor(key / S);
    const b = key % S;
    const either = (members[a] as number[]).length + (members[b] as number[]).length - both;
    if (both >= params.overlap * either) parent[find(parent, a)] = find(parent, b);
  }
  const groups = new Map<number, number[]>();
  for (let k = 0; k < S; k++) {
    if (labelOf[k] === -1) continue;
    const r = find(parent, k);
    const g = groups.get(r) ?? [];
    g.push(k);
    groups.set(r, g);
  }
  return [...groups.values()].filter((g) => g.length >= 2);
}

/** Where liftedGroupRows starts and what it reuses. */
export interface GroupOptions {
  /** Only groups holding a sample at or after it are checked (a calibration asks about a canary kind's rows). */
  from?: number;
  /** The columns' scales for the neighbour search (default: columnScales over `local`, computed when first needed). */
  scale?: () => Float64Array;
  params?: SpikeGroupParams;
  check?: SpikeLabelParams;
  /** When given, each lifted group is pushed onto it (rows as sample indices), for the review's evidence. */
  found?: SharedValueGroup[];
}

/**
 * Per sample (of `labels.length`), 1 when it belongs to a lifted group (see the file's comment). `features` is
 * row-major with `cols` per row; sample i is row `local[i]`. `minRows`: fewest rows a group must hold.
 */
export function liftedGroupRows(
  members: readonly (readonly number[])[],
  column: readonly number[],
  features: Float32Array,
  cols: number,
  local: Int32Array,
  labels: Int32Array,
  minRows: number,
  options: GroupOptions = {},
): Uint8Array {
  const { from = 0, params = DEFAULT_SPIKE_GROUPS, check = DEFAULT_SPIKE_LABELS } = options;
  const n = labels.length;
  const out = new Uint8Array(n);
  const groups = spikeGroups(members, column, labels, params) ?? [];
  const perLabel = new Map<number, number>();
  for (const l of labels) perLabel.set(l, (perLabel.get(l) ?? 0) + 1);
  let scale: Float64Array | null = null;
  const everyone = Array.from({ length: n }, (_, i) => i);
  let spent = 0;
  for (const group of groups) {
    const holds = new Map<number, number>();
    for (const k of group) for (const i of members[k] as number[]) holds.set(i, (holds.get(i) ?? 0) + 1);
    const rows = [...holds].filter(([, c]) => 2 * c >= group.length).map(([i]) => i);
    const top = mode(rows.map((i) => labels[i] as number));
    if (rows.length < minRows || top.count < params.labelShare * rows.length) continue;
    if (!rows.some((i) => i >= from)) continue;
    if (2 * rows.length > (perLabel.get(top.value) as number)) continue;
    const checked = stride(
      rows.sort((a, b) => a - b),
      check.perSpike,
    );
    const size = referenceSize(checked.length, cols, check);
    if (size < 5 * check.k) continue;
    scale ??= options.scale ? options.scale() : columnScales(features, cols, local);
    const space: NeighbourSpace = {
      features,
      cols,
      local,
      labels,
      scale,
      reference: stride(everyone, size),
      k: check.k,
    };
    const inGroup = new Set(rows);
    const skip = new Set(group.map((k) => column[k] as number));
    // Stops at the first explained row past the share allowed: a natural group's rows are mostly explained.
    const allowed = (1 - params.labelShare) * checked.length;
    let explained = 0;
    let done = 0;
    for (const i of checked) {
      const cost = space.reference.length * cols;
      if (spent + cost > params.checkBudget) break;
      spent += cost;
      done++;
      explained += 1 - disagrees(space, i, inGroup, skip);
      if (explained > allowed + 1e-9) break;
    }
    if (done < checked.length || explained > allowed + 1e-9) continue;
    for (const i of rows) out[i] = 1;
    options.found?.push({
      rows,
      columns: [...skip].sort((a, b) => a - b),
      label: top.value,
      labelled: top.count,
      checked: checked.length,
      explained,
    });
  }
  return out;
}
