/**
 * A row's cells as the file wrote them: the review worker reads the row's original bytes (the ingest keeps the file
 * and each row's byte range) and splits them here, so the detail panel shows `28.11`, not the float32 the model saw
 * (`28.110000610351562`). Pure: the review worker calls it, the tests check it.
 */
import Papa from 'papaparse';
import { parseNumberText } from '../ingest/numbers';

/** The cells of one CSV record (RFC 4180 quoting, doubled quotes undone) under a known delimiter. */
export function recordCells(text: string, delimiter: string): string[] {
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: false });
  return parsed.data[0] ?? [];
}

/** The shortest decimal that reads back as the same float32: 28.110000610351562 → "28.11"; NaN and ±∞ as words. */
export function shortestFloat32(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const text = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(text)) === f) return text;
  }
  return String(f);
}

/** What a column plan says about the file's columns, as the review needs it. */
export interface FeatureColumns {
  header: readonly string[];
  featureNames: readonly string[];
  /** Columns one-hot encoded into `name=value` features. */
  oneHot: readonly string[];
}

/** The header column each feature comes from (a one-hot feature `col=value` comes from `col`); -1 when unknown. */
export function featureSources(columns: FeatureColumns): Int32Array {
  const at = new Map(columns.header.map((name, k) => [name, k]));
  const oneHot = new Set(columns.oneHot);
  return Int32Array.from(columns.featureNames, (name) => {
    const direct = at.get(name);
    if (direct !== undefined && !oneHot.has(name)) return direct;
    // `col=value`: the longest one-hot column name that prefixes it (a column name may itself hold '=').
    let best = -1;
    let bestLength = -1;
    for (const col of oneHot) {
      const k = at.get(col);
      if (k !== undefined && name.startsWith(`${col}=`) && col.length > bestLength) {
        best = k;
        bestLength = col.length;
      }
    }
    return best;
  });
}

/** One feature's cell as written, and whether the model saw the column's imputed value instead of it. */
export interface WrittenCell {
  text: string;
  /** The cell is not a finite number (empty, NaN, NA, inf, beyond float32): the import imputed the column median. */
  missing: boolean;
}

/** Each feature's cell in `cells` (the row's record), by `sources`; one-hot cells are text and never missing. */
export function writtenCells(
  cells: readonly string[],
  sources: Int32Array,
  oneHotFeature: Uint8Array,
): WrittenCell[] {
  return Array.from(sources, (k, f) => {
    const text = k >= 0 ? (cells[k] ?? '') : '';
    if (oneHotFeature[f] === 1) return { text, missing: false };
    const v = parseNumberText(text);
    return { text, missing: v === null || !Number.isFinite(Math.fround(v)) };
  });
}

/** 1 for each feature that a one-hot column made (its name is not a header column of its own). */
export function oneHotFeatures(columns: FeatureColumns, sources: Int32Array): Uint8Array {
  const oneHot = new Set(columns.oneHot);
  return Uint8Array.from(sources, (k) => (k >= 0 && oneHot.has(columns.header[k] ?? '') ? 1 : 0));
}
