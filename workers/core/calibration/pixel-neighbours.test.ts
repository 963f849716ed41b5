/**
 * The images' third label question (pixel-neighbours.ts): block averages worked by hand, and the share of each
 * image's nearest images with another label against a brute-force Float64 search written here.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomLabels, randomMatrix } from '../scores/test-utils';
import { POOLED_SIDE, pixelNeighbourDisagreement, poolImages } from './pixel-neighbours';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One probed cell of round(√N): the IVF search then misses true neighbours, so it tells itself from the exact one. */
const KNN = { k: 3, mode: 'exact' as const, approximateAbove: 10_000, nlist: 0, nprobe: 1 };

/** Brute force: per row, the share of its k nearest other rows (Float64 squared distance) with another label. */
function bruteForce(values: Float32Array, n: number, d: number, labels: Int32Array, k: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    const dist = (j: number) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += (values[i * d + t] - values[j * d + t]) ** 2;
      return s;
    };
    const nearest = others.sort((a, b) => dist(a) - dist(b)).slice(0, k);
    return nearest.filter((j) => labels[j] !== labels[i]).length / k;
  });
}

describe('poolImages', () => {
  it('averages 2 × 2 blocks of a 3 × 3 image, an edge block over the pixels it holds', () => {
    // side 2: f = ceil(3 / 2) = 2, so 2 × 2 blocks: [1 2 | 3], [4 5 | 6] / [7 8 | 9].
    const image = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = poolImages(image, 1, { height: 3, width: 3, channels: 1 }, 2);
    expect(out.dim).toBe(4);
    expect(Array.from(out.values)).toEqual([3, 4.5, 7.5, 9]);
  });

  it('keeps channels apart and images apart', () => {
    // Two 2 × 2 RGB images, side 1: f = 2, one block per channel.
    const a = [0, 10, 100, 2, 12, 102, 4, 14, 104, 6, 16, 106];
    const b = a.map((v) => v + 1);
    const out = poolImages(Float32Array.from([...a, ...b]), 2, { height: 2, width: 2, channels: 3 }, 1);
    expect(out.dim).toBe(3);
    expect(Array.from(out.values)).toEqual([3, 13, 103, 4, 14, 104]);
  });

  it('sizes blocks by the longer side, and keeps each block’s channels at their own places', () => {
    // A 2 × 4 image of 2 channels, side 2: f = ceil(4 / 2) = 2, so 1 × 2 blocks of 2 channels; the shorter side alone
    // would keep f = 1. Channel 0 holds 1..8, channel 1 holds 10 × that.
    const image = Float32Array.from(
      { length: 16 },
      (_, t) => (t % 2 === 0 ? 1 : 10) * (Math.floor(t / 2) + 1),
    );
    const out = poolImages(image, 1, { height: 2, width: 4, channels: 2 }, 2);
    expect(out.dim).toBe(4);
    // Block 0: pixels 1, 2, 5, 6; block 1: pixels 3, 4, 7, 8.
    expect(Array.from(out.values)).toEqual([3.5, 35, 5.5, 55]);
  });

  it('leaves an image no larger than the side as it is, and halves 28 × 28 to 14 × 14', () => {
    const pixels = randomMatrix(3, 12, 4);
    const same = poolImages(pixels, 3, { height: 3, width: 4, channels: 1 });
    expect(same.dim).toBe(12);
    expect(Array.from(same.values)).toEqual(Array.from(pixels));
    expect(POOLED_SIDE).toBe(16);
    expect(poolImages(new Float32Array(784), 1, { height: 28, width: 28, channels: 1 }).dim).toBe(196);
    expect(poolImages(new Float32Array(64 * 64 * 3), 1, { height: 64, width: 64, channels: 3 }).dim).toBe(
      768,
    );
  });
});

describe('pixelNeighbourDisagreement', () => {
  it('is the share of the k nearest images in pixels with another label, the image itself left out', async () => {
    const n = 60;
    const pixels = randomMatrix(n, 20, 7);
    const labels = randomLabels(n, 3, 8);
    const out = await pixelNeighbourDisagreement(
      pixels,
      { height: 4, width: 5, channels: 1 },
      labels,
      KNN,
      1,
    );
    expect(Array.from(out)).toEqual(bruteForce(pixels, n, 20, labels, 3).map((v) => Math.fround(v)));
  });

  it('searches the pooled pixels: two images equal after pooling are each other’s nearest', async () => {
    // 32 × 32 images pool to 16 × 16 (f = 2). Images 0 and 1 differ only inside 2 × 2 blocks (same block means),
    // image 2 differs from image 0 by 0.3 in one pixel. With k = 1: 0's nearest is 1, at distance 0 after pooling
    // (0.3 / 4 per block for image 2), though 2 is nearer in the full pixels.
    const size = 32 * 32;
    const pixels = new Float32Array(4 * size);
    for (let t = 0; t < size; t++) {
      const v = (t % 7) / 7;
      pixels[t] = v;
      pixels[size + t] = v + (t % 2 === 0 ? 0.5 : -0.5);
      pixels[2 * size + t] = v + (t === 0 ? 0.3 : 0);
      pixels[3 * size + t] = 1 - v;
    }
    // Rows 0 and 1 pool alike only if each 2 × 2 block holds two +0.5 and two −0.5 (even and odd columns).
    const labels = Int32Array.from([0, 1, 0, 0]);
    const out = await pixelNeighbourDisagreement(
      pixels,
      { height: 32, width: 32, channels: 1 },
      labels,
      {
        ...KNN,
        k: 1,
      },
      1,
    );
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(1);
  });

  it('searches exactly up to the threshold in auto mode, and with the IVF search above it or when asked', async () => {
    const n = 60;
    const pixels = randomMatrix(n, 20, 7);
    const labels = randomLabels(n, 3, 8);
    const shape = { height: 4, width: 5, channels: 1 };
    const exact = bruteForce(pixels, n, 20, labels, 3).map((v) => Math.fround(v));
    const run = async (knn: Partial<Omit<typeof KNN, 'mode'>> & { mode: 'auto' | 'exact' | 'ivf' }) =>
      Array.from(await pixelNeighbourDisagreement(pixels, shape, labels, { ...KNN, ...knn }, 1));
    expect(await run({ mode: 'auto', approximateAbove: 60 })).toEqual(exact);
    expect(await run({ mode: 'exact', approximateAbove: 10 })).toEqual(exact);
    const above = await run({ mode: 'auto', approximateAbove: 59 });
    const asked = await run({ mode: 'ivf' });
    // One probed cell of 8 misses true neighbours of some images, so the IVF search differs somewhere.
    expect(above).not.toEqual(exact);
    expect(asked).toEqual(above);
    expect(above.every((v) => v >= 0 && v <= 1)).toBe(true);
    // The IVF search reads the settings it is given: every cell probed finds other neighbours than one cell does.
    expect(await run({ mode: 'ivf', nprobe: 8 })).not.toEqual(asked);
  });
});
