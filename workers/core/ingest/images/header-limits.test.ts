/**
 * sniff and archiveKind on headers written byte by byte in the test from the format specifications (PNG IHDR and
 * PLTE, JPEG SOFn, GIF logical screen, BMP core and info headers, WebP VP8/VP8L/VP8X): each field's byte order,
 * each grey-palette rule, each damaged-header sentence word for word, and the bounds at exactly their length.
 */
import { describe, expect, it } from 'vitest';
import { archiveKind, sniff } from './header';

const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];
const le16 = (v: number): number[] => [v & 255, (v >>> 8) & 255];
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const u8 = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
const chunk = (type: string, data: number[]): number[] => [
  ...be32(data.length),
  ...text(type),
  ...data,
  0,
  0,
  0,
  0,
];

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ihdr = (w: number, h: number, colorType: number): number[] =>
  chunk('IHDR', [...be32(w), ...be32(h), 8, colorType, 0, 0, 0]);
const image = (format: string, width: number, height: number, gray: boolean) => ({
  kind: 'image',
  format,
  width,
  height,
  gray,
});
const broken = (format: string, why: string) => ({ kind: 'broken-image', format, why });

describe('archiveKind', () => {
  it('names each archive by its magic bytes, else by its name, else null', () => {
    expect(archiveKind(u8([0x50, 0x4b, 0x03, 0x04]), 'x')).toBe('a zip');
    expect(archiveKind(u8([0x50, 0x4b, 0x05, 0x06]), 'x')).toBe('a zip');
    expect(archiveKind(u8([0x1f, 0x8b]), 'x')).toBe('gzip');
    expect(archiveKind(u8([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 'x')).toBe('7-Zip');
    expect(archiveKind(u8(text('Rar!'), [0x1a]), 'x')).toBe('RAR');
    expect(archiveKind(u8(text('BZh9')), 'x')).toBe('bzip2');
    expect(archiveKind(u8([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'x')).toBe('xz');
    expect(archiveKind(u8([0x28, 0xb5, 0x2f, 0xfd]), 'x')).toBe('zstd');
    expect(archiveKind(u8(new Array<number>(257).fill(0), text('ustar')), 'x')).toBe('tar');
    expect(archiveKind(u8(new Array<number>(256).fill(0), text('ustar')), 'x')).toBeNull();
    expect(archiveKind(u8([0x50, 0x4b, 0x03]), 'x')).toBeNull();
    expect(archiveKind(u8([0x1f]), 'x')).toBeNull();
    expect(archiveKind(u8([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1d]), 'x')).toBeNull();
    expect(archiveKind(u8([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01]), 'x')).toBeNull();
    expect(archiveKind(u8([0x28, 0xb5, 0x2f, 0xfe]), 'x')).toBeNull();
    expect(archiveKind(u8(text('hello')), 'DATA.ZIP')).toBe('a .zip file');
    expect(archiveKind(u8(text('hello')), 'a.tar.gz')).toBe('a .gz file');
    for (const ext of ['jar', 'tar', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar']) {
      expect(archiveKind(u8(text('hello')), `f.${ext}`)).toBe(`a .${ext} file`);
    }
    expect(archiveKind(u8(text('hello')), 'a.zip.png')).toBeNull();
    expect(archiveKind(u8(text('hello')), 'azip')).toBeNull();
  });
});

describe('sniff: PNG', () => {
  it('reads width and height big-endian, all 32 bits', () => {
    expect(sniff(u8(PNG_SIG, ihdr(0x01020304, 0x80000001, 2)), 'a.png')).toEqual(
      image('png', 0x01020304, 0x80000001, false),
    );
  });

  it('is grey for colour types 0 and 4 only, and for type 3 when the palette is', () => {
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 0)), 'a.png')).toEqual(image('png', 3, 2, true));
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 4)), 'a.png')).toEqual(image('png', 3, 2, true));
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 6)), 'a.png')).toEqual(image('png', 3, 2, false));
    const grey = chunk('PLTE', [0, 0, 0, 9, 9, 9, 255, 255, 255]);
    const gama = chunk('gAMA', [0, 0, 0xb1, 0x8f]);
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), grey), 'a.png')).toEqual(image('png', 3, 2, true));
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), gama, grey), 'a.png')).toEqual(image('png', 3, 2, true));
    for (const entry of [
      [9, 8, 8],
      [8, 9, 8],
      [8, 8, 9],
    ]) {
      const plte = chunk('PLTE', [0, 0, 0, ...entry]);
      expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), gama, plte), 'a.png')).toEqual(image('png', 3, 2, false));
    }
    // A palette whose length is not a multiple of 3, one the head cuts short, one after the image data, none.
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), chunk('PLTE', [7, 7, 7, 0])), 'a.png')).toEqual(
      image('png', 3, 2, false),
    );
    const cut = u8(PNG_SIG, ihdr(3, 2, 3), grey);
    expect(sniff(cut.subarray(0, cut.length - 5), 'a.png')).toEqual(image('png', 3, 2, false));
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), chunk('IDAT', [1, 2]), grey), 'a.png')).toEqual(
      image('png', 3, 2, false),
    );
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3)), 'a.png')).toEqual(image('png', 3, 2, false));
    // The PLTE chunk's type read 8 bytes from the end of the head (its length and type only): an empty palette.
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 3), be32(0), text('PLTE')), 'a.png')).toEqual(
      image('png', 3, 2, true),
    );
  });

  it('reads no palette of a truecolour image, even a grey suggested one', () => {
    const grey = chunk('PLTE', [0, 0, 0, 9, 9, 9]);
    expect(sniff(u8(PNG_SIG, ihdr(3, 2, 2), grey), 'a.png')).toEqual(image('png', 3, 2, false));
  });

  it('needs the whole IHDR', () => {
    const whole = u8(PNG_SIG, ihdr(5, 6, 0));
    expect(whole.length).toBe(33);
    expect(sniff(whole, 'a.png')).toEqual(image('png', 5, 6, true));
    expect(sniff(whole.subarray(0, 32), 'a.png')).toEqual(broken('png', 'no IHDR header'));
    const renamed = Uint8Array.from(whole);
    renamed[15] = 0x53; // IHDS
    expect(sniff(renamed, 'a.png')).toEqual(broken('png', 'no IHDR header'));
  });

  it('calls an image of no rows or no columns broken', () => {
    const why = 'its header declares an empty image';
    expect(sniff(u8(PNG_SIG, ihdr(5, 0, 0)), 'a.png')).toEqual(broken('png', why));
    expect(sniff(u8(PNG_SIG, ihdr(0, 5, 0)), 'a.png')).toEqual(broken('png', why));
  });
});

