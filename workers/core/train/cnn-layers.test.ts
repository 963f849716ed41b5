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
