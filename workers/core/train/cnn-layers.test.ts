import { describe, expect, it } from 'vitest';
import { activationsPerSample, parameterCount } from '../memory/estimate';
import { cnnFlatSize, cnnLayers } from './cnn-layers';
import { buildModel } from './model';

describe('CNN layer plan', () => {
  it('strides the stem from 16 px, pools otherwise, and adds blocks until 8 px a side', () => {
    expect(
      cnnLayers({ width: 28, height: 28 }).map((l) => [l.filters, l.stride, l.pool, l.outHeight]),
    ).toEqual([
      [16, 2, false, 14],
      [32, 1, true, 7],
    ]);
    expect(cnnLayers({ width: 8, height: 8 }).map((l) => [l.filters, l.stride, l.pool, l.outHeight])).toEqual(
      [
        [16, 1, true, 4],
        [32, 1, true, 2],
      ],
    );
    expect(cnnLayers({ width: 64, height: 64, channels: 3 }).map((l) => l.outHeight)).toEqual([32, 16, 8]);
    expect(cnnFlatSize({ width: 64, height: 64, channels: 3 })).toBe(8 * 8 * 64);
  });

  it('is what buildModel builds, and what the memory estimate counts', () => {
    for (const image of [
      { width: 28, height: 28, channels: 1 },
      { width: 32, height: 32, channels: 3 },
      { width: 12, height: 9, channels: 1 },
      { width: 64, height: 48, channels: 3 },
    ]) {
      const features = image.width * image.height * image.channels;
      const m = buildModel({ kind: 'cnn', featureCount: features, classCount: 10, hidden: [64], image }, 1);
      try {
        expect(parameterCount({ model: 'cnn', hidden: [64], image }, features, 10)).toBe(
          m.model.countParams(),
        );
        const flatten = m.model.layers.find((l) => l.getClassName() === 'Flatten');
        expect(flatten?.outputShape).toEqual([null, cnnFlatSize(image)]);
        expect(activationsPerSample({ model: 'cnn', hidden: [64], image }, features, 10)).toBeGreaterThan(
          features,
        );
      } finally {
        m.model.dispose();
      }
    }
  });
});

describe('CNN layer plan, worked by hand', () => {
  const plan = (width: number, height: number, channels?: number) =>
    cnnLayers({ width, height, ...(channels ? { channels } : {}) }).map((l) => [
      l.filters,
      l.stride,
      l.pool,
      l.outHeight,
      l.outWidth,
    ]);

  it('records each layer’s input, convolution and output sizes', () => {
    // 9 × 12 × 3: no stride (9 < 16), conv 9 × 12 pooled to 4 × 6; then 32 filters, pooled to 2 × 3 (≤ 8: stop).
    expect(cnnLayers({ width: 12, height: 9, channels: 3 })).toEqual([
      {
        filters: 16,
        stride: 1,
        pool: true,
        inHeight: 9,
        inWidth: 12,
        inChannels: 3,
        convHeight: 9,
        convWidth: 12,
        outHeight: 4,
        outWidth: 6,
      },
      {
        filters: 32,
        stride: 1,
        pool: true,
        inHeight: 4,
        inWidth: 6,
        inChannels: 16,
        convHeight: 4,
        convWidth: 6,
        outHeight: 2,
        outWidth: 3,
      },
    ]);
    expect(cnnFlatSize({ width: 12, height: 9, channels: 3 })).toBe(2 * 3 * 32);
  });

  it('strides the stem only when both sides reach 16, rounding the strided size up', () => {
    expect(plan(16, 15)).toEqual([
      [16, 1, true, 7, 8],
      [32, 1, true, 3, 4],
    ]);
    expect(plan(15, 16)).toEqual([
      [16, 1, true, 8, 7],
      [32, 1, true, 4, 3],
    ]);
    expect(plan(16, 16)).toEqual([
      [16, 2, false, 8, 8],
      [32, 1, true, 4, 4],
    ]);
    // 17 × 33: conv 9 × 17, then pooled to 4 × 8 (its widest side 8: stop).
    expect(plan(33, 17)).toEqual([
      [16, 2, false, 9, 17],
      [32, 1, true, 4, 8],
    ]);
    // 9 × 18: conv 9 × 18 pooled to 4 × 9, then the one block that always follows: 2 × 4.
    expect(plan(18, 9)).toEqual([
      [16, 1, true, 4, 9],
      [32, 1, true, 2, 4],
    ]);
  });

  it('pools only a map of at least 2 × 2', () => {
    expect(plan(2, 2)).toEqual([
      [16, 1, true, 1, 1],
      [32, 1, false, 1, 1],
    ]);
    expect(plan(3, 1)).toEqual([
      [16, 1, false, 1, 3],
      [32, 1, false, 1, 3],
    ]);
    expect(plan(1, 3)).toEqual([
      [16, 1, false, 3, 1],
      [32, 1, false, 3, 1],
    ]);
  });

  it('adds blocks while the map is over 8 a side, three at most', () => {
    // 16 × 144 × 1: stem to 8 × 72; pools to 4 × 36, 2 × 18, 1 × 9: three blocks, still over 8.
    expect(plan(144, 16)).toEqual([
      [16, 2, false, 8, 72],
      [32, 1, true, 4, 36],
      [64, 1, true, 2, 18],
      [64, 1, true, 1, 9],
    ]);
  });
});
