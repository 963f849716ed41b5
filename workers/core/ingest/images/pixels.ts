/**
 * From a decoded image (RGBA at its native size) to the dataset's shape (H × W × C uint8): alpha composited over
 * black, grey as (77 R + 150 G + 29 B + 128) >> 8 (ITU-R BT.601 weights in 8-bit fixed point, exact on grey input),
 * then a separable resample: box filter (area average) when shrinking, bilinear when enlarging. The same code runs
 * after both decoders (browser and Node), so only decoding can make them differ.
 */
import type { ImageShape, RawImage } from './types';

/** Per output coordinate: the first input index and the weights of consecutive inputs from there. */
interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array[];
}

const axisCache = new Map<string, AxisWeights>();

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const key = `${inSize}>${outSize}`;
  const cached = axisCache.get(key);
  if (cached) return cached;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  const scale = inSize / outSize;
  for (let j = 0; j < outSize; j++) {
    if (scale > 1) {
      // Box: output j covers input [j·s, (j+1)·s); each input pixel weighs its overlap.
      const lo = j * scale;
      const hi = (j + 1) * scale;
      const i0 = Math.floor(lo);
      const i1 = Math.min(inSize, Math.ceil(hi));
      const w = new Float32Array(i1 - i0);
      for (let i = i0; i < i1; i++) w[i - i0] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
      first[j] = i0;
      count[j] = i1 - i0;
      weights.push(w);
    } else {
      // Bilinear between pixel centres, clamped at the edges.
      const x = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), inSize - 1);
      const i0 = Math.floor(x);
      const t = x - i0;
      first[j] = i0;
      count[j] = t > 0 && i0 + 1 < inSize ? 2 : 1;
      weights.push(count[j] === 2 ? Float32Array.of(1 - t, t) : Float32Array.of(1));
    }
  }
  const out = { first, count, weights };
  if (axisCache.size > 64) axisCache.clear();
  axisCache.set(key, out);
  return out;
}

/** The image composited over black in `channels` channels, at its native size. */
export function flatten(raw: RawImage, channels: 1 | 3): Uint8Array {
  const n = raw.width * raw.height;
  const src = raw.rgba;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const a = src[4 * i + 3];
    let r = src[4 * i];
    let g = src[4 * i + 1];
    let b = src[4 * i + 2];
    if (a !== 255) {
      r = ((r * a + 127) / 255) | 0;
      g = ((g * a + 127) / 255) | 0;
      b = ((b * a + 127) / 255) | 0;
    }
    if (channels === 1) out[i] = (77 * r + 150 * g + 29 * b + 128) >> 8;
    else {
      out[3 * i] = r;
      out[3 * i + 1] = g;
      out[3 * i + 2] = b;
    }
  }
  return out;
}

/**
 * Resamples `src` (h × w × c) to `shape` and writes it at `out[at..]`. Same size: a copy.
 */
export function resizeInto(
  src: Uint8Array,
  w: number,
  h: number,
  shape: ImageShape,
  out: Uint8Array,
  at: number,
): void {
  const c = shape.channels;
  const W = shape.width;
  const H = shape.height;
  if (w === W && h === H) {
    out.set(src.subarray(0, W * H * c), at);
    return;
  }
  const ax = axisWeights(w, W);
  const ay = axisWeights(h, H);
  // Horizontal pass: h × W × c.
  const tmp = new Float32Array(h * W * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < W; x++) {
      const i0 = ax.first[x];
      const wts = ax.weights[x];
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < ax.count[x]; t++) s += wts[t] * src[(y * w + i0 + t) * c + k];
        tmp[(y * W + x) * c + k] = s;
      }
    }
  }
  for (let y = 0; y < H; y++) {
    const i0 = ay.first[y];
    const wts = ay.weights[y];
    for (let x = 0; x < W; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < ay.count[y]; t++) s += wts[t] * tmp[((i0 + t) * W + x) * c + k];
        const v = Math.round(s);
        out[at + (y * W + x) * c + k] = v < 0 ? 0 : Math.min(v, 255);
      }
    }
  }
}

/** A decoded image brought to `shape`, written at `out[at..]` (H × W × C). */
export function toShape(raw: RawImage, shape: ImageShape, out: Uint8Array, at: number): void {
  resizeInto(flatten(raw, shape.channels), raw.width, raw.height, shape, out, at);
}
