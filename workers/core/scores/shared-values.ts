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

import { DEFAULT_SPIKE_LABELS, unexplainedSpikes } from './spike-labels';

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

/** ln k!: exact up to 30, Stirling's series above (error under 1e-10). */
function logFactorial(k: number): number {
  if (k < 30) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** P(X ≥ c) for X ~ Poisson(mean): the terms from c up, summed until they no longer count. */
export function poissonTail(c: number, mean: number): number {
  if (c <= 0) return 1;
  let log = -mean + c * Math.log(mean) - logFactorial(c);
  let sum = 0;
  for (let k = c; k < c + 10_000; k++) {
    const term = Math.exp(log);
    sum += term;
    if (k > mean && term < 1e-16 * sum) break;
    log += Math.log(mean) - Math.log(k + 1);
  }
  return Math.min(1, sum);
}

/** A value of one column that many rows share: what the score's evidence names. */
export interface SharedValue {
  column: number;
  value: number;
  /** Rows holding it. */
  rows: number;
  /** Median count of its neighbouring distinct values. */
  neighbours: number;
}

/** Distinct non-NaN values of one column, ascending, with their counts. */
function distinctCounts(column: Float32Array): { values: Float32Array; counts: Int32Array } {
  const sorted = column.slice().sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (Number.isNaN(v)) break;
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values: Float32Array.from(values), counts: Int32Array.from(counts) };
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
  const { values, counts } = distinctCounts(column);
  const most = params.maxShare * column.length;
  const out: Array<{ value: number; rows: number; neighbours: number; weight: number }> = [];
  for (let i = 0; i < values.length; i++) {
    const c = counts[i];
    if (c < params.minCount || c > most) continue;
    const near: number[] = [];
    for (let d = 1; d <= params.window; d++) {
      if (i - d >= 0) near.push(counts[i - d]);
      if (i + d < values.length) near.push(counts[i + d]);
    }
    const neighbours = Math.max(1, median(near));
    const weight = Math.log(c / neighbours);
    const rare =
      params.chance === Number.POSITIVE_INFINITY ||
      poissonTail(c, neighbours) < params.chance / values.length;
    if (weight > 0 && rare) out.push({ value: values[i], rows: c, neighbours, weight });
  }
  return out;
}

/** Per column, the values many rows share (columnSpikes), by value: built once, then read for any row. */
export type SpikeIndex = Array<Map<number, SharedValue>>;

/**
 * The spike index of the given rows of the row-major `features` (`cols` per row). With `labels` (one per entry of
 * `rows`), only spikes whose rows' labels their other features do not explain are kept (spike-labels.ts); with
 * `verdicts`, a spike (by column and value) already judged keeps its verdict, and new verdicts are added to it.
 */
export function spikeIndex(
  features: Float32Array,
  cols: number,
  rows: Int32Array,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  labels: Int32Array | null = null,
  verdicts: Map<string, boolean> | null = null,
): SpikeIndex {
  const out: SpikeIndex = [];
  const column = new Float32Array(rows.length);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows.length; i++) column[i] = features[rows[i] * cols + j];
    const spikes = columnSpikes(column, params);
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
  const spikes = index.flatMap((m) => [...m.values()].map((spike) => ({ spike, members: [] as number[] })));
  if (spikes.length === 0) return;
  const key = (s: SharedValue) => `${s.column}:${s.value}`;
  // Per column, each spike's member list by its value: a number-keyed lookup per cell, no string built per hit (on
  // 60,000 images × 784 pixels the string keys were most of the time).
  const byValue = index.map(() => new Map<number, number[]>());
  for (const s of spikes) byValue[s.spike.column]?.set(s.spike.value, s.members);
  for (let i = 0; i < rows.length; i++) {
    const at = (rows[i] as number) * cols;
    for (let j = 0; j < cols; j++) {
      const m = byValue[j] as Map<number, number[]>;
      if (m.size > 0) m.get(features[at + j] as number)?.push(i);
    }
  }
  const keep = unexplainedSpikes(
    features,
    cols,
    rows,
    labels,
    spikes.map((s) => ({ column: s.spike.column, members: s.members })),
    DEFAULT_SPIKE_LABELS,
    verdicts ? spikes.map((s) => !verdicts.has(key(s.spike))) : null,
  );
  spikes.forEach((s, k) => {
    const kept = verdicts?.get(key(s.spike)) ?? keep[k];
    verdicts?.set(key(s.spike), kept as boolean);
    if (!kept) index[s.spike.column]?.delete(s.spike.value);
  });
}

/**
 * The shared-values score of each sample, where sample i is row local[i] of the row-major `features` (`cols` per
 * row), counted over those samples only; higher = more suspicious.
 */
export function sharedValuesInSampleOrder(
  features: Float32Array,
  cols: number,
  local: Int32Array,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
  labels: Int32Array | null = null,
  verdicts: Map<string, boolean> | null = null,
): Float32Array {
  const index = spikeIndex(features, cols, local, params, labels, verdicts);
  const out = new Float32Array(local.length);
  index.forEach((spikes, j) => {
    if (spikes.size === 0) return;
    for (let i = 0; i < local.length; i++) {
      const s = spikes.get(features[local[i] * cols + j] as number);
      if (s) out[i] += Math.log(s.rows / s.neighbours);
    }
  });
  return out;
}

/**
 * Shared values of a calibration run (issue 10), row-major `features` of `rows` analyst rows then the appended rows
 * (`group[j]`: appended row j's canary kind). The analyst rows are scored among themselves, so that no canary's value
 * marks an analyst row that happens to hold it; each kind's appended rows are scored among the analyst rows and that
 * kind's rows, as if the analyst's data held that attack alone.
 */
export function sharedValuesWithCanaries(
  features: Float32Array,
  cols: number,
  rows: number,
  group: Uint8Array,
  labels: Int32Array | null,
  params: SharedValuesParams = DEFAULT_SHARED_VALUES,
): Float32Array {
  // A value the analyst's rows hold keeps the label check's verdict from them; only the canaries' own values are
  // checked again (the check costs far more than the counting).
  const verdicts = new Map<string, boolean>();
  const score = (local: Int32Array) =>
    sharedValuesInSampleOrder(
      features,
      cols,
      local,
      params,
      labels && Int32Array.from(local, (r) => labels[r] as number),
      verdicts,
    );
  const analyst = Array.from({ length: rows }, (_, i) => i);
  const out = new Float32Array(rows + group.length);
  out.set(score(Int32Array.from(analyst)));
  for (const g of new Set(group)) {
    const added = [...group.keys()].filter((j) => group[j] === g).map((j) => rows + j);
    const scores = score(Int32Array.from([...analyst, ...added]));
    added.forEach((r, k) => {
      out[r] = scores[rows + k] as number;
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
