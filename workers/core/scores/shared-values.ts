/**
 * Shared rare values (issue 10): a tabular backdoor sets a few features of every poisoned row to one fixed value, and a
 * blend or patch trigger writes the same pixel values into every poisoned image. Such rows share an exact value that
 * the rest of the column hardly holds. For each column, a value held by `minCount` rows or more, but by at most
 * `maxShare` of them (a column's usual value is not a trigger), scores ln(count / neighbours), where neighbours is
 * the median count of the `window` distinct values on each side of it (at least 1): a spike in a column whose values
 * are otherwise spread out. A spike counts only when so many rows would share a value by chance rarely: under a
 * Poisson count with the neighbours' median as its mean, P(count or more) must stay below `chance` / the column's
 * distinct values, so that chance spikes in a column stay about `chance` in all (values written with few decimals
 * tie often; without this, every row of such a table scored). A row's score is the sum over its columns, so a trigger written into several columns
 * stands out more than a chance tie in one. The score reads the rows' feature values, not the model, so it finds a
 * trigger whether or not the model learned it.
 */

import { type ColumnCounts, distinctCounts, mergeCounts } from './column-counts';
import { type ColumnMoments, columnMoments, scalesOf } from './neighbour-labels';
import { tailOf } from './poisson';
import { type GroupOptions, liftedGroupRows } from './spike-groups';
import { DEFAULT_SPIKE_LABELS, referenceSize, unexplainedSpikes } from './spike-labels';
import { spikeTable } from './spike-table';
import type { SharedValueGroup } from './types';

/** Settings of the shared-values score. */
export interface SharedValuesParams {
  /** Fewest rows that must share a value for it to count (default 3). */
  minCount: number;
  /** Most rows, as a share of all, that may share it: a column's usual value is not a trigger (default 0.1). */
  maxShare: number;
  /** Distinct values on each side whose median count is the spike's baseline (default 5). */
  window: number;
  /** Spikes a column may show by chance, in all (default 0.01; Infinity counts every excess over the neighbours). */
  chance: number;
}

export const DEFAULT_SHARED_VALUES: SharedValuesParams = {
  minCount: 3,
  maxShare: 0.1,
  window: 5,
  chance: 0.01,
};

/** A value of one column that many rows share: what the score's evidence names. */
export interface SharedValue {
  column: number;
  value: number;
  /** Rows holding it. */
  rows: number;
  /** Median count of its neighbouring distinct values. */
  neighbours: number;
}

