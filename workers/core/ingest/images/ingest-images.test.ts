import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../../../scripts/image-decoder';
import { encodeImage, encodePng, pattern } from '../../../../scripts/image-fixtures';
import { type CraftEntry, craftZip } from '../../../../scripts/zip-craft';
import { imageTrainingData } from './dataset';
import { type FolderFile, folderSource, splitTopFolder } from './folder';
import { DECODE_WINDOW, ingestImages, listingDigest, previewImages, suggestShape } from './ingest-images';
import { StageClock } from './stages';
import { DEFAULT_IMAGE_LIMITS, ImageIngestError, type ImagePlan } from './types';
import { memorySource, zipSource } from './zip';

const decoder = nodeImageDecoder();
const gray8 = (seed: number) => encodePng(pattern(8, 8, seed, true), true);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array, r: number) => Buffer.from(b.subarray(r * 32, r * 32 + 32)).toString('hex');

async function fromZip(entries: CraftEntry[], name = 'set.zip') {
  const bytes = craftZip(entries);
  return { bytes, source: await zipSource(memorySource(bytes), name, 1000, async () => sha(bytes)) };
}

const PLAN = (h: number, w: number, c: 1 | 3): ImagePlan => ({
  shape: { height: h, width: w, channels: c },
  skipNonImages: false,
  skipCorrupt: false,
});

