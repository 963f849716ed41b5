/**
 * The small pieces of an image import on hand-computed inputs: class means and thumbnail rows, a folder as a source,
 * the pixels as features, byte sizes and name lists as messages print them.
 */
import { describe, expect, it } from 'vitest';
import { imageTrainingData, pixelFeatures, pixelNames } from './dataset';
import { folderSource, splitTopFolder } from './folder';
import { classMeanImages, gatherPixels, THUMB_CLASSES, THUMBS_PER_CLASS, thumbnailRows } from './overview';
import { formatBytes, nameList } from './problems';
import { EntryReadError } from './types';

describe('overview', () => {
  it('averages each class, rounding, and leaves a class without images (or labels out of range) at zero', () => {
    // Three images of two pixels: class 1 holds rows 0 and 2, class 0 row 1; row 3 is labelled 3, row 4 is -1.
    const pixels = Uint8Array.of(10, 20, 5, 6, 11, 23, 200, 200, 100, 100);
    const means = classMeanImages(pixels, Int32Array.of(1, 0, 1, 3, -1), 3, 2);
    // Class 1: (10 + 11) / 2 = 10.5 → 11, (20 + 23) / 2 = 21.5 → 22.
    expect(Array.from(means)).toEqual([5, 6, 11, 22, 0, 0]);
  });

  it('spreads the thumbnails evenly over each of the first classes', () => {
    expect(THUMBS_PER_CLASS).toBe(12);
    expect(THUMB_CLASSES).toBe(60);
    const labels = Int32Array.of(0, 1, 0, 0, 1, 0, 2, 0, -1, 5);
    // Class 0's rows 0, 2, 3, 5, 7; three of five: j·5/3 → 0, 1, 3 → rows 0, 2, 5.
    expect(thumbnailRows(labels, 3, 3)).toEqual([[0, 2, 5], [1, 4], [6]]);
    expect(thumbnailRows(labels, 3, 3, 2)).toEqual([
      [0, 2, 5],
      [1, 4],
    ]);
    expect(thumbnailRows(labels, 6, 1, 6)).toEqual([[0], [1], [6], [], [], [9]]);
    const many = new Int32Array(30);
    expect(thumbnailRows(many, 1)).toEqual([[0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27]]);
  });

  it('gathers the pixels of the given rows in their order', () => {
    const pixels = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(gatherPixels(pixels, [2, 0, 2], 2))).toEqual([5, 6, 1, 2, 5, 6]);
    expect(gatherPixels(pixels, [], 2).length).toBe(0);
  });
});

describe('folder', () => {
  const file = (path: string, content: number[], size = content.length) => ({
    path,
    size,
    read: async (offset: number, length: number) => Uint8Array.from(content.slice(offset, offset + length)),
  });

  it('reads a head, a whole file, and refuses one over the cap or that changed size', async () => {
    const source = folderSource('pics', [file('a.png', [1, 2, 3, 4, 5]), file('b.png', [9, 9], 3)]);
    expect(source.name).toBe('pics');
    expect(source.bytes).toBe(8);
    const [a, b] = source.entries;
    expect([a.path, a.kind, a.declaredBytes]).toEqual(['a.png', 'file', 5]);
    expect(Array.from(await a.read(10, 2))).toEqual([1, 2]);
    expect(Array.from(await a.read(3, 4))).toEqual([1, 2, 3]);
    expect(Array.from(await a.read(10, 9))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(await a.read(5))).toEqual([1, 2, 3, 4, 5]);
    await expect(a.read(4)).rejects.toMatchObject({ code: 'over-cap', message: 'it is 5 bytes, over 4' });
    await expect(a.read(4)).rejects.toBeInstanceOf(EntryReadError);
    await expect(b.read(10)).rejects.toMatchObject({
      code: 'corrupt',
      message: 'it changed size while being read',
    });
  });

  it('splits off the one top folder, or refuses files from several', () => {
    expect(splitTopFolder(['top/Coat/x.png', 'top/y.png'])).toEqual({
      name: 'top',
      paths: ['Coat/x.png', 'y.png'],
    });
    const refusal = 'The files do not come from one folder (their relative paths differ in the top folder).';
    expect(() => splitTopFolder([])).toThrow(refusal);
    expect(() => splitTopFolder(['a/x.png', 'b/y.png'])).toThrow(refusal);
    expect(() => splitTopFolder(['a/x.png', 'a'])).toThrow(refusal);
    expect(() => splitTopFolder(['/x.png'])).toThrow(RangeError);
  });
});

describe('dataset', () => {
  it('scales pixels to [0, 1] and carries the shape', () => {
    const features = pixelFeatures(Uint8Array.of(0, 51, 255));
    expect(Array.from(features)).toEqual([0, Math.fround(0.2), 1]);
    const data = imageTrainingData({
      pixels: Uint8Array.of(0, 255, 0, 255, 0, 255),
      labels: Int32Array.of(0, 1),
      classes: ['a', 'b', 'c'],
      shape: { height: 1, width: 3, channels: 1 },
    });
    expect(data.featureCount).toBe(3);
    expect(data.classCount).toBe(3);
    expect(data.image).toEqual({ height: 1, width: 3, channels: 1 });
    expect(Array.from(data.labels)).toEqual([0, 1]);
    expect(Array.from(data.features)).toEqual([0, 1, 0, 1, 0, 1]);
    // Three channels: 1 × 2 pixels make 6 features.
    const rgb = imageTrainingData({
      pixels: new Uint8Array(6),
      labels: Int32Array.of(0),
      classes: ['a', 'b'],
      shape: { height: 1, width: 2, channels: 3 },
    });
    expect(rgb.featureCount).toBe(6);
  });
});

describe('message pieces', () => {
  it('prints sizes to three significant figures at each unit from its first byte', () => {
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 kB');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(1024 ** 2 - 1)).toBe('1020 kB');
    expect(formatBytes(1024 ** 2)).toBe('1 MB');
    expect(formatBytes(64 * 1024 ** 2)).toBe('64 MB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1020 MB');
    expect(formatBytes(1024 ** 3)).toBe('1 GB');
    expect(formatBytes(2.5 * 1024 ** 3)).toBe('2.5 GB');
  });

  it('quotes up to five names, with an ellipsis past them', () => {
    expect(nameList([])).toBe('');
    expect(nameList(['a', 'b'])).toBe('"a", "b"');
    expect(nameList(['1', '2', '3', '4', '5'])).toBe('"1", "2", "3", "4", "5"');
    expect(nameList(['1', '2', '3', '4', '5', '6'])).toBe('"1", "2", "3", "4", "5", …');
    expect(nameList(['1', '2', '3'], 2)).toBe('"1", "2", …');
  });
});

describe('pixelNames', () => {
  it('names each pixel value y,x row by row, with R, G and B for three channels', () => {
    expect(pixelNames({ height: 2, width: 2, channels: 1 })).toEqual(['0,0', '0,1', '1,0', '1,1']);
    expect(pixelNames({ height: 1, width: 2, channels: 3 })).toEqual([
      '0,0,R',
      '0,0,G',
      '0,0,B',
      '0,1,R',
      '0,1,G',
      '0,1,B',
    ]);
  });
});
