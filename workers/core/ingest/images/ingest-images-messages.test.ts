/**
 * Every way ingestImages refuses one image (a head that changed between reads, a decode of another size, a decoder
 * that throws), what a plan that skips them keeps (rows, classes, array lengths) and the sentences it records.
 * In-memory sources and a decoder that reads the size back from the head (test-source.ts); expected values written
 * out by hand.
 */
import { describe, expect, it } from 'vitest';
import { ingestImages } from './ingest-images';
import { type FakeFile, fakeSource, headDecoder, pngHead, refusalOf } from './test-source';
import { type ImagePlan, DEFAULT_IMAGE_LIMITS as LIMITS } from './types';

const SKIP: ImagePlan = {
  shape: { height: 2, width: 2, channels: 1 },
  skipNonImages: true,
  skipCorrupt: true,
};
const STRICT: ImagePlan = { ...SKIP, skipNonImages: false, skipCorrupt: false };
/** Tag 1: the decoder throws; 2, 3: it answers one pixel wider, taller. */
const png = (path: string, tag = 0): FakeFile => ({ path, data: pngHead(2, 2, true, tag) });
const changed = (path: string, whole: Uint8Array): FakeFile => ({ path, data: pngHead(2, 2), whole });

const refusal = async (run: Promise<unknown>) => (await refusalOf(run)).map((p) => [p.code, p.message]);

describe('images refused one by one', () => {
  it('skips, with consent, each image that changed, decodes to another size or does not decode', async () => {
    const source = fakeSource([
      png('a/1.png'),
      png('a/2.png'),
      png('b/3.png'),
      { path: 'notes.txt', data: new Uint8Array([104, 105]) },
      { path: 'b/bad.png', data: pngHead(2, 2).subarray(0, 20) },
      png('b/boom.png', 1),
      changed('b/h-kind.png', new Uint8Array([104, 105])),
      changed('b/h-w.png', pngHead(3, 2)),
      changed('b/h-h.png', pngHead(2, 3)),
      png('b/d-w.png', 2),
      png('b/d-h.png', 3),
      png('c/only.png', 1),
    ]);
    const ds = await ingestImages(source, SKIP, LIMITS, headDecoder);
    expect(ds?.kind).toBe('images');
    expect(ds?.rows).toBe(3);
    expect(ds?.ids).toEqual(['a/1.png', 'a/2.png', 'b/3.png']);
    // Class c lost its only image: it is not a class of the dataset.
    expect(ds?.classes).toEqual(['a', 'b']);
    expect(Array.from(ds?.labels ?? [])).toEqual([0, 0, 1]);
    expect(ds?.pixels.length).toBe(12);
    expect(Array.from(ds?.pixels ?? [])).toEqual(new Array(12).fill(100));
    expect(ds?.fileSha256.length).toBe(96);
    expect(Array.from(ds?.fileBytes ?? [])).toEqual([33, 33, 33]);
    expect(Array.from(ds?.nativeWidth ?? [])).toEqual([2, 2, 2]);
    expect(Array.from(ds?.nativeHeight ?? [])).toEqual([2, 2, 2]);
    expect(ds?.sizes).toEqual([{ width: 2, height: 2, count: 3 }]);
    const boom = 'it does not decode as PNG: boom';
    const changedWhy = 'its header changed between reads';
    expect(ds?.skipped).toEqual([
      { path: 'notes.txt', reason: 'not an image' },
      { path: 'b/bad.png', reason: 'a damaged PNG header: no IHDR header' },
      { path: 'b/boom.png', reason: boom },
      { path: 'b/d-h.png', reason: 'it decodes to 2 × 3 pixels where its header says 2 × 2' },
      { path: 'b/d-w.png', reason: 'it decodes to 3 × 2 pixels where its header says 2 × 2' },
      { path: 'b/h-h.png', reason: changedWhy },
      { path: 'b/h-kind.png', reason: changedWhy },
      { path: 'b/h-w.png', reason: changedWhy },
      { path: 'c/only.png', reason: boom },
    ]);
    expect(ds?.warnings.map((w) => [w.severity, w.message])).toEqual([
      ['warning', 'a.zip: 1 file is not an image and was left out: "notes.txt".'],
      [
        'warning',
        'a.zip: image "b/bad.png" could not be read (a damaged PNG header: no IHDR header) and was left out.',
      ],
      ['warning', `a.zip: image "b/boom.png" could not be read (${boom}) and was left out.`],
      [
        'warning',
        'a.zip: image "b/d-h.png" could not be read (it decodes to 2 × 3 pixels where its header says 2 × 2) and was left out.',
      ],
      [
        'warning',
        'a.zip: image "b/d-w.png" could not be read (it decodes to 3 × 2 pixels where its header says 2 × 2) and was left out.',
      ],
      ['warning', `a.zip: image "b/h-h.png" could not be read (${changedWhy}) and was left out.`],
      ['warning', `a.zip: image "b/h-kind.png" could not be read (${changedWhy}) and was left out.`],
      ['warning', `a.zip: image "b/h-w.png" could not be read (${changedWhy}) and was left out.`],
      ['warning', `a.zip: image "c/only.png" could not be read (${boom}) and was left out.`],
    ]);
  });

  it('refuses, without consent, the first image that changed between reads or decodes to another size', async () => {
    const strict = (bad: FakeFile) =>
      refusal(ingestImages(fakeSource([png('a/1.png'), bad]), STRICT, LIMITS, headDecoder));
    const said = (path: string, why: string) => [
      [
        'corrupt-image',
        `a.zip: image "${path}" could not be read (${why}). Choose "skip images that do not decode" to import without it.`,
      ],
    ];
    const changedWhy = 'its header changed between reads';
    expect(await strict(changed('b/h.png', pngHead(2, 3)))).toEqual(said('b/h.png', changedWhy));
    expect(await strict(changed('b/w.png', pngHead(3, 2)))).toEqual(said('b/w.png', changedWhy));
    expect(await strict(changed('b/k.png', new Uint8Array([104, 105])))).toEqual(said('b/k.png', changedWhy));
    expect(await strict(png('b/d.png', 2))).toEqual(
      said('b/d.png', 'it decodes to 3 × 2 pixels where its header says 2 × 2'),
    );
    expect(await strict(png('b/e.png', 3))).toEqual(
      said('b/e.png', 'it decodes to 2 × 3 pixels where its header says 2 × 2'),
    );
  });

  it('refuses when every image, or every class but one, was skipped', async () => {
    expect(
      await refusal(
        ingestImages(fakeSource([png('a/1.png', 1), png('b/2.png', 1)]), SKIP, LIMITS, headDecoder),
      ),
    ).toEqual([['no-images', 'a.zip holds no images.']]);
    expect(
      await refusal(ingestImages(fakeSource([png('a/1.png'), png('b/2.png', 1)]), SKIP, LIMITS, headDecoder)),
    ).toEqual([
      [
        'single-class',
        'a.zip: every image has the class "a"; finding poisoned samples needs at least two classes.',
      ],
    ]);
  });
});