function median(list: number[]): number {
  if (list.length === 0) return 1;
  const s = list.sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The spikes of one column: values shared by many rows, with the log ratio each adds to its rows' score. */
export function columnSpikes(
  column: Float32Array,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
): Array<{ value: number; rows: number; neighbours: number; weight: number }> {
  return spikesOfCounts(distinctCounts(column), column.length, params, new Map());
}

/** columnSpikes of a column of `length` cells (NaN included) whose distinct values and counts are given. */
function spikesOfCounts(
  { values, counts }: ColumnCounts,
  length: number,
  params: SharedValuesParams,
  tails: Map<number, number>,
): Array<{ value: number; rows: number; neighbours: number; weight: number }> {
  const most = params.maxShare * length;
  const out: Array<{ value: number; rows: number; neighbours: number; weight: number }> = [];
  for (let i = 0; i < values.length; i++) {
    const c = counts[i] as number;
    if (c < params.minCount || c > most) continue;
    const near: number[] = [];
    for (let d = 1; d <= params.window; d++) {
      if (i - d >= 0) near.push(counts[i - d] as number);
      if (i + d < values.length) near.push(counts[i + d] as number);
    }
    const neighbours = Math.max(1, median(near));
    const weight = Math.log(c / neighbours);
    if (weight <= 0) continue;
    const rare =
      params.chance === Number.POSITIVE_INFINITY ||
      tailOf(tails, c, neighbours) < params.chance / values.length;
    if (rare) out.push({ value: values[i] as number, rows: c, neighbours, weight });
  }
  return out;
}

/** Per column, the values many rows share (columnSpikes), by value: built once, then read for any row. */
export type SpikeIndex = Array<Map<number, SharedValue>>;

/**
 * The spike index of the given rows of the row-major `features` (`cols` per row). With `labels` (one per entry of
 * `rows`), only spikes whose rows' labels their other features do not explain are kept (spike-labels.ts); with
 * `verdicts`, a spike (by column and value) already judged keeps its verdict, and new verdicts are added to it. With
 * `countsOf`, a column's distinct values and counts over those rows are taken from it instead of counted here.
 */
export function spikeIndex(
  features: Float32Array,
  cols: number,
  rows: Int32Array,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  labels: Int32Array | null = null,
  verdicts: Map<string, boolean> | null = null,
  countsOf: ((column: number) => ColumnCounts) | null = null,
): SpikeIndex {
  const out: SpikeIndex = [];
  const tails = new Map<number, number>();
  const column = countsOf ? null : new Float32Array(rows.length);
  for (let j = 0; j < cols; j++) {
    let counts: ColumnCounts;
    if (column) {
      for (let i = 0; i < rows.length; i++) column[i] = features[(rows[i] as number) * cols + j] as number;
      counts = distinctCounts(column);
    } else counts = (countsOf as (column: number) => ColumnCounts)(j);
    const spikes = spikesOfCounts(counts, rows.length, params, tails);
    out.push(
      new Map(
        spikes.map((s) => [s.value, { column: j, value: s.value, rows: s.rows, neighbours: s.neighbours }]),
      ),
    );
  }
  if (labels) keepUnexplained(out, features, cols, rows, labels, verdicts);
  return out;
}

/** Drops from `index` the spikes whose rows' labels their other features explain. */
function keepUnexplained(
  index: SpikeIndex,
  features: Float32Array,
  cols: number,
  rows: Int32Array,
  labels: Int32Array,
  verdicts: Map<string, boolean> | null,
): void {
  const spikes = index.flatMap((m) => [...m.values()]);
  const key = (s: SharedValue) => `${s.column}:${s.value}`;
  const ask = spikes.map((s) => !verdicts?.has(key(s)));
  const keep = ask.some(Boolean) ? checkSpikes(spikes, ask, features, cols, rows, labels) : null;
  spikes.forEach((s, k) => {
    const kept = verdicts?.get(key(s)) ?? keep?.[k] ?? true;
    verdicts?.set(key(s), kept);
    if (!kept) index[s.column]?.delete(s.value);
  });
}

/** The label check (spike-labels.ts) of the spikes `ask` marks, over samples `rows`; true for the others. */
function checkSpikes(
  spikes: readonly SharedValue[],
  ask: readonly boolean[],
  features: Float32Array,
  cols: number,
  rows: Int32Array,
  labels: Int32Array,
): boolean[] {
  // The spikes asked about need this many searches at least (their rows, up to perSpike each): past the check's
  // budget it keeps them all unchecked, and their members would go unread.
  const P = DEFAULT_SPIKE_LABELS;
  const searches = spikes.reduce((t, s, k) => t + (ask[k] ? Math.min(s.rows, P.perSpike) : 0), 0);
  if (referenceSize(searches, cols, P) < 5 * P.k) return spikes.map(() => true);
  // Per cell, the spike it holds from a table by bit pattern (spike-table.ts); members listed only for the spikes
  // asked about. Which columns a sample holds a spike in is read for the few samples the check searches from.
  const table = spikeTable(features, cols, spikes);
  const members = spikes.map(() => [] as number[]);
  const askedColumns = [...new Set(spikes.filter((_, k) => ask[k]).map((s) => s.column))];
  const holdsAny = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    for (const j of askedColumns) {
      const k = table.at(row, j);
      if (k >= 0) {
        holdsAny[i] = 1;
        if (ask[k]) members[k]?.push(i);
      }
    }
    if (holdsAny[i]) continue;
    for (const j of table.columns) {
      if (table.at(row, j) >= 0) {
        holdsAny[i] = 1;
        break;
      }
    }
  }
  const held = new Map<number, Set<number>>();
  const columnsOf = (i: number) => {
    let c = held.get(i);
    if (!c) {
      const row = rows[i] as number;
      c = new Set(table.columns.filter((j) => table.at(row, j) >= 0));
      held.set(i, c);
    }
    return c;
  };
  return unexplainedSpikes(
    features,
    cols,
    rows,
    labels,
    spikes.map((s, k) => ({ column: s.column, members: members[k] as number[] })),
    P,
    ask,
    { holdsAny, columnsOf },
  );
}

