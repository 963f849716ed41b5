/**
 * The review worker's image side (issue 11): the stored pixels and class means of an image dataset, answered a few
 * rows at a time for thumbnails and the detail view, and the image exports (the kept and the quarantined files as
 * zips, each file byte for byte under its path, read back from the stored zip or folder and checked against the
 * SHA-256 recorded at import).
 */
import type { DatasetArrays, DatasetMeta } from '../app/db/schema';
import type { Stores } from '../app/db/stores';
import { ByteBudget } from './core/ingest/images/catalog';
import { folderSource } from './core/ingest/images/folder';
import type { ImageShape, ImageSource } from './core/ingest/images/types';
import { zipSource } from './core/ingest/images/zip';
import { exportFiles as filesOf, imageZipBytes } from './core/manifest/image-zip';

/** What the review keeps of an image dataset. */
export interface ReviewImages {
  shape: ImageShape;
  /** Values per image (H × W × C). */
  per: number;
  pixels: Uint8Array;
  /** classes × per: each class's mean image. */
  classMeans: Uint8Array;
}

/** The review's image data of a dataset, or null for a CSV dataset. */
export async function loadReviewImages(
  stores: Stores,
  meta: DatasetMeta,
  arrays: DatasetArrays,
): Promise<ReviewImages | null> {
  if (!meta.images || !arrays.images) return null;
  const overview = await stores.datasets.loadImageOverview(meta.id);
  const { shape } = meta.images;
  const per = shape.height * shape.width * shape.channels;
  return {
    shape,
    per,
    pixels: arrays.images.pixels,
    classMeans: overview?.classMeans ?? new Uint8Array(meta.classes.length * per),
  };
}

/** The stored pixels of `rows`, in order (per values each; rows out of range are black). */
export function pixelsOf(images: ReviewImages, rows: Int32Array): Uint8Array {
  const { per, pixels } = images;
  const out = new Uint8Array(rows.length * per);
  const count = pixels.length / per;
  rows.forEach((row, j) => {
    if (row >= 0 && row < count) out.set(pixels.subarray(row * per, (row + 1) * per), j * per);
  });
  return out;
}

/** The mean image of class `label` (a copy), or null when there is no such class. */
export function classMeanOf(images: ReviewImages, label: number): Uint8Array | null {
  const { per, classMeans } = images;
  if (!(label >= 0 && (label + 1) * per <= classMeans.length)) return null;
  return classMeans.slice(label * per, (label + 1) * per);
}

/** The stored zip, or a folder's files back to back, as an ImageSource whose entries are the files by path. */
async function storedSource(
  meta: DatasetMeta,
  arrays: DatasetArrays,
  ids: readonly string[],
  blob: Blob,
): Promise<ImageSource> {
  const read = async (offset: number, length: number) =>
    new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
  const limits = meta.images?.limits;
  if (meta.images?.source === 'zip') {
    return zipSource({ size: blob.size, read }, meta.fileName, limits?.maxEntries ?? Number.MAX_SAFE_INTEGER);
  }
  return folderSource(
    meta.fileName,
    ids.map((path, r) => {
      const start = arrays.rowStart[r] as number;
      const size = (arrays.rowEnd[r] as number) - start;
      return { path, size, read: (o: number, n: number) => read(start + o, Math.min(n, size - o)) };
    }),
  );
}

/** The clean and the quarantine zips: the kept and the quarantined rows' files, under their paths. */
export async function imageExportZips(
  meta: DatasetMeta,
  arrays: DatasetArrays,
  ids: readonly string[],
  blob: Blob,
  kept: Iterable<number>,
  quarantined: Iterable<number>,
): Promise<{ clean: Uint8Array; quarantine: Uint8Array }> {
  const limits = meta.images?.limits;
  if (!limits) throw new Error('This dataset is not an image dataset.');
  const source = await storedSource(meta, arrays, ids, blob);
  const zip = (rows: Iterable<number>) =>
    imageZipBytes(source, filesOf(ids, arrays.rowSha256, rows), limits, new ByteBudget(limits.maxTotalBytes));
  return { clean: await zip(kept), quarantine: await zip(quarantined) };
}

/** Whether dropped bytes are a zip (a local header, or an empty zip's end record). */
export function isZipBytes(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}
