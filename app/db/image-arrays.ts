/**
 * The storage format of an image dataset's arrays (`sift-image-arrays/1`): one Blob holding, back to back, each
 * file's size (float64), the labels (int32), each image's native width and height (uint32), each file's SHA-256
 * (32 bytes) and the pixels (uint8, rows × H × W × C). 8-byte arrays first, then 4-byte, then bytes, so every view
 * of the unpacked buffer is aligned. Pixels stay uint8 here (a quarter of float32); `pixelFeatures` scales them to
 * [0, 1] where a model needs them.
 */
import type { StoredImageArrays } from './image-schema';

/** Either format's `datasetArrays` record, as far as these helpers read it (schema.ts imports this file). */
interface AnyStoredArrays {
  format: string;
  rows: number;
  featureCount: number;
  blob: Blob;
}

export const IMAGE_ARRAYS_FORMAT = 'sift-image-arrays/1';

/** The arrays of an image dataset, as packed. */
export interface ImageArrays {
  fileBytes: Float64Array;
  labels: Int32Array;
  nativeWidth: Uint32Array;
  nativeHeight: Uint32Array;
  /** rows × 32 bytes. */
  fileSha256: Uint8Array;
  /** rows × perImage, H × W × C per row. */
  pixels: Uint8Array;
}

/** Byte offsets of each array for `rows` images of `perImage` values. */
export function imageArraysLayout(rows: number, perImage: number) {
  const fileBytes = 0;
  const labels = fileBytes + 8 * rows;
  const nativeWidth = labels + 4 * rows;
  const nativeHeight = nativeWidth + 4 * rows;
  const fileSha256 = nativeHeight + 4 * rows;
  const pixels = fileSha256 + 32 * rows;
  const byteLength = pixels + rows * perImage;
  return { fileBytes, labels, nativeWidth, nativeHeight, fileSha256, pixels, byteLength };
}

/** Packs the arrays into one Blob (a copy; the arrays stay usable). */
export function packImageArrays(a: ImageArrays): Blob {
  // Order must match imageArraysLayout.
  return new Blob([
    a.fileBytes,
    a.labels,
    a.nativeWidth,
    a.nativeHeight,
    a.fileSha256,
    a.pixels,
  ] as BlobPart[]);
}

/** Reads packed image arrays back as views of one buffer; throws if the Blob's size does not fit the shape. */
export async function unpackImageArrays(blob: Blob, rows: number, perImage: number): Promise<ImageArrays> {
  const at = imageArraysLayout(rows, perImage);
  if (blob.size !== at.byteLength) {
    throw new Error(
      `Stored image arrays hold ${blob.size} bytes; ${rows} images of ${perImage} values need ${at.byteLength}.`,
    );
  }
  const buffer = await blob.arrayBuffer();
  return {
    fileBytes: new Float64Array(buffer, at.fileBytes, rows),
    labels: new Int32Array(buffer, at.labels, rows),
    nativeWidth: new Uint32Array(buffer, at.nativeWidth, rows),
    nativeHeight: new Uint32Array(buffer, at.nativeHeight, rows),
    fileSha256: new Uint8Array(buffer, at.fileSha256, 32 * rows),
    pixels: new Uint8Array(buffer, at.pixels, rows * perImage),
  };
}

/** Whether a `datasetArrays` record holds an image dataset. */
export function isImageArrays(stored: AnyStoredArrays): stored is StoredImageArrays {
  return stored.format === IMAGE_ARRAYS_FORMAT;
}

/** The labels alone, read from their slice of either format's Blob. */
export async function storedLabels(
  stored: AnyStoredArrays,
  csvLabelsAt: (rows: number, featureCount: number) => number,
): Promise<Int32Array> {
  const at = isImageArrays(stored)
    ? imageArraysLayout(stored.rows, stored.featureCount).labels
    : csvLabelsAt(stored.rows, stored.featureCount);
  return new Int32Array(await stored.blob.slice(at, at + 4 * stored.rows).arrayBuffer());
}

/** Start offset of each file in a folder's stored Blob (its files back to back in row order). */
export function fileOffsets(fileBytes: Float64Array): Float64Array {
  const out = new Float64Array(fileBytes.length);
  let at = 0;
  for (let r = 0; r < fileBytes.length; r++) {
    out[r] = at;
    at += fileBytes[r] as number;
  }
  return out;
}
