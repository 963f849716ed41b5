/** Feature rows drawn as grey-scale images: a pure pixel transform and a canvas drawing. */

/**
 * RGBA bytes of a grey image: `values` (width × height, row-major) mapped linearly from [lo, hi] to
 * [0, 255], clamped; a flat range (hi <= lo) draws mid-grey.
 */
export function greyPixels(
  values: ArrayLike<number>,
  lo: number,
  hi: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * 4);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const g = span > 0 ? (255 * (v - lo)) / span : 128;
    out[4 * i] = g;
    out[4 * i + 1] = g;
    out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Draws one row into `canvas` at its natural size (CSS scales it up, pixelated). */
export function drawGreyImage(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  size: { width: number; height: number },
  lo: number,
  hi: number,
): void {
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.putImageData(new ImageData(greyPixels(values, lo, hi), size.width, size.height), 0, 0);
}

/** The grey scale's range: the smallest finite feature min and the largest finite feature max. */
export function valueRange(mins: ArrayLike<number>, maxs: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < mins.length; j++) {
    const a = mins[j] ?? Number.NaN;
    if (Number.isFinite(a) && a < lo) lo = a;
  }
  for (let j = 0; j < maxs.length; j++) {
    const b = maxs[j] ?? Number.NaN;
    if (Number.isFinite(b) && b > hi) hi = b;
  }
  return lo <= hi ? { lo, hi } : { lo: 0, hi: 1 };
}
