/**
 * The third question asked of an image's label (views.ts): do the images nearest it in pixels carry another label?
 * The k-NN label disagreement of the model's embedding asks it in the space the model learned, where a trigger the
 * model learned pulls its rows towards their new label; in pixels a small trigger barely moves an image, so its
 * nearest images are still of its source class. Asked only of images: their values share one unit and scale, where a
 * table's raw distance is ruled by whichever columns vary most (on the synthetic tables, uninformative ones).
 *
 * Images are first averaged over square blocks down to at most POOLED_SIDE pixels a side (28×28 → 14×14), which
 * keeps the search's cost near the embedding's and, measured on the dumped image runs, orders them as the full
 * pixels do (docs/heldout.md, "A third label question for images").
 */
import type { ImageShape } from '../canary/types';
import type { StepHooks } from '../scores/hooks';
import { knnScores, searchNeighbours } from '../scores/knn';
import type { KnnParams } from '../scores/types';

/** The longest side, in pixels, images are averaged down to before the search. */
export const POOLED_SIDE = 16;

/**
 * Each of `n` images (H × W × C row-major in `pixels`) averaged over f × f blocks, f = ceil(max(H, W) / side): the
 * result is ceil(H / f) × ceil(W / f) × C per image, a block at the edge averaging the pixels it holds.
 */
export function poolImages(
  pixels: Float32Array,
  n: number,
  shape: ImageShape,
  side = POOLED_SIDE,
): { values: Float32Array; dim: number } {
  const { height: h, width: w, channels: c } = shape;
  const f = Math.max(1, Math.ceil(Math.max(h, w) / side));
  const ph = Math.ceil(h / f);
  const pw = Math.ceil(w / f);
  const dim = ph * pw * c;
  const values = new Float32Array(n * dim);
  const counts = new Float32Array(dim);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) counts[(Math.floor(y / f) * pw + Math.floor(x / f)) * c + ch]++;
  const size = h * w * c;
  for (let i = 0; i < n; i++) {
    const src = i * size;
    const dst = i * dim;
    for (let y = 0; y < h; y++) {
      const row = Math.floor(y / f) * pw;
      for (let x = 0; x < w; x++) {
        const cell = (row + Math.floor(x / f)) * c;
        for (let ch = 0; ch < c; ch++) values[dst + cell + ch] += pixels[src + (y * w + x) * c + ch];
      }
    }
    for (let j = 0; j < dim; j++) values[dst + j] /= counts[j];
  }
  return { values, dim };
}

/**
 * Per image, the share of its k nearest images (Euclidean, pooled pixels, itself left out) whose label differs from
 * its own. The search is the embedding's (scores/knn.ts, searchNeighbours), on the pixels as they are (not normalised).
 */
export async function pixelNeighbourDisagreement(
  pixels: Float32Array,
  shape: ImageShape,
  labels: Int32Array,
  knn: Omit<KnnParams, 'normalize'>,
  seed: number,
  hooks: StepHooks = {},
): Promise<Float32Array> {
  const n = labels.length;
  const { values, dim } = poolImages(pixels, n, shape);
  const { result } = await searchNeighbours(values, n, dim, { ...knn, normalize: false }, seed, hooks);
  return knnScores(result, labels).disagreement;
}
