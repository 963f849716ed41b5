/**
 * The storage format of a dataset's per-row arrays: one Blob holding every array's bytes back to back.
 * Measured in this Chromium (200k rows, 37 MB): an IndexedDB put of one Blob takes 0.2–0.4 s, against
 * 0.7–1.1 s for a record of typed arrays (the structured clone copies them, then IndexedDB wraps the copy).
 */
import type { DatasetArrays } from './schema';

/** Tag of this layout, stored with the Blob so a later format can be told apart. */
export const ARRAYS_FORMAT = 'sift-arrays/1';

/** The arrays of a dataset that are packed into the Blob (ids are stored apart, as text). */
export type RowArrays = Omit<DatasetArrays, 'id' | 'idText'>;

/**
 * Byte offsets of each array for `rows` rows of `featureCount` features. 8-byte arrays come first and 4-byte ones
 * next, so every typed-array view of the unpacked buffer is aligned.
 */
export function arraysLayout(rows: number, featureCount: number) {
  const rowStart = 0;
  const rowEnd = rowStart + 8 * rows;
  const features = rowEnd + 8 * rows;
  const labels = features + 4 * rows * featureCount;
  const lines = labels + 4 * rows;
  const rowSha256 = lines + 4 * rows;
  const byteLength = rowSha256 + 32 * rows;
  return { rowStart, rowEnd, features, labels, lines, rowSha256, byteLength };
}

/** Packs the arrays into one Blob (a copy; the arrays stay usable). */
export function packArrays(arrays: RowArrays): Blob {
  // Order must match arraysLayout.
  return new Blob([
    arrays.rowStart,
    arrays.rowEnd,
    arrays.features,
    arrays.labels,
    arrays.lines,
    arrays.rowSha256,
  ] as BlobPart[]);
}

/** Reads packed arrays back as typed-array views of one buffer; throws if the Blob's size does not fit the shape. */
export async function unpackArrays(blob: Blob, rows: number, featureCount: number): Promise<RowArrays> {
  const at = arraysLayout(rows, featureCount);
  if (blob.size !== at.byteLength) {
    throw new Error(
      `Stored arrays hold ${blob.size} bytes; ${rows} rows × ${featureCount} features need ${at.byteLength}.`,
    );
  }
  const buffer = await blob.arrayBuffer();
  return {
    rowStart: new Float64Array(buffer, at.rowStart, rows),
    rowEnd: new Float64Array(buffer, at.rowEnd, rows),
    features: new Float32Array(buffer, at.features, rows * featureCount),
    labels: new Int32Array(buffer, at.labels, rows),
    lines: new Uint32Array(buffer, at.lines, rows),
    rowSha256: new Uint8Array(buffer, at.rowSha256, 32 * rows),
  };
}
