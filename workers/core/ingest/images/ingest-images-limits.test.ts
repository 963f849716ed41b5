/**
 * previewImages and ingestImages on in-memory sources (test-source.ts) with a decoder that reads the size back from
 * the head: the suggested shape at 64 pixels, the size table's order, a refused or cancelled preview, the shape
 * limits, the preview's catalog reused only when it fits, progress against a clock the test moves, the decode
 * window, and every way one image is refused or skipped. Expected values are written out by hand.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Catalog } from './catalog';
import { DECODE_WINDOW, ingestImages, previewImages, suggestShape } from './ingest-images';
import { StageClock } from './stages';
import { type FakeFile, fakeSource, headDecoder, pngHead, refusalOf } from './test-source';
import { type ImageIngestProgress, type ImagePlan, DEFAULT_IMAGE_LIMITS as LIMITS } from './types';

const plan = (over: Partial<ImagePlan> = {}): ImagePlan => ({
  shape: { height: 2, width: 2, channels: 1 },
  skipNonImages: false,
  skipCorrupt: false,
  ...over,
});
const png = (path: string, width = 2, height = 2, tag = 0): FakeFile => ({
  path,
  data: pngHead(width, height, true, tag),
});

const refusal = async (run: Promise<unknown>) => (await refusalOf(run)).map((p) => [p.code, p.message]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('image preview', () => {
  it('suggests the common size while every image is at most 64 pixels a side', () => {
    const common = { width: 12, height: 10, count: 5 };
    expect(suggestShape([common, { width: 64, height: 64, count: 1 }], false)).toEqual({
      height: 10,
      width: 12,
      channels: 3,
    });
    const big = { height: 64, width: 64, channels: 3 };
    expect(suggestShape([common, { width: 65, height: 10, count: 1 }], false)).toEqual(big);
    expect(suggestShape([common, { width: 10, height: 65, count: 1 }], false)).toEqual(big);
  });

  it('orders sizes by count, then by area', async () => {
    const sizes = async (files: FakeFile[]) => (await previewImages(fakeSource(files), LIMITS))?.sizes;
    // Three 4 × 4 images outnumber the larger ones; 8 × 2 (16 pixels) comes before 3 × 3 (9) in either path order.
    expect(
      await sizes([
        png('a/1.png', 8, 2),
        png('a/2.png', 3, 3),
        png('b/3.png', 4, 4),
        png('b/4.png', 4, 4),
        png('b/5.png', 4, 4),
      ]),
    ).toEqual([
      { width: 4, height: 4, count: 3 },
      { width: 8, height: 2, count: 1 },
      { width: 3, height: 3, count: 1 },
    ]);
    expect(await sizes([png('a/1.png', 3, 3), png('b/2.png', 8, 2)])).toEqual([
      { width: 8, height: 2, count: 1 },
      { width: 3, height: 3, count: 1 },
    ]);
    expect(await sizes([png('a/1.png', 8, 2), png('b/2.png', 3, 3)])).toEqual([
      { width: 8, height: 2, count: 1 },
      { width: 3, height: 3, count: 1 },
    ]);
  });

  it('describes a refused source as empty, with the refusal', async () => {
    const preview = await previewImages(
      fakeSource([png('a/1.png'), { path: 'a/l', kind: 'symlink' }], { name: 'x.zip' }),
      LIMITS,
    );
    expect(preview).toEqual({
      name: 'x.zip',
      bytes: 1000,
      layout: 'class-folders',
      labelsCsv: null,
      images: 0,
      classes: [],
      classCounts: [],
      sizes: [],
      allGray: false,
      colourImages: 0,
      nonImages: [],
      corrupt: [],
      suggested: { shape: { height: 64, width: 64, channels: 3 }, skipNonImages: false, skipCorrupt: false },
      problems: [
        {
          severity: 'error',
          code: 'symlink',
          file: 'x.zip',
          entry: 'a/l',
          message: 'x.zip: entry "a/l" is a symbolic link; archives holding links are refused.',
        },
      ],
    });
  });

  it('lets an error that is not a refusal through, and resolves null when cancelled', async () => {
    await expect(
      previewImages(fakeSource([png('a/1.png'), { path: 'b/2.png', fail: new Error('disk gone') }]), LIMITS),
    ).rejects.toThrow('disk gone');
    expect(await previewImages(fakeSource([png('a/1.png')]), LIMITS, { shouldStop: () => true })).toBeNull();
  });

  it('says a source of no images holds none, and is not grey', async () => {
    const preview = await previewImages(
      fakeSource([{ path: 'notes.txt', data: new Uint8Array([104, 105]) }]),
      LIMITS,
    );
    expect(preview?.allGray).toBe(false);
    expect(preview?.problems.map((p) => p.code)).toEqual(['not-an-image', 'no-images']);
  });

  it('is grey only when every image is, names damaged images, and lists at most 20 of them', async () => {
    const broken = Array.from({ length: 21 }, (_, i) => ({
      path: `c/${String(i).padStart(2, '0')}.png`,
      data: pngHead(2, 2).subarray(0, 20),
    }));
    const files = [png('a/1.png'), { path: 'b/2.png', data: pngHead(2, 2, false) }, ...broken];
    const preview = await previewImages(fakeSource(files), LIMITS);
    expect(preview?.allGray).toBe(false);
    expect(preview?.corrupt).toEqual(broken.map((b) => b.path));
    expect(preview?.suggested).toEqual({
      shape: { height: 2, width: 2, channels: 3 },
      skipNonImages: false,
      skipCorrupt: false,
    });
    expect(preview?.problems.length).toBe(20);
    expect(preview?.problems[0]).toEqual({
      severity: 'error',
      code: 'corrupt-image',
      file: 'a.zip',
      entry: 'c/00.png',
      message:
        'a.zip: image "c/00.png" could not be read (a damaged PNG header: no IHDR header). Choose "skip images that do not decode" to import without it.',
    });
    expect(preview?.problems[19].entry).toBe('c/19.png');
  });
});

describe('image import limits', () => {
  it('takes shapes of 1 and 1024 pixels a side and refuses 0, 1025 and two channels', async () => {
    const source = fakeSource([png('a/1.png'), png('b/2.png')]);
    const run = (height: number, width: number, channels: number) =>
      ingestImages(source, plan({ shape: { height, width, channels: channels as 1 } }), LIMITS, headDecoder);
    expect((await run(1, 1, 1))?.pixels.length).toBe(2);
    expect((await run(1, 1024, 1))?.pixels.length).toBe(2048);
    expect((await run(1024, 1, 1))?.pixels.length).toBe(2048);
    await expect(run(2, 0, 1)).rejects.toThrow(
      'The image shape must be 1–1024 pixels a side with 1 or 3 channels, got 0 × 2 × 1.',
    );
    await expect(run(2, 1025, 1)).rejects.toThrow('got 1025 × 2 × 1.');
    await expect(run(1025, 2, 1)).rejects.toThrow('got 2 × 1025 × 1.');
    await expect(run(2, 2, 2)).rejects.toThrow('got 2 × 2 × 2.');
  });

  it("reuses the preview's catalog only while every image is at the same entry", async () => {
    const files = [png('a/1.png'), png('b/2.png'), png('b/3.png')];
    let known: Catalog | undefined;
    await previewImages(fakeSource(files), LIMITS, { onCatalog: (c) => (known = c) });
    const phases = async (source: ReturnType<typeof fakeSource>) => {
      const seen = new Set<string>();
      const ds = await ingestImages(
        source,
        plan(),
        LIMITS,
        headDecoder,
        (p) => seen.add(p.phase),
        undefined,
        known,
      );
      return [ds?.rows, [...seen]];
    };
    expect(await phases(fakeSource(files))).toEqual([3, ['decode']]);
    // The third image's entry is gone, then the second's path changed: the catalog pass runs again.
    expect(await phases(fakeSource(files.slice(0, 2)))).toEqual([2, ['scan', 'decode']]);
    expect(await phases(fakeSource([files[0], png('b/4.png'), files[2]]))).toEqual([3, ['scan', 'decode']]);
  });

  it('reports progress when more than 50 ms have passed since the last report, and at the end of each pass', async () => {
    // Each read moves the clock by 50 ms (from 1,000). Scan: reports before entries 2, 4, … 32, and at the end
    // (34 reads: 1,700 ms). Decode: the first turn reads 32 images (1,600 ms), so the check before image 1 reports;
    // before image 2 it sees 50 ms (one read), before image 3 100 ms (reports); then no reads.
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const files = Array.from({ length: 34 }, (_, i) => png(`c${i % 2}/${String(i).padStart(2, '0')}.png`));
    const calls: ImageIngestProgress[] = [];
    const ds = await ingestImages(
      fakeSource(files, { onRead: () => (now += 50) }),
      plan(),
      LIMITS,
      headDecoder,
      (p) => calls.push(p),
    );
    expect(ds?.rows).toBe(34);
    const scan = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32].map((i) => ({
      phase: 'scan',
      done: i,
      total: 34,
      elapsedMs: 50 * i,
    }));
    expect(calls).toEqual([
      ...scan,
      { phase: 'scan', done: 34, total: 34, elapsedMs: 1700 },
      { phase: 'decode', done: 1, total: 34, elapsedMs: 3300 },
      { phase: 'decode', done: 3, total: 34, elapsedMs: 3400 },
      { phase: 'decode', done: 34, total: 34, elapsedMs: 3400 },
    ]);
  });

  it(`keeps ${DECODE_WINDOW} images read ahead of the one being finished, and polls once per entry and image`, async () => {
    const log: string[] = [];
    const files = Array.from({ length: 40 }, (_, i) => png(`c${i % 2}/${String(i).padStart(2, '0')}.png`));
    class LoggingClock extends StageClock {
      override timeSync<T>(stage: Parameters<StageClock['timeSync']>[0], work: () => T): T {
        if (stage === 'sha256') log.push('s');
        return super.timeSync(stage, work);
      }
    }
    let polls = 0;
    const ds = await ingestImages(
      fakeSource(files, { onRead: () => log.push('r') }),
      plan(),
      LIMITS,
      headDecoder,
      undefined,
      () => {
        polls++;
        return false;
      },
      undefined,
      new LoggingClock(),
    );
    expect(ds?.rows).toBe(40);
    expect(ds?.warnings).toEqual([]);
    expect(ds?.skipped).toEqual([]);
    expect(polls).toBe(80);
    // 40 head reads (catalog), then 32 whole reads before the first image is finished, then one read per finish.
    const expected = `${'r'.repeat(40)}${'r'.repeat(32)}s${'rs'.repeat(8)}${'s'.repeat(31)}`;
    expect(log.join('')).toBe(expected);
  });

  it('resolves null when stopped during the catalog pass', async () => {
    const ds = await ingestImages(
      fakeSource([png('a/1.png'), png('b/2.png')]),
      plan(),
      LIMITS,
      headDecoder,
      undefined,
      () => true,
    );
    expect(ds).toBeNull();
  });

  it('refuses with the errors only, past warnings for what the plan skips', async () => {
    const source = fakeSource([
      png('a/1.png'),
      png('b/2.png'),
      { path: 'notes.txt', data: new Uint8Array([104, 105]) },
      { path: 'b/bad.png', data: pngHead(2, 2).subarray(0, 20) },
    ]);
    expect(await refusal(ingestImages(source, plan({ skipNonImages: true }), LIMITS, headDecoder))).toEqual([
      [
        'corrupt-image',
        'a.zip: image "b/bad.png" could not be read (a damaged PNG header: no IHDR header). Choose "skip images that do not decode" to import without it.',
      ],
    ]);
  });
});