/**
 * The shared-values score of each sample, where sample i is row local[i] of the row-major `features` (`cols` per
 * row), counted over those samples only; higher = more suspicious. `found`, when given, gets the lifted groups of
 * spikes (spike-groups.ts), their rows as sample indices.
 */
export function sharedValuesInSampleOrder(
  features: Float32Array,
  cols: number,
  local: Int32Array,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  labels: Int32Array | null = null,
  verdicts: Map<string, boolean> | null = null,
  found: SharedValueGroup[] | null = null,
): Float32Array {
  return rowScores(
    spikeIndex(features, cols, local, params, labels, verdicts),
    features,
    cols,
    local,
    labels,
    params,
    null,
    found ? { found } : {},
  );
}

/**
 * Each of `rows`' score under `index`: the sum over its columns of ln(rows / neighbours) of the spike it holds. With
 * `labels` (one per entry of `rows`), the rows of a lifted group of spikes (spike-groups.ts) score the highest sum
 * more, so that they rank above every other row; `grouped` (one per entry of `rows`), when given, gets 1 for them.
 * `group`: where the groups' check starts and what it reuses (spike-groups.ts).
 */
function rowScores(
  index: SpikeIndex,
  features: Float32Array,
  cols: number,
  rows: Int32Array,
  labels: Int32Array | null = null,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  grouped: Uint8Array | null = null,
  group: GroupOptions = {},
): Float32Array {
  const spikes = index.flatMap((m) => [...m.values()]);
  const weight = spikes.map((s) => Math.log(s.rows / s.neighbours));
  const table = spikeTable(features, cols, spikes);
  const members = spikes.map(() => [] as number[]);
  const out = new Float32Array(rows.length);
  for (const j of table.columns) {
    for (let i = 0; i < rows.length; i++) {
      const k = table.at(rows[i] as number, j);
      if (k >= 0) {
        out[i] += weight[k] as number;
        if (labels) members[k]?.push(i);
      }
    }
  }
  if (labels) {
    const column = spikes.map((s) => s.column);
    const lifted = liftedGroupRows(members, column, features, cols, rows, labels, params.minCount, group);
    const highest = out.reduce((m, v) => Math.max(m, v), 0);
    lifted.forEach((v, i) => {
      if (v) out[i] += highest;
    });
    grouped?.set(lifted.subarray(0, grouped.length));
  }
  return out;
}

/**
 * Shared values of a calibration run (issue 10), row-major `features` of `rows` analyst rows then the appended rows
 * (`group[j]`: appended row j's canary kind). The analyst rows are scored among themselves, so that no canary's value
 * marks an analyst row that happens to hold it; each kind's appended rows are scored among the analyst rows and that
 * kind's rows, as if the analyst's data held that attack alone. `grouped` (one per analyst row), when given, gets 1
 * for the analyst rows of a lifted group of spikes (spike-groups.ts); `found`, when given, gets those groups.
 */
