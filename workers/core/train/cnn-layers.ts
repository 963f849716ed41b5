/**
 * The CNN's layer plan, apart from model.ts (which imports tfjs) so the memory estimate counts the same layers.
 * A stem convolution (3 × 3, 16 filters) with stride 2 when both sides are at least 16 pixels (it halves the widest
 * activation, and the max-pool gradient, a slow native kernel on WASM, then never runs at full resolution), else
 * stride 1 and a 2 × 2 max-pool; then conv–pool blocks (3 × 3 'same', 32, 64, 64 filters, each followed by a
 * 2 × 2 max-pool) until the map is at most 8 pixels a side: one block at least, three at most.
 * 28 × 28 → 14 × 14 × 16 → 7 × 7 × 32; 8 × 8 → 4 × 4 × 16 → 2 × 2 × 32 (as before: conv16-pool-conv32-pool);
 * 64 × 64 → 32 → 16 → 8 × 8 × 64.
 */
import type { ImageSize } from './types';

/** One convolution, and the 2 × 2 max-pool after it when `pool`. Sizes are of its input and its (pooled) output. */
export interface ConvLayer {
  filters: number;
  stride: 1 | 2;
  pool: boolean;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  /** The convolution's output ('same' padding: the input size divided by the stride, rounded up). */
  convHeight: number;
  convWidth: number;
  outHeight: number;
  outWidth: number;
}

const STEM_FILTERS = 16;
const BLOCK_FILTERS = [32, 64, 64];
/** The largest side the last block may leave. */
const FINAL_SIDE = 8;
/** The stem strides only on images at least this large a side. */
const STRIDE_FROM = 16;

/** The convolutional layers of the CNN for images of `image`'s size, in order. */
export function cnnLayers(image: ImageSize): ConvLayer[] {
  const layers: ConvLayer[] = [];
  let h = image.height;
  let w = image.width;
  let c = image.channels ?? 1;
  const add = (filters: number, stride: 1 | 2, pool: boolean) => {
    const ch = Math.ceil(h / stride);
    const cw = Math.ceil(w / stride);
    const pooled = pool && ch >= 2 && cw >= 2;
    const outHeight = pooled ? Math.floor(ch / 2) : ch;
    const outWidth = pooled ? Math.floor(cw / 2) : cw;
    layers.push({
      filters,
      stride,
      pool: pooled,
      inHeight: h,
      inWidth: w,
      inChannels: c,
      convHeight: ch,
      convWidth: cw,
      outHeight,
      outWidth,
    });
    h = outHeight;
    w = outWidth;
    c = filters;
  };
  const strided = h >= STRIDE_FROM && w >= STRIDE_FROM;
  add(STEM_FILTERS, strided ? 2 : 1, !strided);
  for (const filters of BLOCK_FILTERS) {
    add(filters, 1, true);
    if (Math.max(h, w) <= FINAL_SIDE) break;
  }
  return layers;
}

/** Values the convolutional part hands the first Dense layer (flattened). */
export function cnnFlatSize(image: ImageSize): number {
  const last = cnnLayers(image).at(-1);
  return last ? last.outHeight * last.outWidth * last.filters : 0;
}