describe('sniff: JPEG', () => {
  const SOI = [0xff, 0xd8];
  const sof = (marker: number, h: number, w: number, comps: number): number[] => [
    0xff,
    marker,
    ...be16(8 + 3 * comps),
    8,
    ...be16(h),
    ...be16(w),
    comps,
  ];
  const app0 = [0xff, 0xe0, ...be16(6), 1, 2, 3, 4];

  it('reads the frame header of each SOF marker, past segments, fill bytes and standalone markers', () => {
    expect(sniff(u8(SOI, sof(0xc0, 0x0102, 0x0304, 1)), 'a.jpg')).toEqual(
      image('jpeg', 0x0304, 0x0102, true),
    );
    expect(sniff(u8(SOI, sof(0xc2, 7, 9, 3)), 'a.jpg')).toEqual(image('jpeg', 9, 7, false));
    expect(sniff(u8(SOI, sof(0xcf, 7, 9, 3)), 'a.jpg')).toEqual(image('jpeg', 9, 7, false));
    const skipped = u8(
      SOI,
      app0,
      [0xff, 0xff, 0xff, 0xd0, 0xff, 0xd7, 0xff, 0x01, 0xff, 0xd8],
      sof(0xc1, 2, 3, 1),
    );
    expect(sniff(skipped, 'a.jpg')).toEqual(image('jpeg', 3, 2, true));
    // DHT (C4), JPG (C8) and DAC (CC) are segments, not frame headers.
    for (const marker of [0xc4, 0xc8, 0xcc]) {
      const seg = [0xff, marker, ...be16(8), 8, 0, 1, 0, 1, 1];
      expect(sniff(u8(SOI, seg, sof(0xc0, 4, 5, 1)), 'a.jpg')).toEqual(image('jpeg', 5, 4, true));
    }
  });

  it('skips a segment of a marker below 0xC0', () => {
    const seg = [0xff, 0x50, ...be16(8), 8, 0, 1, 0, 1, 1];
    expect(sniff(u8(SOI, seg, sof(0xc0, 4, 5, 1)), 'a.jpg')).toEqual(image('jpeg', 5, 4, true));
  });

  it('needs the frame header whole, exactly ten bytes from its marker', () => {
    const head = u8(SOI, sof(0xc0, 4, 5, 1));
    expect(sniff(head.subarray(0, 12), 'a.jpg')).toEqual(image('jpeg', 5, 4, true));
    expect(sniff(head.subarray(0, 11), 'a.jpg')).toEqual(
      broken('jpeg', 'the frame header was not found in the file’s head'),
    );
  });

  it('says which way the head is damaged', () => {
    expect(sniff(u8(SOI, [0xff, 0xda, 0, 2]), 'a.jpg')).toEqual(
      broken('jpeg', 'no frame header before the image data'),
    );
    expect(sniff(u8(SOI, [0xff, 0xd9, 0, 0]), 'a.jpg')).toEqual(
      broken('jpeg', 'no frame header before the image data'),
    );
    expect(sniff(u8(SOI, app0, [0x00, 0xc0, 0, 0]), 'a.jpg')).toEqual(broken('jpeg', 'a marker is damaged'));
    expect(sniff(u8(SOI, [0xff, 0xd9]), 'a.jpg')).toEqual(
      broken('jpeg', 'the frame header was not found in the file’s head'),
    );
    expect(sniff(u8(SOI, app0), 'a.jpg')).toEqual(
      broken('jpeg', 'the frame header was not found in the file’s head'),
    );
  });
});