export function sharedValuesWithCanaries(
  features: Float32Array,
  cols: number,
  rows: number,
  group: Uint8Array,
  labels: Int32Array | null,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  grouped: Uint8Array | null = null,
  found: SharedValueGroup[] | null = null,
): Float32Array {
  // A value the analyst's rows hold keeps the label check's verdict from them; only the canaries' own values are
  // checked again (the check costs far more than the counting). The analyst rows' columns are counted once, and each
  // kind's rows added to those counts.
  const verdicts = new Map<string, boolean>();
  const labelsOf = (local: Int32Array) => labels && Int32Array.from(local, (r) => labels[r] as number);
  const analyst = Int32Array.from({ length: rows }, (_, i) => i);
  const column = new Float32Array(rows);
  const analystCounts = Array.from({ length: cols }, (_, j) => {
    for (let i = 0; i < rows; i++) column[i] = features[i * cols + j] as number;
    return distinctCounts(column);
  });
  const index = spikeIndex(
    features,
    cols,
    analyst,
    params,
    labelsOf(analyst),
    verdicts,
    (j) => analystCounts[j] as ColumnCounts,
  );
  const out = new Float32Array(rows + group.length);
  // The groups' neighbour search scales the columns by the spread of the rows searched: each kind's continues the
  // analyst rows' sums with its own rows (the same scales to the bit as summed afresh, for a pass over its rows only).
  let moments: ColumnMoments | null = null;
  const analystMoments = () => {
    moments ??= columnMoments(features, cols, analyst);
    return moments;
  };
  const scale = () => scalesOf(analystMoments());
  const analystGroups = found ? { scale, found } : { scale };
  out.set(rowScores(index, features, cols, analyst, labelsOf(analyst), params, grouped, analystGroups));
  for (const g of new Set(group)) {
    const added = Int32Array.from(
      [...group.keys()].filter((j) => group[j] === g),
      (j) => rows + j,
    );
    const extra = new Float32Array(added.length);
    const countsOf = (j: number) => {
      added.forEach((r, k) => {
        extra[k] = features[r * cols + j] as number;
      });
      return mergeCounts(analystCounts[j] as ColumnCounts, extra);
    };
    const local = new Int32Array(rows + added.length);
    local.set(analyst);
    local.set(added, rows);
    const kindIndex = spikeIndex(features, cols, local, params, labelsOf(local), verdicts, countsOf);
    // With labels, a kind's rows are scored among the analyst's rows, so that a group they form is found and lifted
    // as the analyst's own would be.
    const scores = labels
      ? rowScores(kindIndex, features, cols, local, labelsOf(local), params, null, {
          from: rows,
          scale: () => scalesOf(columnMoments(features, cols, added, analystMoments())),
        }).subarray(rows)
      : rowScores(kindIndex, features, cols, added);
    added.forEach((r, k) => {
      out[r] = scores[k] as number;
    });
  }
  return out;
}

/** Every row's shared-values score over `rows` × `cols` features (row-major); higher = more suspicious. */
export function sharedValueScores(
  features: Float32Array,
  rows: number,
  cols: number,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
): Float32Array {
  if (features.length !== rows * cols)
    throw new RangeError(`Features have ${features.length} values, expected ${rows} × ${cols}.`);
  return sharedValuesInSampleOrder(
    features,
    cols,
    Int32Array.from({ length: rows }, (_, i) => i),
    params,
  );
}

/** The spikes row `row` sits in, the strongest (most rows per neighbouring row) first: the evidence behind its score. */
export function sharedValuesOf(index: SpikeIndex, features: Float32Array, row: number): SharedValue[] {
  const cols = index.length;
  const out: SharedValue[] = [];
  for (let j = 0; j < cols; j++) {
    const spike = index[j]?.get(features[row * cols + j] as number);
    if (spike) out.push(spike);
  }
  return out.sort((a, b) => b.rows / b.neighbours - a.rows / a.neighbours || a.column - b.column);
}
