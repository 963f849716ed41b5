/**
 * What the overview and the review draw of an image dataset without reading its pixels again: each class's mean
 * image (where a trigger shared by many images of one class shows, and against which one image's difference is
 * drawn) and a few thumbnails per class. Computed once, in the ingest worker, and stored with the dataset.
 */

/** Thumbnails kept per class. */
export const THUMBS_PER_CLASS = 12;
/** Classes that get thumbnails (the first ones in class order); every class gets its mean. */
export const THUMB_CLASSES = 60;

/** Each class's mean image, rounded to uint8: classes × perImage. A class without images is all zeros. */
export function classMeanImages(
  pixels: Uint8Array,
  labels: Int32Array,
  classCount: number,
  perImage: number,
): Uint8Array {
  const sums = new Float64Array(classCount * perImage);
  const counts = new Float64Array(classCount);
  for (let r = 0; r < labels.length; r++) {
    const k = labels[r];
    if (k < 0 || k >= classCount) continue;
    counts[k]++;
    const base = k * perImage;
    const from = r * perImage;
    for (let i = 0; i < perImage; i++) sums[base + i] += pixels[from + i];
  }
  const out = new Uint8Array(classCount * perImage);
  for (let k = 0; k < classCount; k++) {
    if (counts[k] === 0) continue;
    for (let i = 0; i < perImage; i++) out[k * perImage + i] = Math.round(sums[k * perImage + i] / counts[k]);
  }
  return out;
}

/**
 * Rows to show per class: up to `perClass` rows of each of the first `maxClasses` classes, spread evenly over the
 * class's rows (row order is path order, so the first images alone could all come from one sub-folder).
 */
export function thumbnailRows(
  labels: Int32Array,
  classCount: number,
  perClass = THUMBS_PER_CLASS,
  maxClasses = THUMB_CLASSES,
): number[][] {
  const shown = Math.min(classCount, maxClasses);
  const members: number[][] = Array.from({ length: shown }, () => []);
  for (let r = 0; r < labels.length; r++) {
    const k = labels[r];
    if (k >= 0 && k < shown) members[k]?.push(r);
  }
  return members.map((rows) => {
    const n = Math.min(perClass, rows.length);
    return Array.from({ length: n }, (_, j) => rows[Math.floor((j * rows.length) / n)] as number);
  });
}

/** The pixels of `rows` (in order), perImage values each. */
export function gatherPixels(pixels: Uint8Array, rows: readonly number[], perImage: number): Uint8Array {
  const out = new Uint8Array(rows.length * perImage);
  rows.forEach((r, j) => {
    out.set(pixels.subarray(r * perImage, (r + 1) * perImage), j * perImage);
  });
  return out;
}
