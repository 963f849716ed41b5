/**
 * The review maps on canvas: the points layer the review worker rasterised (workers/core/review/map-geometry.ts)
 * turned into a canvas once per layout and colouring, then drawn into the canvas the caller hands in with the
 * highlighted points (larger, outlined) and the lasso path over it. A click costs one image copy and a few circles.
 */
import { type ScatterFrame, toPx, toPy } from '../../workers/core/review/map-geometry';

export type { ScatterFrame };

/** A canvas holding an RGBA buffer of `width` × `height` device pixels (the worker's points layer). */
export function pointsLayer(
  pixels: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
): HTMLCanvasElement {
  const layer = document.createElement('canvas');
  layer.width = width;
  layer.height = height;
  layer.getContext('2d')?.putImageData(new ImageData(pixels, width, height), 0, 0);
  return layer;
}

/** Points drawn over the layer: N × 2 data coordinates and one CSS colour each. */
export interface Highlights {
  xy: Float32Array;
  colours: readonly string[];
}

/** Draws the points layer, then the highlighted points and the lasso path over it. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  f: ScatterFrame,
  points: HTMLCanvasElement,
  highlights: Highlights,
  lasso: readonly number[] | null,
): void {
  const ratio = points.width / f.width;
  if (canvas.width !== points.width) canvas.width = points.width;
  if (canvas.height !== points.height) canvas.height = points.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(points, 0, 0);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.strokeStyle = '#000';
  for (let i = 0; i < highlights.xy.length / 2; i++) {
    const x = highlights.xy[2 * i] as number;
    const y = highlights.xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.fillStyle = highlights.colours[i] ?? '#888';
    ctx.beginPath();
    ctx.arc(toPx(f, x), toPy(f, y), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  if (lasso && lasso.length >= 4) {
    ctx.strokeStyle = '#1f6feb';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(lasso[0] as number, lasso[1] as number);
    for (let k = 2; k < lasso.length; k += 2) ctx.lineTo(lasso[k] as number, lasso[k + 1] as number);
    ctx.closePath();
    ctx.stroke();
    ctx.setLineDash([]);
  }
}
