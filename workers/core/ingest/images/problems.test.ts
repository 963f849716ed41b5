/**
 * Every image problem's sentence word for word, with its code, severity, entry and count, and the two error
 * classes' names and message (written out by hand here, never built by the code under test).
 */
import { describe, expect, it } from 'vitest';
import { imageProblems as p } from './problems';
import { EntryReadError, ImageIngestError } from './types';

describe('image problem messages', () => {
  it('names the archive, and the entry when there is one', () => {
    expect(p.notAnArchive('a.zip')).toEqual({
      severity: 'error',
      code: 'not-an-archive',
      file: 'a.zip',
      message: 'a.zip is not a zip archive, or it was cut short: it has no end-of-central-directory record.',
    });
    expect(p.archiveCorrupt('a.zip', 'bad CRC', 'x/1.png')).toEqual({
      severity: 'error',
      code: 'archive-corrupt',
      file: 'a.zip',
      entry: 'x/1.png',
      message: 'a.zip is a damaged zip at entry "x/1.png": bad CRC.',
    });
    const whole = p.archiveCorrupt('a.zip', 'bad directory');
    expect(whole).toEqual({
      severity: 'error',
      code: 'archive-corrupt',
      file: 'a.zip',
      message: 'a.zip is a damaged zip: bad directory.',
    });
    expect('entry' in whole).toBe(false);
    expect(p.unsupportedArchive('a.zip', 'it spans disks')).toEqual({
      severity: 'error',
      code: 'unsupported-archive',
      file: 'a.zip',
      message: 'a.zip cannot be read: it spans disks.',
    });
    expect(p.tooManyEntries('a.zip', 250000)).toEqual({
      severity: 'error',
      code: 'too-many-entries',
      file: 'a.zip',
      message:
        'a.zip holds more than 250,000 entries (the limit); Sift stopped reading it and stored nothing. Raise the entry limit in the import settings if the archive is genuine.',
    });
  });

  it('names the entry of each size, overlap and encryption refusal', () => {
    expect(p.entryTooLarge('a.zip', 'c/x.png', 2 * 1024 * 1024)).toEqual({
      severity: 'error',
      code: 'entry-too-large',
      file: 'a.zip',
      entry: 'c/x.png',
      message:
        'a.zip: entry "c/x.png" inflates to more than 2 MB (the per-file limit); Sift stopped reading it and stored nothing.',
    });
    expect(p.tooManyBytes('a.zip', 'c/y.png', 1536)).toEqual({
      severity: 'error',
      code: 'too-many-bytes',
      file: 'a.zip',
      entry: 'c/y.png',
      message:
        'a.zip: the entries inflate to more than 1.5 kB in all (the limit), passed at entry "c/y.png"; Sift stopped reading and stored nothing.',
    });
    expect(p.overlappingEntries('a.zip', 'p', 'q')).toEqual({
      severity: 'error',
      code: 'overlapping-entries',
      file: 'a.zip',
      entry: 'q',
      message:
        'a.zip: entries "p" and "q" share the same bytes in the archive (a zip-bomb construction); the archive is refused.',
    });
    expect(p.encrypted('a.zip', 'e')).toEqual({
      severity: 'error',
      code: 'encrypted-entry',
      file: 'a.zip',
      entry: 'e',
      message: 'a.zip: entry "e" is encrypted; Sift cannot read encrypted entries.',
    });
    expect(p.unsupportedCompression('a.zip', 'e', 14)).toEqual({
      severity: 'error',
      code: 'unsupported-compression',
      file: 'a.zip',
      entry: 'e',
      message: 'a.zip: entry "e" uses compression method 14; Sift reads stored and deflated entries only.',
    });
    expect(p.unsafePath('a.zip', '../e', 'climbs out of its folder')).toEqual({
      severity: 'error',
      code: 'unsafe-path',
      file: 'a.zip',
      entry: '../e',
      message: 'a.zip: entry "../e" climbs out of its folder; archives with such paths are refused.',
    });
    expect(p.symlink('a.zip', 'l')).toEqual({
      severity: 'error',
      code: 'symlink',
      file: 'a.zip',
      entry: 'l',
      message: 'a.zip: entry "l" is a symbolic link; archives holding links are refused.',
    });
    expect(p.nestedArchive('a.zip', 'in.zip', 'a zip')).toEqual({
      severity: 'error',
      code: 'nested-archive',
      file: 'a.zip',
      entry: 'in.zip',
      message:
        'a.zip: entry "in.zip" is itself an archive (a zip); Sift does not open archives inside archives.',
    });
  });

  it('says a duplicate path twice over, or names both paths that fold to one', () => {
    expect(p.duplicatePath('a.zip', 'c/x.png', 'c/x.png')).toEqual({
      severity: 'error',
      code: 'duplicate-path',
      file: 'a.zip',
      entry: 'c/x.png',
      message: 'a.zip: the path "c/x.png" appears twice; every file must have its own path.',
    });
    expect(p.duplicatePath('a.zip', 'c/X.png', 'c/x.png')).toEqual({
      severity: 'error',
      code: 'duplicate-path',
      file: 'a.zip',
      entry: 'c/x.png',
      message:
        'a.zip: entries "c/X.png" and "c/x.png" name the same file once letter case and Unicode form are ignored; every file must have its own path.',
    });
  });

  it('counts files that are not images, one or many, as an error or (skipped) a warning', () => {
    expect(p.notImages('a.zip', ['r.txt'], false)).toEqual({
      severity: 'error',
      code: 'not-an-image',
      file: 'a.zip',
      entry: 'r.txt',
      count: 1,
      message:
        'a.zip: 1 file is not a PNG, JPEG, GIF, BMP or WebP image: "r.txt". Choose "skip files that are not images" to import without it.',
    });
    expect(p.notImages('a.zip', ['r.txt', 's.doc'], false)).toEqual({
      severity: 'error',
      code: 'not-an-image',
      file: 'a.zip',
      entry: 'r.txt',
      count: 2,
      message:
        'a.zip: 2 files are not a PNG, JPEG, GIF, BMP or WebP image: "r.txt", "s.doc". Choose "skip files that are not images" to import without them.',
    });
    expect(p.notImages('a.zip', ['r.txt'], true)).toEqual({
      severity: 'warning',
      code: 'not-an-image',
      file: 'a.zip',
      entry: 'r.txt',
      count: 1,
      message: 'a.zip: 1 file is not an image and was left out: "r.txt".',
    });
    expect(p.notImages('a.zip', ['r.txt', 's.doc'], true)).toEqual({
      severity: 'warning',
      code: 'not-an-image',
      file: 'a.zip',
      entry: 'r.txt',
      count: 2,
      message: 'a.zip: 2 files are not an image and were left out: "r.txt", "s.doc".',
    });
  });

  it('says an image did not decode, as an error or (skipped) a warning', () => {
    expect(p.corruptImage('a.zip', 'c/x.png', 'bad data', false)).toEqual({
      severity: 'error',
      code: 'corrupt-image',
      file: 'a.zip',
      entry: 'c/x.png',
      message:
        'a.zip: image "c/x.png" could not be read (bad data). Choose "skip images that do not decode" to import without it.',
    });
    expect(p.corruptImage('a.zip', 'c/x.png', 'bad data', true)).toEqual({
      severity: 'warning',
      code: 'corrupt-image',
      file: 'a.zip',
      entry: 'c/x.png',
      message: 'a.zip: image "c/x.png" could not be read (bad data) and was left out.',
    });
    expect(p.tooManyPixels('a.zip', 'b.png', 6000, 5000, 25000000)).toEqual({
      severity: 'error',
      code: 'too-many-pixels',
      file: 'a.zip',
      entry: 'b.png',
      message:
        'a.zip: image "b.png" declares 6000 × 5000 pixels, over the limit of 25,000,000 pixels per image (a decompression bomb, or a very large photo); it was not decoded and nothing was stored. Raise the pixel limit in the import settings if it is genuine.',
    });
  });

  it('words the layout and class refusals', () => {
    expect(p.noClassFolder('a.zip', 'x.png')).toEqual({
      severity: 'error',
      code: 'no-class-folder',
      file: 'a.zip',
      entry: 'x.png',
      message:
        'a.zip: image "x.png" is not inside a class folder. Put each image in a folder named after its class, or add a labels CSV with the columns path,label.',
    });
    expect(p.labelsCsv('a.zip', 'labels.csv', 'has no label column')).toEqual({
      severity: 'error',
      code: 'labels-csv',
      file: 'a.zip',
      entry: 'labels.csv',
      message: 'a.zip: the labels CSV "labels.csv" has no label column.',
    });
    expect(p.unlabelled('a.zip', 'l.csv', ['c/x.png'])).toEqual({
      severity: 'error',
      code: 'unlabelled-image',
      file: 'a.zip',
      entry: 'c/x.png',
      count: 1,
      message: 'a.zip: 1 image is not listed in the labels CSV "l.csv": "c/x.png".',
    });
    expect(p.unlabelled('a.zip', 'l.csv', ['c/x.png', 'c/y.png'])).toEqual({
      severity: 'error',
      code: 'unlabelled-image',
      file: 'a.zip',
      entry: 'c/x.png',
      count: 2,
      message: 'a.zip: 2 images are not listed in the labels CSV "l.csv": "c/x.png", "c/y.png".',
    });
    expect(p.noImages('a.zip')).toEqual({
      severity: 'error',
      code: 'no-images',
      file: 'a.zip',
      message: 'a.zip holds no images.',
    });
    expect(p.singleClass('a.zip', 'cat')).toEqual({
      severity: 'error',
      code: 'single-class',
      file: 'a.zip',
      message: 'a.zip: every image has the class "cat"; finding poisoned samples needs at least two classes.',
    });
    expect(p.tooManyClasses('a.zip', 1000)).toEqual({
      severity: 'error',
      code: 'too-many-classes',
      file: 'a.zip',
      message:
        'a.zip has more than 1,000 classes (the limit). Raise the class limit in the import settings if that is right.',
    });
  });

  it("names the two error classes, and joins the problems' messages one a line", () => {
    const read = new EntryReadError('corrupt', 'its CRC does not match');
    expect([read.name, read.code, read.message]).toEqual([
      'EntryReadError',
      'corrupt',
      'its CRC does not match',
    ]);
    const refusal = new ImageIngestError([p.noImages('a.zip'), p.symlink('a.zip', 'l')]);
    expect(refusal.name).toBe('ImageIngestError');
    expect(refusal.message).toBe(
      'a.zip holds no images.\na.zip: entry "l" is a symbolic link; archives holding links are refused.',
    );
  });
});