describe('sniff: GIF', () => {
  const screen = (sig: string, w: number, h: number, packed: number): number[] => [
    ...text(sig),
    ...le16(w),
    ...le16(h),
    packed,
    0,
    0,
  ];

  it('reads the logical screen little-endian, grey only with a grey global colour table', () => {
    expect(sniff(u8(screen('GIF87a', 0x0102, 0x0304, 0)), 'a.gif')).toEqual(
      image('gif', 0x0102, 0x0304, false),
    );
    const greyTable = [0, 0, 0, 200, 200, 200, 5, 5, 5, 255, 255, 255];
    expect(sniff(u8(screen('GIF89a', 3, 2, 0x81), greyTable), 'a.gif')).toEqual(image('gif', 3, 2, true));
    // 0x81 is four entries: the last one cut off, or not grey.
    expect(sniff(u8(screen('GIF89a', 3, 2, 0x81), greyTable.slice(0, 11)), 'a.gif')).toEqual(
      image('gif', 3, 2, false),
    );
    expect(sniff(u8(screen('GIF89a', 3, 2, 0x81), greyTable.slice(0, 9), [1, 2, 3]), 'a.gif')).toEqual(
      image('gif', 3, 2, false),
    );
    // The table flag off: no global table however grey the bytes after the screen are.
    expect(sniff(u8(screen('GIF89a', 3, 2, 0x01), greyTable), 'a.gif')).toEqual(image('gif', 3, 2, false));
  });

  it('needs thirteen bytes', () => {
    expect(sniff(u8(screen('GIF89a', 3, 2, 0)).subarray(0, 12), 'a.gif')).toEqual(
      broken('gif', 'the header is cut short'),
    );
  });
});

