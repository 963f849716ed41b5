/** Turns an imported image dataset into the records the store keeps (image-schema.ts). */

import { packIds } from '../../workers/core/ingest/ids';
import { pixelNames } from '../../workers/core/ingest/images/dataset';
import { classMeanImages, gatherPixels, thumbnailRows } from '../../workers/core/ingest/images/overview';
import type { ImageDataset, ImageLimits } from '../../workers/core/ingest/images/types';
import { DEFAULT_LIMITS } from '../../workers/core/ingest/types';
import { datasetName } from './dataset-records';
import type { ImageArrays } from './image-arrays';
import { IMAGE_LIST_CAP, type ImageOverviewRecord } from './image-schema';
import type { DatasetId, DatasetMeta, ImportTimings } from './schema';

/** What `imageRecords` needs besides the dataset itself. */
export interface ImageRecordContext {
  id: DatasetId;
  source: 'zip' | 'folder';
  limits: ImageLimits;
  timings: ImportTimings;
  createdAt: number;
}

/** Rows per class code. */
export function classCountsOf(labels: Int32Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const k of labels) if (k >= 0 && k < classCount) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

/** The metadata, packed arrays, ids and overview record of an imported image dataset. */
export function imageRecords(
  ds: ImageDataset,
  context: ImageRecordContext,
): {
  meta: DatasetMeta;
  arrays: ImageArrays;
  idText: string;
  overview: Omit<ImageOverviewRecord, 'id'>;
} {
  const { shape } = ds;
  const per = shape.height * shape.width * shape.channels;
  const classCount = ds.classes.length;
  const labelColumn = ds.layout === 'class-folders' ? 'class folder' : 'label';
  const meta: DatasetMeta = {
    id: context.id,
    name: datasetName(ds.name),
    fileName: ds.name,
    bytes: ds.bytes,
    sha256: ds.sha256,
    rows: ds.rows,
    delimiter: '',
    header: [],
    headerEnd: 0,
    labelColumn,
    idColumn: 'path',
    featureNames: pixelNames(shape),
    classes: ds.classes,
    classCounts: classCountsOf(ds.labels, classCount),
    plan: { labelColumn, idColumn: 'path', excluded: [], oneHot: [], missing: 'drop-row' },
    limits: { ...DEFAULT_LIMITS, maxClasses: context.limits.maxClasses },
    stats: {
      min: new Float64Array(0),
      max: new Float64Array(0),
      mean: new Float64Array(0),
      missing: new Uint32Array(0),
    },
    warnings: [],
    createdAt: context.createdAt,
    image: { width: shape.width, height: shape.height, channels: shape.channels },
    images: {
      source: context.source,
      layout: ds.layout,
      labelsCsv: ds.labelsCsv,
      shape: { ...shape },
      limits: { ...context.limits },
      sizes: ds.sizes.slice(0, 8),
      skipped: ds.skipped.slice(0, IMAGE_LIST_CAP),
      skippedCount: ds.skipped.length,
      warnings: ds.warnings.slice(0, IMAGE_LIST_CAP),
    },
    sample: { rows: [], labels: [], features: new Float32Array(0) },
    timings: context.timings,
    status: 'complete',
  };
  const thumbRows = thumbnailRows(ds.labels, classCount);
  return {
    meta,
    arrays: {
      fileBytes: ds.fileBytes,
      labels: ds.labels,
      nativeWidth: ds.nativeWidth,
      nativeHeight: ds.nativeHeight,
      fileSha256: ds.fileSha256,
      pixels: ds.pixels,
    },
    idText: packIds(ds.ids),
    overview: {
      classMeans: classMeanImages(ds.pixels, ds.labels, classCount, per),
      thumbRows,
      thumbPixels: gatherPixels(ds.pixels, thumbRows.flat(), per),
    },
  };
}
