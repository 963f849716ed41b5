/**
 * Which dataset rows a run trains on and records, and moving values between the run's rows and the dataset's: a
 * retrained run leaves the quarantined rows out, yet every row number it reports stays a dataset row number.
 */
import type { SplitRows } from './split';
import type { TrainingData } from './types';

/** The rows a run keeps: its training data without `exclude`, and the dataset row of each kept row. */
export interface KeptData {
  data: TrainingData;
  /** Dataset row of each row of `data`; null when every row is kept (identity). */
  rows: Int32Array | null;
  /** The excluded dataset rows that exist, sorted and distinct. */
  excluded: Int32Array;
}

/** Leaves `exclude`'s rows out of `data` (out-of-range rows are ignored), so the core trains on the rest unchanged. */
export function withoutRows(data: TrainingData, exclude: Int32Array | undefined): KeptData {
  const n = data.labels.length;
  const drop = new Uint8Array(n);
  for (const r of exclude ?? []) if (r >= 0 && r < n) drop[r] = 1;
  const excluded: number[] = [];
  for (let r = 0; r < n; r++) if (drop[r]) excluded.push(r);
  if (excluded.length === 0) return { data, rows: null, excluded: new Int32Array(0) };
  const rows = new Int32Array(n - excluded.length);
  let k = 0;
  for (let r = 0; r < n; r++) if (!drop[r]) rows[k++] = r;
  const f = data.featureCount;
  const features = new Float32Array(rows.length * f);
  const labels = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    features.set(data.features.subarray(rows[i] * f, rows[i] * f + f), i * f);
    labels[i] = data.labels[rows[i]];
  }
  return { data: { ...data, features, labels }, rows, excluded: Int32Array.from(excluded) };
}

/**
 * A split of the whole dataset carried over to the kept data: each side keeps its rows that were not left out,
 * renumbered as rows of the kept data. A retraining without the quarantined rows thus validates on the same rows as
 * the run it retrains (less any quarantined ones), so before and after compare on the same rows.
 */
export function splitWithout(split: SplitRows, kept: Int32Array): SplitRows {
  const local = new Map<number, number>();
  for (let i = 0; i < kept.length; i++) local.set(kept[i] as number, i);
  const carry = (rows: Int32Array) => {
    const out: number[] = [];
    for (const r of rows) {
      const i = local.get(r);
      if (i !== undefined) out.push(i);
    }
    return Int32Array.from(out).sort();
  };
  return { trainRows: carry(split.trainRows), valRows: carry(split.valRows) };
}

/** Maps rows of the kept data back to dataset rows (a new array; identity copies when nothing was left out). */
export function toDatasetRows(kept: Int32Array | null, local: Int32Array): Int32Array {
  if (!kept) return local;
  const out = new Int32Array(local.length);
  for (let i = 0; i < local.length; i++) out[i] = kept[local[i]];
  return out;
}

/**
 * The rows of `data` a run recorded (a retrained run leaves the quarantined rows out of its samples) and each
 * sample's row within them: cross-validation must train on the run's rows only, or the quarantined rows would
 * shape the label family's out-of-sample probabilities. `data` itself when the run kept every row.
 */
export function runRows(
  data: TrainingData,
  sampleRows: Int32Array,
): { data: TrainingData; local: Int32Array } {
  const n = data.labels.length;
  const inRun = new Uint8Array(n);
  for (const r of sampleRows) {
    if (!(r >= 0 && r < n)) throw new RangeError(`The run names row ${r}, outside the dataset's ${n} rows.`);
    inRun[r] = 1;
  }
  // Dataset row → row of the kept data, in dataset order (so folds stratify as for a run that kept every row).
  const position = new Int32Array(n).fill(-1);
  let kept = 0;
  for (let r = 0; r < n; r++) if (inRun[r]) position[r] = kept++;
  const local = Int32Array.from(sampleRows, (r) => position[r]);
  if (kept === n) return { data, local };
  const f = data.featureCount;
  const features = new Float32Array(kept * f);
  const labels = new Int32Array(kept);
  for (let r = 0; r < n; r++) {
    const k = position[r];
    if (k < 0) continue;
    features.set(data.features.subarray(r * f, r * f + f), k * f);
    labels[k] = data.labels[r];
  }
  return { data: { ...data, features, labels }, local };
}

/** Reorders dataset-row-order probabilities (rows × C) to the order of `sampleRows`. */
export function toSampleOrder(probabilities: Float32Array, sampleRows: Int32Array, c: number): Float32Array {
  const out = new Float32Array(sampleRows.length * c);
  for (let i = 0; i < sampleRows.length; i++) {
    const r = sampleRows[i];
    out.set(probabilities.subarray(r * c, r * c + c), i * c);
  }
  return out;
}
