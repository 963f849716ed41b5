/**
 * The stored shape of image datasets (issue 11). An image dataset is a dataset like a CSV one (`datasets`,
 * `datasetArrays`, `datasetFiles`, written in one transaction), with three differences: its metadata carries
 * `images` (layout, shape, what was left out), its arrays record holds the pixels as uint8 (format
 * `sift-image-arrays/1`, see image-arrays.ts) instead of float32 features, and a fourth record in `datasetImages`
 * holds what the overview and the review draw without reading the pixels: each class's mean image and a few
 * thumbnails per class. The file record is the original zip, or a dropped folder's image files back to back in row
 * order (each one `fileBytes[r]` long), so exports copy every file byte for byte.
 */
import type {
  ImageLayout,
  ImageLimits,
  ImageProblem,
  ImageShape,
} from '../../workers/core/ingest/images/types';
import type { DatasetId } from './ids';

/** How many entries of `skipped` and `warnings` the metadata keeps (the counts are kept whole). */
export const IMAGE_LIST_CAP = 200;

/** What the metadata says about an image dataset. */
export interface ImageDatasetInfo {
  /** 'zip': the file record is the zip; 'folder': the images' bytes back to back in row order. */
  source: 'zip' | 'folder';
  layout: ImageLayout;
  /** The path of the labels CSV inside the zip or folder (layout 'labels-csv'). */
  labelsCsv: string | null;
  /** The shape every image was brought to. */
  shape: ImageShape;
  limits: ImageLimits;
  /** Native sizes, most common first (at most 8), with how many images have each. */
  sizes: Array<{ width: number; height: number; count: number }>;
  /** Files left out with the analyst's consent (the first IMAGE_LIST_CAP), and how many in all. */
  skipped: Array<{ path: string; reason: string }>;
  skippedCount: number;
  warnings: ImageProblem[];
}

/** The pixels and per-file arrays of an image dataset, packed into one Blob (image-arrays.ts). */
export interface StoredImageArrays {
  id: DatasetId;
  format: 'sift-image-arrays/1';
  rows: number;
  /** height × width × channels. */
  featureCount: number;
  blob: Blob;
  idText: string;
}

/** What the overview and the review draw of an image dataset without its pixels. */
export interface ImageOverviewRecord {
  id: DatasetId;
  /** classes × H × W × C: each class's mean image, rounded to uint8. */
  classMeans: Uint8Array;
  /** Dataset rows shown as thumbnails, per class in class order: `thumbRows[k]` for `classes[k]`. */
  thumbRows: number[][];
  /** The thumbnails' pixels, H × W × C each, in the order of `thumbRows` flattened. */
  thumbPixels: Uint8Array;
}
