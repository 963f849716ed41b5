/** Turns a validated dataset from the worker into the records the store keeps. Pure: no loops over rows. */
import { squareImageSize } from '../../workers/core/ingest/image';
import type { ColumnPlan, IngestLimits } from '../../workers/core/ingest/types';
import type { TransferredDataset } from '../../workers/ingest.api';
import type { DatasetArrays, DatasetId, DatasetMeta, ImportTimings, RowSample } from './schema';

/** How many rows the overview shows as thumbnails. */
export const SAMPLE_ROWS = 48;

/** `count` row indices spread evenly over `rows` rows (all of them when there are fewer). */
export function spreadRows(rows: number, count: number): number[] {
  const n = Math.min(rows, count);
  return Array.from({ length: n }, (_, k) => Math.floor((k * rows) / n));
}

/** Copies the chosen rows' features and labels out of the full arrays. */
export function sampleRows(
  features: Float32Array,
  labels: Int32Array,
  featureCount: number,
  rows: number[],
): RowSample {
  const out = new Float32Array(rows.length * featureCount);
  rows.forEach((row, k) => {
    out.set(features.subarray(row * featureCount, (row + 1) * featureCount), k * featureCount);
  });
  return { rows, labels: rows.map((row) => labels[row] ?? -1), features: out };
}

/** Display name for a dataset made from `fileName`: the name without its extension. */
export function datasetName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** What `toRecords` needs besides the dataset itself. */
export interface RecordContext {
  id: DatasetId;
  classCounts: number[];
  plan: ColumnPlan;
  limits: IngestLimits;
  timings: ImportTimings;
  createdAt: number;
}

/** Splits an ingested dataset into its metadata and its per-row arrays. */
export function toRecords(
  dataset: TransferredDataset,
  context: RecordContext,
): { meta: DatasetMeta; arrays: DatasetArrays } {
  const featureCount = dataset.featureNames.length;
  const { id } = context;
  const meta: DatasetMeta = {
    id,
    name: datasetName(dataset.fileName),
    fileName: dataset.fileName,
    bytes: dataset.bytes,
    sha256: dataset.sha256,
    rows: dataset.rows,
    delimiter: dataset.delimiter,
    header: dataset.header,
    headerEnd: dataset.headerEnd,
    labelColumn: dataset.labelColumn,
    idColumn: dataset.idColumn,
    featureNames: dataset.featureNames,
    classes: dataset.classes,
    classCounts: context.classCounts,
    plan: context.plan,
    limits: context.limits,
    stats: dataset.stats,
    warnings: dataset.warnings,
    createdAt: context.createdAt,
    image: squareImageSize(featureCount),
    sample: sampleRows(dataset.features, dataset.labels, featureCount, spreadRows(dataset.rows, SAMPLE_ROWS)),
    timings: context.timings,
    status: 'complete',
  };
  const arrays: DatasetArrays = {
    id,
    features: dataset.features,
    labels: dataset.labels,
    idText: dataset.idText,
    lines: dataset.lines,
    rowStart: dataset.rowStart,
    rowEnd: dataset.rowEnd,
    rowSha256: dataset.rowSha256,
  };
  return { meta, arrays };
}