describe('sniff: BMP', () => {
  const file = [...text('BM'), ...le32(0), ...le32(0), ...le32(0)];
  const core = (w: number, h: number, bpp: number): number[] => [
    ...file,
    ...le32(12),
    ...le16(w),
    ...le16(h),
    1,
    0,
    ...le16(bpp),
  ];
  const info = (dib: number, w: number, h: number, bpp: number, used: number): number[] => [
    ...file,
    ...le32(dib),
    ...le32(w),
    ...le32(h),
    1,
    0,
    ...le16(bpp),
    ...new Array<number>(16).fill(0),
    ...le32(used),
    ...le32(0),
    ...new Array<number>(dib - 40).fill(0),
  ];

  it('reads the core header, grey with a grey palette of 2^bpp RGB entries', () => {
    expect(sniff(u8(core(0x0102, 0x0304, 24)), 'a.bmp')).toEqual(image('bmp', 0x0102, 0x0304, false));
    expect(sniff(u8(core(3, 2, 1), [0, 0, 0, 255, 255, 255]), 'a.bmp')).toEqual(image('bmp', 3, 2, true));
    expect(sniff(u8(core(3, 2, 1), [0, 0, 0, 255, 255, 254]), 'a.bmp')).toEqual(image('bmp', 3, 2, false));
    expect(sniff(u8(core(3, 2, 1), [0, 0, 0, 255, 255]), 'a.bmp')).toEqual(image('bmp', 3, 2, false));
    expect(sniff(u8(core(3, 2, 8), new Array<number>(768).fill(4)), 'a.bmp')).toEqual(
      image('bmp', 3, 2, true),
    );
    expect(sniff(u8(core(3, 2, 8)).subarray(0, 25), 'a.bmp')).toEqual(
      broken('bmp', 'the header is cut short'),
    );
  });

  it('reads the info header and its later versions, with the palette size it states', () => {
    const bgr0 = (...greys: number[]): number[] => greys.flatMap((g) => [g, g, g, 0]);
    expect(sniff(u8(info(40, 3, -2, 24, 0)), 'a.bmp')).toEqual(image('bmp', 3, 2, false));
    expect(sniff(u8(info(40, -0x01020304, 0x0a0b0c0d, 24, 0)), 'a.bmp')).toEqual(
      image('bmp', 0x01020304, 0x0a0b0c0d, false),
    );
    expect(sniff(u8(info(40, 3, 2, 1, 0), bgr0(0, 255)), 'a.bmp')).toEqual(image('bmp', 3, 2, true));
    expect(sniff(u8(info(40, 3, 2, 1, 0), bgr0(0), [255, 255, 254, 0]), 'a.bmp')).toEqual(
      image('bmp', 3, 2, false),
    );
    // Two colours used of 256: only they are read; 256 used; more than 256 is 2^8.
    expect(sniff(u8(info(40, 3, 2, 8, 2), bgr0(0, 255), [1, 2, 3, 0]), 'a.bmp')).toEqual(
      image('bmp', 3, 2, true),
    );
    expect(sniff(u8(info(40, 3, 2, 8, 256), bgr0(...new Array<number>(256).fill(7))), 'a.bmp')).toEqual(
      image('bmp', 3, 2, true),
    );
    expect(sniff(u8(info(40, 3, 2, 8, 257), bgr0(...new Array<number>(256).fill(7))), 'a.bmp')).toEqual(
      image('bmp', 3, 2, true),
    );
    expect(sniff(u8(info(40, 3, 2, 8, 256), bgr0(...new Array<number>(255).fill(7))), 'a.bmp')).toEqual(
      image('bmp', 3, 2, false),
    );
    expect(sniff(u8(info(40, 3, 2, 16, 0), bgr0(...new Array<number>(256).fill(7))), 'a.bmp')).toEqual(
      image('bmp', 3, 2, false),
    );
    for (const dib of [52, 56, 64, 108, 124]) {
      expect(sniff(u8(info(dib, 3, 2, 1, 0), bgr0(9, 9)), 'a.bmp')).toEqual(image('bmp', 3, 2, true));
    }
  });

  it('reads 256 colours used as 256 palette entries, past the 16 of 4 bits per pixel', () => {
    const bgr0 = (...greys: number[]): number[] => greys.flatMap((g) => [g, g, g, 0]);
    const palette = [
      ...bgr0(...new Array<number>(16).fill(3)),
      1,
      2,
      3,
      0,
      ...bgr0(...new Array<number>(239).fill(3)),
    ];
    expect(sniff(u8(info(40, 3, 2, 4, 256), palette), 'a.bmp')).toEqual(image('bmp', 3, 2, false));
    expect(sniff(u8(info(40, 3, 2, 4, 16), palette), 'a.bmp')).toEqual(image('bmp', 3, 2, true));
  });

  it('needs "BM", eighteen bytes, and "RIFF" before "WEBP"', () => {
    const notBm = u8(info(40, 3, 2, 24, 0));
    notBm[0] = 0x58;
    expect(sniff(notBm, 'a.bin')).toEqual({ kind: 'other' });
    expect(sniff(u8(file, [40, 0, 0, 0]), 'a.bmp')).toEqual(broken('bmp', 'the header is cut short'));
    const riff = u8(text('RIFX'), le32(30), text('WEBPVP8X'), new Array<number>(14).fill(1));
    expect(sniff(riff, 'a.bin')).toEqual({ kind: 'other' });
  });

  it('needs a known header size and the whole info header', () => {
    expect(sniff(u8(info(40, 3, 2, 24, 0)).subarray(0, 53), 'a.bmp')).toEqual(
      broken('bmp', 'unknown header'),
    );
    expect(sniff(u8(info(40, 3, 2, 24, 0)).subarray(0, 54), 'a.bmp')).toEqual(image('bmp', 3, 2, false));
    const odd = u8(info(40, 3, 2, 24, 0));
    odd[14] = 41;
    expect(sniff(odd, 'a.bmp')).toEqual({ kind: 'other' });
    expect(sniff(u8(file, [40, 0, 0]), 'a.bmp')).toEqual({ kind: 'other' });
  });
});

