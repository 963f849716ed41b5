/**
 * Images of an image dataset drawn as they are stored (H × W × C uint8, one or three channels), and one image's
 * difference from its class's mean image: pure RGBA transforms, and a canvas drawing into the element handed in.
 * The canvas is at the image's own size; CSS scales it up with `image-rendering: pixelated`, so pixel edges show.
 */

/** The shape of stored pixels. */
export interface PixelShape {
  height: number;
  width: number;
  channels: number;
}

/** RGBA bytes of one stored image (grey: the value in each of R, G and B), opaque. */
export function rgbaOf(pixels: ArrayLike<number>, shape: PixelShape): Uint8ClampedArray<ArrayBuffer> {
  const n = shape.height * shape.width;
  const c = shape.channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const r = pixels[i * c] ?? 0;
    out[4 * i] = r;
    out[4 * i + 1] = c === 1 ? r : (pixels[i * c + 1] ?? 0);
    out[4 * i + 2] = c === 1 ? r : (pixels[i * c + 2] ?? 0);
    out[4 * i + 3] = 255;
  }
  return out;
}

/**
 * RGBA bytes of `pixels` minus `mean` (both H × W × C uint8), averaged over channels: red where the image is
 * brighter than its class's mean, blue where it is darker, black where they agree; full colour at a difference of
 * `scale` levels or more (default 255, one scale for every image, so differences compare across samples).
 */
export function differenceRgba(
  pixels: ArrayLike<number>,
  mean: ArrayLike<number>,
  shape: PixelShape,
  scale = 255,
): Uint8ClampedArray<ArrayBuffer> {
  const n = shape.height * shape.width;
  const c = shape.channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let k = 0; k < c; k++) d += (pixels[i * c + k] ?? 0) - (mean[i * c + k] ?? 0);
    const v = Math.min(1, Math.abs(d / c) / scale) * 255;
    out[4 * i] = d > 0 ? v : 0;
    out[4 * i + 1] = 0;
    out[4 * i + 2] = d < 0 ? v : 0;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** The largest absolute per-pixel difference (averaged over channels) between an image and a mean, in levels. */
export function largestDifference(
  pixels: ArrayLike<number>,
  mean: ArrayLike<number>,
  shape: PixelShape,
): number {
  const n = shape.height * shape.width;
  const c = shape.channels;
  let most = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let k = 0; k < c; k++) d += (pixels[i * c + k] ?? 0) - (mean[i * c + k] ?? 0);
    most = Math.max(most, Math.abs(d / c));
  }
  return most;
}

/**
 * RGBA bytes of an image with the pixels of `columns` (feature indices, H × W × C order: pixel = index / C) in
 * yellow and every other pixel at a third of its brightness in grey: where a group of shared values sits.
 */
export function markedRgba(
  pixels: ArrayLike<number>,
  columns: readonly number[],
  shape: PixelShape,
): Uint8ClampedArray<ArrayBuffer> {
  const n = shape.height * shape.width;
  const c = shape.channels;
  const marked = new Uint8Array(n);
  for (const j of columns) if (j >= 0 && j < n * c) marked[Math.floor(j / c)] = 1;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < c; k++) sum += pixels[i * c + k] ?? 0;
    const dim = sum / c / 3;
    out[4 * i] = marked[i] ? 255 : dim;
    out[4 * i + 1] = marked[i] ? 210 : dim;
    out[4 * i + 2] = marked[i] ? 0 : dim;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Draws RGBA bytes of `shape`'s size into `canvas` at that size. */
export function drawRgba(
  canvas: HTMLCanvasElement,
  rgba: Uint8ClampedArray<ArrayBuffer>,
  shape: PixelShape,
): void {
  if (canvas.width !== shape.width) canvas.width = shape.width;
  if (canvas.height !== shape.height) canvas.height = shape.height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.putImageData(new ImageData(rgba, shape.width, shape.height), 0, 0);
}
