/**
 * The final feature matrix of an import, from the columns a streaming read collected: one-hot columns expanded in
 * header order, per-column statistics over the observed values, and missing values imputed with column medians.
 */
import { ROLE_FEATURE, ROLE_ONE_HOT } from './columns';
import { IngestError } from './ingest-error';
import type { ByteInterner } from './intern';
import { parseNumberText } from './numbers';
import { tooManyColumns } from './problems';
import type { FeatureStats } from './types';

/** What a streaming read collected, for `buildFeatures`. */
export interface CollectedColumns {
  file: string;
  header: string[];
  headerLine: number;
  /** Kept rows. */
  rows: number;
  /** Columns of the file. */
  columns: number;
  /** Per column: its role code (ROLE_FEATURE, ROLE_ONE_HOT, …). */
  roles: Int8Array;
  /** Per column: its slot among the numeric features, or -1. */
  slots: Int32Array;
  /** Per column: its index among the one-hot columns, or -1. */
  oneHotOf: Int32Array;
  numericCount: number;
  /** rows × numericCount (or more: capacity), row-major. */
  features: Float32Array;
  missingPerSlot: Uint32Array;
  oneHotValues: ByteInterner[];
  oneHotCodes: Int32Array[];
  maxColumns: number;
}

/** The final feature matrix in header order, one-hot columns expanded; and each column's missing count. */
export function buildFeatures(c: CollectedColumns): {
  features: Float32Array;
  featureNames: string[];
  missing: Uint32Array;
} {
  const { rows, header } = c;
  const numeric = c.numericCount;
  if (c.oneHotValues.length === 0) {
    const featureNames = header.filter((_, k) => c.roles[k] === ROLE_FEATURE);
    return { features: trim(c.features, rows * numeric), featureNames, missing: c.missingPerSlot };
  }
  // One-hot values in natural order, keeping only values that occur in kept rows.
  const featureNames: string[] = [];
  const missingList: number[] = [];
  const target = new Int32Array(numeric); // numeric slot → output column
  const oneHotOffset: number[] = [];
  const oneHotRemap: Int32Array[] = [];
  for (let k = 0; k < c.columns; k++) {
    if (c.roles[k] === ROLE_FEATURE) {
      target[c.slots[k]] = featureNames.length;
      featureNames.push(header[k]);
      missingList.push(c.missingPerSlot[c.slots[k]]);
    } else if (c.roles[k] === ROLE_ONE_HOT) {
      const j = c.oneHotOf[k];
      const codes = c.oneHotCodes[j];
      const names = c.oneHotValues[j].values;
      const used = new Uint8Array(names.length);
      for (let r = 0; r < rows; r++) used[codes[r]] = 1;
      const present = names.map((name, code) => ({ name, code })).filter((v) => used[v.code] === 1);
      const order = naturalOrder(present.map((v) => v.name));
      const remap = new Int32Array(names.length).fill(-1);
      oneHotOffset[j] = featureNames.length;
      order.forEach((p, position) => {
        remap[present[p].code] = position;
        featureNames.push(`${header[k]}=${present[p].name}`);
        missingList.push(0);
      });
      oneHotRemap[j] = remap;
    }
  }
  const width = featureNames.length;
  if (width > c.maxColumns) {
    throw new IngestError([tooManyColumns(c.file, c.headerLine, width, c.maxColumns)]);
  }
  const out = new Float32Array(rows * width);
  const source = c.features;
  for (let r = 0; r < rows; r++) {
    const from = r * numeric;
    const to = r * width;
    for (let slot = 0; slot < numeric; slot++) out[to + target[slot]] = source[from + slot];
    for (let j = 0; j < oneHotRemap.length; j++) {
      out[to + oneHotOffset[j] + oneHotRemap[j][c.oneHotCodes[j][r]]] = 1;
    }
  }
  return { features: out, featureNames, missing: Uint32Array.from(missingList) };
}

export function growTo<T extends Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array>(
  old: T,
  grown: T,
): T {
  grown.set(old as never);
  return grown;
}

/**
 * The first `length` entries: the array itself when it is exactly that long; a view of them when the rest is
 * at most a sixteenth of the array (the collector sizes its arrays from the file's size, so on a large file the
 * rest is about 2%: copying 25 MB of features cost 0.1 s of a 200k-row import, issue 15); else a copy. Either
 * way the result is the only view of its buffer, so it can be transferred alone.
 */
export function trim<T extends Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array>(
  array: T,
  length: number,
): T {
  if (array.length === length) return array;
  if (array.length - length <= array.length / 16) return array.subarray(0, length) as T;
  return array.slice(0, length) as T;
}

/**
 * Indices of `names` in natural order: by numeric value when every name is a number (ties by text), else by
 * UTF-16 code units (deterministic, unlike a locale-dependent collation).
 */
export function naturalOrder(names: string[]): number[] {
  const index = names.map((_, k) => k);
  const values = names.map((n) => parseNumberText(n));
  const byText = (a: number, b: number): number => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0);
  if (values.every((v) => v !== null)) {
    return index.sort((a, b) => (values[a] as number) - (values[b] as number) || byText(a, b));
  }
  return index.sort(byText);
}

/** Per-column min, max and mean over finite values (NaN where a column has none), with the missing counts. */
export function featureStats(
  features: Float32Array,
  rows: number,
  width: number,
  missing: Uint32Array,
): FeatureStats {
  const min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  const sum = new Float64Array(width);
  const count = new Uint32Array(width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const v = features[base + c];
      if (Number.isNaN(v)) continue;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
      sum[c] += v;
      count[c]++;
    }
  }
  const mean = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    if (count[c] === 0) {
      min[c] = Number.NaN;
      max[c] = Number.NaN;
      mean[c] = Number.NaN;
    } else {
      mean[c] = sum[c] / count[c];
    }
  }
  return { min, max, mean, missing };
}

/** Replaces each NaN with its column's median over the finite values (0 when the column has none). */
export function imputeMedians(features: Float32Array, rows: number, missing: Uint32Array): void {
  const width = missing.length;
  const column = new Float32Array(rows);
  for (let c = 0; c < width; c++) {
    if (missing[c] === 0) continue;
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const v = features[r * width + c];
      if (!Number.isNaN(v)) column[n++] = v;
    }
    const finite = column.subarray(0, n).sort();
    const median = n === 0 ? 0 : n % 2 === 1 ? finite[(n - 1) / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
    for (let r = 0; r < rows; r++) {
      if (Number.isNaN(features[r * width + c])) features[r * width + c] = median;
    }
  }
}
