/**
 * The catalog pass on in-memory sources: the entry and class limits at and past their value, directories, the JPEG
 * re-read, damaged heads and unreadable entries, the labels CSV found among the other files, row order, and the
 * progress reports between entries (against a clock the test moves). Expected values are written out by hand.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogSource } from './catalog';
import { fakeSource, jpegBytes, pngHead, refusalOf } from './test-source';
import { DEFAULT_IMAGE_LIMITS, EntryReadError, type ImageLimits } from './types';

const text = (s: string) => new TextEncoder().encode(s);
const limits = (over: Partial<ImageLimits>): ImageLimits => ({ ...DEFAULT_IMAGE_LIMITS, ...over });

const problems = async (run: Promise<unknown>) => (await refusalOf(run)).map((p) => p.message);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('catalog pass', () => {
  it('takes as many entries as the limit and refuses one more', async () => {
    const files = [
      { path: 'a/', kind: 'directory' as const },
      { path: 'a/1.png', data: pngHead(2, 2) },
      { path: 'b/2.png', data: pngHead(2, 2) },
    ];
    const ok = await catalogSource(fakeSource(files), limits({ maxEntries: 3 }));
    expect(ok?.images.map((im) => im.path)).toEqual(['a/1.png', 'b/2.png']);
    expect(
      await problems(
        catalogSource(
          fakeSource([...files, { path: 'b/3.png', data: pngHead(2, 2) }]),
          limits({ maxEntries: 3 }),
        ),
      ),
    ).toEqual([
      'a.zip holds more than 3 entries (the limit); Sift stopped reading it and stored nothing. Raise the entry limit in the import settings if the archive is genuine.',
    ]);
  });

  it('does not count folders that differ in case as duplicate paths', async () => {
    const catalog = await catalogSource(
      fakeSource([
        { path: 'a/', kind: 'directory' },
        { path: 'A/', kind: 'directory' },
        { path: 'a/1.png', data: pngHead(2, 2) },
        { path: 'b/2.png', data: pngHead(2, 2) },
      ]),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(catalog?.classes).toEqual(['a', 'b']);
  });

  it('reads a JPEG again, further, only when its frame header lies past a full head', async () => {
    const log: string[] = [];
    // 5,000 bytes: the PNG signature, then zeros (no IHDR).
    const signatureOnly = new Uint8Array(5000);
    signatureOnly.set(pngHead(1, 1).subarray(0, 8));
    const source = fakeSource(
      [
        { path: 'a/late.jpg', data: jpegBytes(7, 5, 5000, 5100) },
        { path: 'a/short.jpg', data: jpegBytes(7, 5, 5000, 100) },
        { path: 'b/long.png', data: signatureOnly },
        { path: 'b/early.jpg', data: jpegBytes(3, 4, 10, 5000) },
      ],
      { log },
    );
    const catalog = await catalogSource(source, DEFAULT_IMAGE_LIMITS);
    expect(log).toEqual([
      'a/late.jpg 4096',
      'a/late.jpg 524288',
      'a/short.jpg 4096',
      'b/long.png 4096',
      'b/early.jpg 4096',
    ]);
    expect(catalog?.images).toEqual([
      { entry: 0, path: 'a/late.jpg', format: 'jpeg', width: 7, height: 5, gray: true, label: 'a' },
      { entry: 3, path: 'b/early.jpg', format: 'jpeg', width: 3, height: 4, gray: true, label: 'b' },
    ]);
    expect(catalog?.corrupt).toEqual([
      {
        path: 'a/short.jpg',
        why: 'a damaged JPEG header: the frame header was not found in the file’s head',
      },
      { path: 'b/long.png', why: 'a damaged PNG header: no IHDR header' },
    ]);
  });

  it('takes an image of exactly the pixel limit and refuses one pixel more', async () => {
    const small = limits({ maxPixels: 64 });
    const files = [
      { path: 'a/1.png', data: pngHead(8, 8) },
      { path: 'b/2.png', data: pngHead(16, 4) },
    ];
    expect((await catalogSource(fakeSource(files), small))?.images.length).toBe(2);
    expect(
      await problems(catalogSource(fakeSource([...files, { path: 'b/3.png', data: pngHead(13, 5) }]), small)),
    ).toEqual([
      'a.zip: image "b/3.png" declares 13 × 5 pixels, over the limit of 64 pixels per image (a decompression bomb, or a very large photo); it was not decoded and nothing was stored. Raise the pixel limit in the import settings if it is genuine.',
    ]);
  });

  it('lists an entry that cannot be read as corrupt, and lets any other error through', async () => {
    const files = [
      { path: 'a/1.png', data: pngHead(2, 2) },
      { path: 'b/2.png', data: pngHead(2, 2) },
    ];
    const catalog = await catalogSource(
      fakeSource([
        ...files,
        { path: 'b/3.png', fail: new EntryReadError('corrupt', 'its CRC does not match') },
      ]),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(catalog?.corrupt).toEqual([{ path: 'b/3.png', why: 'its CRC does not match' }]);
    await expect(
      catalogSource(
        fakeSource([...files, { path: 'b/3.png', fail: new Error('disk gone') }]),
        DEFAULT_IMAGE_LIMITS,
      ),
    ).rejects.toThrow('disk gone');
  });

  it('resolves null, having read nothing, when stopped at once', async () => {
    const log: string[] = [];
    const source = fakeSource([{ path: 'a/1.png', data: pngHead(2, 2) }], { log });
    expect(await catalogSource(source, DEFAULT_IMAGE_LIMITS, { shouldStop: () => true })).toBeNull();
    expect(log).toEqual([]);
  });

  it('takes only a file ending in .csv at the top as the labels CSV; the rest are files that are not images', async () => {
    const catalog = await catalogSource(
      fakeSource([
        { path: 'labels.csv', data: text('path,label\nimg/1.png,cat\nimg/2.png,dog\n') },
        { path: 'notes.csv.txt', data: text('hello') },
        { path: 'meta/info.csv', data: text('a,b\n') },
        { path: 'img/1.png', data: pngHead(2, 2) },
        { path: 'img/2.png', data: pngHead(2, 2) },
      ]),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(catalog?.layout).toBe('labels-csv');
    expect(catalog?.labelsCsv).toBe('labels.csv');
    expect(catalog?.nonImages).toEqual(['notes.csv.txt', 'meta/info.csv']);
    expect(catalog?.classes).toEqual(['cat', 'dog']);
  });

  it('refuses two labels CSVs at the top, naming both', async () => {
    const source = fakeSource([
      { path: 'a.csv', data: text('path,label\n') },
      { path: 'b.csv', data: text('path,label\n') },
      { path: 'img/1.png', data: pngHead(2, 2) },
    ]);
    expect(await problems(catalogSource(source, DEFAULT_IMAGE_LIMITS))).toEqual([
      'a.zip: the labels CSV "a.csv" is one of several labels CSVs ("a.csv" and "b.csv"); keep one.',
    ]);
  });

  it('finds each label by the path below a wrapping folder, or else by the whole path', async () => {
    const catalog = await catalogSource(
      fakeSource([
        { path: 'set/labels.csv', data: text('path,label\nimg/1.png,cat\nset/img/2.png,dog\n') },
        { path: 'set/img/1.png', data: pngHead(2, 2) },
        { path: 'set/img/2.png', data: pngHead(2, 2) },
      ]),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(catalog?.images.map((im) => [im.path, im.label])).toEqual([
      ['set/img/1.png', 'cat'],
      ['set/img/2.png', 'dog'],
    ]);
  });

  it('orders images by path in UTF-16 code units, whatever the entry order', async () => {
    const paths = ['c/b.png', 'd/1.png', 'c/a.png', 'c/Z.png', 'c/_.png'];
    const catalog = await catalogSource(
      fakeSource(paths.map((path) => ({ path, data: pngHead(2, 2) }))),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(catalog?.images.map((im) => im.path)).toEqual([
      'c/Z.png',
      'c/_.png',
      'c/a.png',
      'c/b.png',
      'd/1.png',
    ]);
  });

  it('takes as many classes as the limit and refuses one more', async () => {
    const files = ['a/1.png', 'b/1.png'].map((path) => ({ path, data: pngHead(2, 2) }));
    expect((await catalogSource(fakeSource(files), limits({ maxClasses: 2 })))?.classes).toEqual(['a', 'b']);
    expect(
      await problems(
        catalogSource(
          fakeSource([...files, { path: 'c/1.png', data: pngHead(2, 2) }]),
          limits({ maxClasses: 2 }),
        ),
      ),
    ).toEqual([
      'a.zip has more than 2 classes (the limit). Raise the class limit in the import settings if that is right.',
    ]);
  });

  it('reports progress when more than 50 ms have passed since the last report, and at the end', async () => {
    // Each read moves the clock by 50 ms: the checks before entries 0..4 see 0, 50, 100 (report), 50, 100 (report).
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const source = fakeSource(
      ['a/0.png', 'a/1.png', 'b/2.png', 'b/3.png', 'b/4.png'].map((path) => ({ path, data: pngHead(2, 2) })),
      { onRead: () => (now += 50) },
    );
    const calls: number[][] = [];
    await catalogSource(source, DEFAULT_IMAGE_LIMITS, {
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });
});
