/**
 * The review maps on canvas: a pure transform from data coordinates to pixels (with its inverse for lasso
 * polygons), a grid index for hover hit tests, and the drawing into a canvas the caller hands in.
 */

export interface ScatterFrame {
  width: number;
  height: number;
  /** Data bounds of the finite points. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  pad: number;
}

/** Bounds of the finite points of N × 2 `xy`, padded so points sit inside the canvas. */
export function frameOf(xy: Float32Array, width: number, height: number, pad = 8): ScatterFrame {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i] as number;
    const y = xy[i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(x1 >= x0)) return { width, height, x0: 0, x1: 1, y0: 0, y1: 1, pad };
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  return { width, height, x0, x1, y0, y1, pad };
}

/** Pixel x of data x. */
export function toPx(f: ScatterFrame, x: number): number {
  return f.pad + ((x - f.x0) / (f.x1 - f.x0)) * (f.width - 2 * f.pad);
}

/** Pixel y of data y (up is larger). */
export function toPy(f: ScatterFrame, y: number): number {
  return f.height - f.pad - ((y - f.y0) / (f.y1 - f.y0)) * (f.height - 2 * f.pad);
}

/** Data coordinates of a pixel polygon ([px0, py0, …]). */
export function pixelsToData(f: ScatterFrame, polygon: readonly number[]): Float32Array {
  const out = new Float32Array(polygon.length);
  for (let i = 0; i < polygon.length; i += 2) {
    out[i] = f.x0 + (((polygon[i] as number) - f.pad) / (f.width - 2 * f.pad)) * (f.x1 - f.x0);
    out[i + 1] =
      f.y0 + ((f.height - f.pad - (polygon[i + 1] as number)) / (f.height - 2 * f.pad)) * (f.y1 - f.y0);
  }
  return out;
}

/** A uniform grid of point indices by pixel cell, for hover hit tests. */
export interface PixelGrid {
  cell: number;
  cols: number;
  cells: Map<number, number[]>;
}

/** Builds the hover grid of the points in pixel space. */
export function pixelGrid(f: ScatterFrame, xy: Float32Array, cell = 8): PixelGrid {
  const cols = Math.ceil(f.width / cell) + 1;
  const cells = new Map<number, number[]>();
  for (let i = 0; i < xy.length / 2; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const key = Math.floor(toPy(f, y) / cell) * cols + Math.floor(toPx(f, x) / cell);
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  }
  return { cell, cols, cells };
}

/** The point nearest pixel (px, py) within `radius` pixels, or -1. */
export function nearestPoint(
  f: ScatterFrame,
  grid: PixelGrid,
  xy: Float32Array,
  px: number,
  py: number,
  radius = 6,
): number {
  let best = -1;
  let bestD = radius * radius;
  const cx = Math.floor(px / grid.cell);
  const cy = Math.floor(py / grid.cell);
  const span = Math.ceil(radius / grid.cell);
  for (let gy = cy - span; gy <= cy + span; gy++) {
    for (let gx = cx - span; gx <= cx + span; gx++) {
      for (const i of grid.cells.get(gy * grid.cols + gx) ?? []) {
        const dx = toPx(f, xy[2 * i] as number) - px;
        const dy = toPy(f, xy[2 * i + 1] as number) - py;
        const d = dx * dx + dy * dy;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
    }
  }
  return best;
}

/** Draws every finite point with its colour; highlighted points last, larger and outlined. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  f: ScatterFrame,
  xy: Float32Array,
  colour: (i: number) => string,
  highlighted: readonly number[],
  lasso: readonly number[] | null,
): void {
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(f.width * ratio);
  canvas.height = Math.round(f.height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, f.width, f.height);
  for (let i = 0; i < xy.length / 2; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.fillStyle = colour(i);
    ctx.fillRect(toPx(f, x) - 1.5, toPy(f, y) - 1.5, 3, 3);
  }
  ctx.strokeStyle = '#000';
  for (const i of highlighted.slice(0, 5000)) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.fillStyle = colour(i);
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