describe('image import', () => {
  it('reads class folders: ids are paths in path order, labels from folders, pixels and hashes per file', async () => {
    const files: CraftEntry[] = [
      { name: 'Shirt/b.png', data: gray8(2) },
      { name: 'Coat/z.png', data: gray8(3) },
      { name: 'Coat/a.png', data: gray8(1) },
      { name: 'Coat/', data: new Uint8Array(0) },
    ];
    const { bytes, source } = await fromZip(files);
    const preview = await previewImages(source, DEFAULT_IMAGE_LIMITS);
    expect(preview?.problems).toEqual([]);
    expect(preview?.classes).toEqual(['Coat', 'Shirt']);
    expect(preview?.classCounts).toEqual([2, 1]);
    expect(preview?.allGray).toBe(true);
    expect(preview?.colourImages).toBe(0);
    expect(preview?.suggested.shape).toEqual({ height: 8, width: 8, channels: 1 });
    const ds = await ingestImages(source, PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder);
    if (!ds) throw new Error('cancelled');
    expect(ds.ids).toEqual(['Coat/a.png', 'Coat/z.png', 'Shirt/b.png']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect(ds.sha256).toBe(sha(bytes));
    expect(ds.layout).toBe('class-folders');
    ds.ids.forEach((id, r) => {
      const data = files.find((f) => f.name === id)?.data ?? new Uint8Array(0);
      expect(hex(ds.fileSha256, r)).toBe(sha(data));
      expect(ds.fileBytes[r]).toBe(data.length);
    });
    // A grey 8 × 8 PNG at its own size: the pixels are the pattern's grey values, exactly.
    const expected = pattern(8, 8, 1, true).rgba.filter((_, i) => i % 4 === 0);
    expect(Array.from(ds.pixels.subarray(0, 64))).toEqual(Array.from(expected));
    const data = imageTrainingData(ds);
    expect(data.featureCount).toBe(64);
    expect(data.image).toEqual({ height: 8, width: 8, channels: 1 });
    expect(data.features[5]).toBeCloseTo(expected[5] / 255, 6);
  });

  it('strips a wrapping folder for the classes but keeps it in the ids', async () => {
    const { source } = await fromZip([
      { name: 'fashion/Coat/a.png', data: gray8(1) },
      { name: 'fashion/Shirt/b.png', data: gray8(2) },
    ]);
    const ds = await ingestImages(source, PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder);
    expect(ds?.classes).toEqual(['Coat', 'Shirt']);
    expect(ds?.ids).toEqual(['fashion/Coat/a.png', 'fashion/Shirt/b.png']);
  });

  it('reads labels from a labels CSV, and names images it does not list', async () => {
    const csv = new TextEncoder().encode('path,label\nimg/1.png,cat\n./img/2.png,dog\nimg/3.png,cat\n');
    const entries: CraftEntry[] = [
      { name: 'labels.csv', data: csv },
      { name: 'img/1.png', data: gray8(1) },
      { name: 'img/2.png', data: gray8(2) },
      { name: 'img/3.png', data: gray8(3) },
    ];
    const { source } = await fromZip(entries);
    const ds = await ingestImages(source, PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder);
    expect(ds?.layout).toBe('labels-csv');
    expect(ds?.classes).toEqual(['cat', 'dog']);
    expect(Array.from(ds?.labels ?? [])).toEqual([0, 1, 0]);
    const { source: missing } = await fromZip([...entries, { name: 'img/4.png', data: gray8(4) }]);
    const error = await ingestImages(missing, PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder).catch((e) => e);
    expect(error).toBeInstanceOf(ImageIngestError);
    expect((error as ImageIngestError).problems[0]).toMatchObject({
      code: 'unlabelled-image',
      entry: 'img/4.png',
    });
  });

  it('counts the images whose header declares colour', async () => {
    const { source } = await fromZip([
      { name: 'a/grey1.png', data: gray8(1) },
      { name: 'a/colour.png', data: encodePng(pattern(8, 8, 4)) },
      { name: 'b/grey2.png', data: gray8(2) },
    ]);
    const preview = await previewImages(source, DEFAULT_IMAGE_LIMITS);
    expect(preview?.colourImages).toBe(1);
    expect(preview?.allGray).toBe(false);
    expect(preview?.suggested.shape.channels).toBe(3);
  });

  it('decodes every format to one shape: resized, three channels, and proposes the common size', async () => {
    const entries: CraftEntry[] = [];
    const formats = ['png', 'jpeg', 'gif', 'bmp', 'webp'] as const;
    for (const [k, format] of formats.entries()) {
      entries.push({ name: `c${k % 2}/${format}.img`, data: await encodeImage(pattern(12, 10, k), format) });
    }
    entries.push({ name: 'c1/small.png', data: encodePng(pattern(6, 5, 9)) });
    const { source } = await fromZip(entries);
    const preview = await previewImages(source, DEFAULT_IMAGE_LIMITS);
    expect(preview?.sizes[0]).toEqual({ width: 12, height: 10, count: 5 });
    expect(preview?.allGray).toBe(false);
    expect(preview?.suggested.shape).toEqual({ height: 10, width: 12, channels: 3 });
    const ds = await ingestImages(source, PLAN(10, 12, 3), DEFAULT_IMAGE_LIMITS, decoder);
    expect(ds?.rows).toBe(6);
    expect(ds?.pixels.length).toBe(6 * 10 * 12 * 3);
    expect(Array.from(ds?.nativeWidth ?? [])).toContain(6);
    // The lossless PNG's pixels come back as drawn (row 0 of c0/png.img is first after sorting).
    const png = pattern(12, 10, 0).rgba;
    const at = ds?.ids.indexOf('c0/png.img') ?? -1;
    const got = ds?.pixels.subarray(at * 360, at * 360 + 3) ?? new Uint8Array(0);
    expect(Array.from(got)).toEqual([png[0], png[1], png[2]]);
  });

  it('defaults to 64 × 64 when any image is larger, and to three channels unless every header is grey', () => {
    expect(
      suggestShape(
        [
          { width: 28, height: 28, count: 9 },
          { width: 32, height: 30, count: 1 },
        ],
        true,
      ),
    ).toEqual({
      height: 28,
      width: 28,
      channels: 1,
    });
    expect(
      suggestShape(
        [
          { width: 28, height: 28, count: 9 },
          { width: 65, height: 30, count: 1 },
        ],
        false,
      ),
    ).toEqual({
      height: 64,
      width: 64,
      channels: 3,
    });
  });

  it('reads a folder like the zip of it; the folder digest is over its listing', async () => {
    const files = [
      { path: 'set/Coat/a.png', data: gray8(1) },
      { path: 'set/Shirt/b.png', data: gray8(2) },
    ];
    const { name, paths } = splitTopFolder(files.map((f) => f.path));
    expect(name).toBe('set');
    const folder: FolderFile[] = files.map((f, i) => ({
      path: paths[i],
      size: f.data.length,
      read: async (o, n) => f.data.subarray(o, o + n),
    }));
    const ds = await ingestImages(folderSource(name, folder), PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder);
    const { source } = await fromZip(paths.map((p, i) => ({ name: p, data: files[i].data })));
    const fromZipDs = await ingestImages(source, PLAN(8, 8, 1), DEFAULT_IMAGE_LIMITS, decoder);
    expect(ds?.ids).toEqual(['Coat/a.png', 'Shirt/b.png']);
    expect(ds?.pixels).toEqual(fromZipDs?.pixels);
    expect(ds?.fileSha256).toEqual(fromZipDs?.fileSha256);
    const listing = `${sha(files[0].data)}  Coat/a.png\n${sha(files[1].data)}  Shirt/b.png\n`;
    expect(ds?.sha256).toBe(sha(new TextEncoder().encode(listing)));
    expect(listingDigest(ds?.ids ?? [], ds?.fileSha256 ?? new Uint8Array(0))).toBe(ds?.sha256);
    expect(() => splitTopFolder(['a/x.png', 'b/y.png'])).toThrow(/one folder/);
  });

  it('stops when asked, keeping nothing', async () => {
    const n = 2 * DECODE_WINDOW;
    const { source } = await fromZip(
      Array.from({ length: n }, (_, i) => ({ name: `c${i % 2}/${i}.png`, data: gray8(i) })),
    );
    let polls = 0;
    // The catalog pass polls once per entry (n), then the decode pass once per image: stop at its second image.
    const ds = await ingestImages(
      source,
      PLAN(8, 8, 1),
      DEFAULT_IMAGE_LIMITS,
      decoder,
      undefined,
      () => ++polls > n + 1,
    );
    expect(ds).toBeNull();
    expect(polls).toBe(n + 2);
  });

  it('adds each stage of the import to the given clock, and keeps row order with more images than decodes in flight', async () => {
    const n = 2 * DECODE_WINDOW + 3;
    const { source } = await fromZip(
      Array.from({ length: n }, (_, i) => ({
        name: `c${i % 2}/${String(i).padStart(3, '0')}.png`,
        data: gray8(i),
      })),
    );
    // A decoder whose answers come back out of order (0–4 ms delays by turns).
    let delay = 40;
    const slow = {
      decode: async (...args: Parameters<typeof decoder.decode>) => {
        const wait = Math.max(0, delay--);
        await new Promise((r) => setTimeout(r, wait % 5));
        return decoder.decode(...args);
      },
    };
    const clock = new StageClock();
    const ds = await ingestImages(
      source,
      PLAN(8, 8, 1),
      DEFAULT_IMAGE_LIMITS,
      slow,
      undefined,
      undefined,
      undefined,
      clock,
    );
    expect(ds?.ids).toEqual([...(ds?.ids ?? [])].sort());
    expect(ds?.rows).toBe(n);
    const totals = clock.totals();
    expect(Object.keys(totals)).toEqual([
      'catalog',
      'inflate',
      'header',
      'decode',
      'sha256',
      'shape',
      'archiveSha256',
    ]);
    for (const ms of Object.values(totals)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(totals.decode).toBeGreaterThan(0);
  });

  it('refuses a shape it cannot make', async () => {
    const { source } = await fromZip([{ name: 'a/x.png', data: gray8(1) }]);
    await expect(ingestImages(source, PLAN(0, 8, 1), DEFAULT_IMAGE_LIMITS, decoder)).rejects.toThrow(
      /1–1024 pixels/,
    );
  });
});