describe('sniff: WebP', () => {
  const riff = (fourcc: string, data: number[]): Uint8Array =>
    u8(text('RIFF'), le32(4 + 8 + data.length), text('WEBP'), text(fourcc), le32(data.length), data);
  const vp8 = (w: number, h: number): number[] => [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h)];

  it('reads the VP8, VP8L and VP8X sizes', () => {
    expect(sniff(riff('VP8 ', vp8(0xc00d, 0x4007)), 'a.webp')).toEqual(image('webp', 13, 7, false));
    expect(sniff(riff('VP8 ', vp8(0x3fff, 0x2001)), 'a.webp')).toEqual(image('webp', 0x3fff, 0x2001, false));
    // VP8L: 14 bits of width - 1, then 14 of height - 1: width 13, height 7 → 12 | 6 << 14.
    const bits = 12 | (6 << 14) | (1 << 28);
    expect(sniff(riff('VP8L', [0x2f, ...le32(bits), 0, 0, 0, 0, 0]), 'a.webp')).toEqual(
      image('webp', 13, 7, false),
    );
    const big = 0x3fff | (0x3ffe << 14);
    expect(sniff(riff('VP8L', [0x2f, ...le32(big), 0, 0, 0, 0, 0]), 'a.webp')).toEqual(
      image('webp', 0x4000, 0x3fff, false),
    );
    // VP8X: flags, then 24-bit width - 1 and height - 1.
    expect(sniff(riff('VP8X', [0, 0, 0, 0, 0x02, 0x01, 0x03, 0x06, 0x05, 0x04]), 'a.webp')).toEqual(
      image('webp', 0x030103, 0x040507, false),
    );
  });

  it('says which way the header is damaged', () => {
    const cut = riff('VP8 ', vp8(13, 7));
    expect(cut.length).toBe(30);
    expect(sniff(cut.subarray(0, 29), 'a.webp')).toEqual(broken('webp', 'the header is cut short'));
    expect(sniff(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2b, 13, 0, 7, 0]), 'a.webp')).toEqual(
      broken('webp', 'no VP8 frame tag'),
    );
    expect(sniff(riff('VP8L', [0x2e, 12, 0x80, 1, 0, 0, 0, 0, 0, 0]), 'a.webp')).toEqual(
      broken('webp', 'no VP8L signature'),
    );
    expect(sniff(riff('ALPH', new Array<number>(10).fill(1)), 'a.webp')).toEqual(
      broken('webp', 'unknown WebP chunk'),
    );
    expect(
      sniff(u8(text('RIFF'), le32(30), text('WAVE'), text('fmt '), new Array<number>(14).fill(1)), 'a.wav'),
    ).toEqual({
      kind: 'other',
    });
  });
});
