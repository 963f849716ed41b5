import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  encodeBmp,
  encodeGif,
  encodeJpeg,
  encodePng,
  encodeWebp,
  pattern,
} from '../../../../scripts/image-fixtures';
import { sniff } from './header';

describe('sniff', () => {
  it('reads each format’s declared size and whether it is grey', async () => {
    const p = pattern(13, 7, 1);
    const g = pattern(13, 7, 1, true);
    const cases: Array<[Uint8Array, string, boolean]> = [
      [encodePng(p), 'png', false],
      [encodePng(g, true), 'png', true],
      [encodeJpeg(p), 'jpeg', false],
      [encodeGif(p), 'gif', false],
      [encodeGif(g, true), 'gif', true],
      [encodeBmp(p), 'bmp', false],
      [await encodeWebp(p), 'webp', false],
      [await encodeWebp(p, false), 'webp', false],
    ];
    for (const [bytes, format, gray] of cases) {
      expect(sniff(bytes, 'x'), format).toEqual({ kind: 'image', format, width: 13, height: 7, gray });
    }
  });

  it('tells archives, other files and damaged headers apart', () => {
    expect(sniff(new Uint8Array(gzipSync(Buffer.from('x'))), 'a.png')).toEqual({
      kind: 'archive',
      what: 'gzip',
    });
    expect(sniff(new TextEncoder().encode('hello'), 'notes.tar')).toEqual({
      kind: 'archive',
      what: 'a .tar file',
    });
    expect(sniff(new TextEncoder().encode('BM is not a bitmap'), 'a.txt')).toEqual({ kind: 'other' });
    const png = encodePng(pattern(4, 4, 2));
    expect(sniff(png.subarray(0, 20), 'a.png')).toMatchObject({ kind: 'broken-image', format: 'png' });
    const empty = Uint8Array.from(png);
    new DataView(empty.buffer).setUint32(16, 0);
    expect(sniff(empty, 'a.png')).toMatchObject({
      kind: 'broken-image',
      why: 'its header declares an empty image',
    });
    expect(sniff(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2), 'a.jpg')).toMatchObject({
      kind: 'broken-image',
      format: 'jpeg',
    });
  });
});
