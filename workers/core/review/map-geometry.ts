/**
 * The review maps' geometry, pure so the review worker computes it where the points are: a transform from data
 * coordinates to pixels (with its inverse for lasso polygons), a grid index for hover hit tests, and the
 * rasterisation of every point into an RGBA buffer (app/charts/scatter.ts draws that buffer and the highlights).
 */

export interface ScatterFrame {
  width: number;
  height: number;
  /** Data bounds shown: those of the finite points, unless a few far points would squeeze the rest (frameOf). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  pad: number;
  /** Finite points outside the bounds, drawn on the frame's edge. */
  beyond: number;
}

/** Share of the points, on each side of an axis, that may lie beyond the frame. */
const TAIL = 0.005;
/** The far points are put on the edge only when they stretch the axis to more than this many times the rest's range. */
const STRETCH = 2;

/**
 * Bounds of one axis from its finite values, sorted: their range, unless the `TAIL` share of the points at either end
 * stretches it more than `STRETCH` times the range of the rest; then the rest's range and a twentieth of it on each
 * side, so that one far point does not squeeze every other point into a corner.
 */
export function axisBounds(sorted: Float64Array): [number, number] {
  const n = sorted.length;
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  const k = Math.floor(TAIL * n);
  const lo = sorted[k] as number;
  const hi = sorted[n - 1 - k] as number;
  if (k === 0 || max - min <= STRETCH * (hi - lo)) return [min, max];
  const margin = 0.05 * (hi - lo);
  return [Math.max(min, lo - margin), Math.min(max, hi + margin)];
}

/** Bounds of the finite points of N × 2 `xy` (axisBounds), padded so points sit inside the canvas. */
export function frameOf(xy: Float32Array, width: number, height: number, pad = 8): ScatterFrame {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i] as number;
    const y = xy[i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xs.push(x);
    ys.push(y);
  }
  if (xs.length === 0) return { width, height, x0: 0, x1: 1, y0: 0, y1: 1, pad, beyond: 0 };
  let [x0, x1] = axisBounds(Float64Array.from(xs).sort());
  let [y0, y1] = axisBounds(Float64Array.from(ys).sort());
  let beyond = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x < x0 || x > x1 || y < y0 || y > y1) beyond++;
  }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  return { width, height, x0, x1, y0, y1, pad, beyond };
}

/** Pixel x of data x; a point beyond the bounds sits on the edge, half the padding in. */
export function toPx(f: ScatterFrame, x: number): number {
  const px = f.pad + ((x - f.x0) / (f.x1 - f.x0)) * (f.width - 2 * f.pad);
  return Math.min(f.width - f.pad / 2, Math.max(f.pad / 2, px));
}

/** Pixel y of data y (up is larger); a point beyond the bounds sits on the edge, half the padding in. */
export function toPy(f: ScatterFrame, y: number): number {
  const py = f.height - f.pad - ((y - f.y0) / (f.y1 - f.y0)) * (f.height - 2 * f.pad);
  return Math.min(f.height - f.pad / 2, Math.max(f.pad / 2, py));
}

/**
 * N × 2 `xy` with each point beyond the bounds moved to where it is drawn (the edge, half the padding in), in data
 * coordinates; the other points unchanged. What a lasso, drawn in pixels, is tested against.
 */
export function asDrawn(f: ScatterFrame, xy: Float32Array): Float32Array {
  const halfX = ((f.pad / 2) * (f.x1 - f.x0)) / (f.width - 2 * f.pad);
  const halfY = ((f.pad / 2) * (f.y1 - f.y0)) / (f.height - 2 * f.pad);
  const out = new Float32Array(xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    out[i] = Math.min(f.x1 + halfX, Math.max(f.x0 - halfX, xy[i] as number));
    out[i + 1] = Math.min(f.y1 + halfY, Math.max(f.y0 - halfY, xy[i + 1] as number));
  }
  return out;
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

/** Builds the hover grid of the points in pixel space (only points `include` marks 1, when given). */
export function pixelGrid(
  f: ScatterFrame,
  xy: Float32Array,
  cell = 8,
  include: Uint8Array | null = null,
): PixelGrid {
  const cols = Math.ceil(f.width / cell) + 1;
  const cells = new Map<number, number[]>();
  for (let i = 0; i < xy.length / 2; i++) {
    if (include && include[i] !== 1) continue;
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

/** Side of a point's square, in CSS pixels. */
const POINT_PX = 3;

/**
 * A CSS colour as one opaque RGBA pixel packed for a little-endian Uint32Array view of ImageData (0xAABBGGRR):
 * `#rgb`, `#rrggbb` and `rgb(r, g, b)`, which is what d3's schemes and interpolators give; null for anything else.
 */
export function packColour(css: string): number | null {
  let r: number;
  let g: number;
  let b: number;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css);
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*[\d.]+\s*)?\)$/.exec(css);
  if (hex) {
    const h = hex[1] as string;
    const wide = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    r = Number.parseInt(wide.slice(0, 2), 16);
    g = Number.parseInt(wide.slice(2, 4), 16);
    b = Number.parseInt(wide.slice(4, 6), 16);
  } else if (rgb) {
    [r, g, b] = [rgb[1], rgb[2], rgb[3]].map((v) => Math.min(255, Number(v))) as [number, number, number];
  } else return null;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** How many points a layer drew, and how many finite points the map has (the filter's "N of M"). */
export interface RasterCount {
  drawn: number;
  finite: number;
}

/**
 * Writes every finite point as a square of `POINT_PX` CSS pixels in its packed colour into `pixels` (a Uint32
 * view of a `round(width·ratio)` × `round(height·ratio)` ImageData), later points over earlier ones, clipped at
 * the edges; with `include`, only the points it marks 1 (a filtered-out row is not drawn at all). Pure, so that
 * 200,000 points cost one pass over an array instead of 200,000 canvas calls.
 */
export function rasterisePoints(
  f: ScatterFrame,
  xy: Float32Array,
  colourOf: (i: number) => number,
  ratio: number,
  pixels: Uint32Array,
  include: Uint8Array | null = null,
): RasterCount {
  return drawPoints(f, xy, colourOf, ratio, pixels, include ? (i) => include[i] === 1 : () => true);
}

function drawPoints(
  f: ScatterFrame,
  xy: Float32Array,
  colourOf: (i: number) => number,
  ratio: number,
  pixels: Uint32Array,
  drawn: (i: number) => boolean,
): RasterCount {
  const w = Math.round(f.width * ratio);
  const h = Math.round(f.height * ratio);
  const side = Math.max(1, Math.round(POINT_PX * ratio));
  const half = (POINT_PX / 2) * ratio;
  const count: RasterCount = { drawn: 0, finite: 0 };
  for (let i = 0; i < xy.length / 2; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    count.finite++;
    if (!drawn(i)) continue;
    count.drawn++;
    const left = Math.round(toPx(f, x) * ratio - half);
    const top = Math.round(toPy(f, y) * ratio - half);
    const colour = colourOf(i);
    for (let py = Math.max(0, top); py < Math.min(h, top + side); py++) {
      pixels.fill(colour, py * w + Math.max(0, left), py * w + Math.min(w, left + side));
    }
  }
  return count;
}
