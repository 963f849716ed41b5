/**
 * The zip reader's central-directory records (fields, names, kinds, entry comments) and its layout checks (entries
 * into the directory, overlapping entries), on archives written byte by byte (test-zip-raw.ts). Expected values by
 * hand.
 */
import { describe, expect, it } from 'vitest';
import { refusalOf } from './test-source';
import { rawZip } from './test-zip-raw';
import { memorySource, readCentralDirectory } from './zip';

const text = (s: string) => new TextEncoder().encode(s);
const dir = (bytes: Uint8Array, max = 10) => readCentralDirectory(memorySource(bytes), 'x.zip', max);

const refusal = async (run: Promise<unknown>) =>
  (await refusalOf(run)).map((p) => ({ code: p.code, message: p.message, entry: p.entry }));

describe('central directory records', () => {
  it('reads every field little-endian, past an entry comment', async () => {
    const name = 'n'.repeat(300);
    const zip = rawZip([
      {
        name,
        data: text('hi'),
        method: 0x0908,
        flags: 0x0a00,
        crc: 0xdeadbeef,
        declaredSize: 0x0a0b0c0d,
        comment: text('a note on the first entry'),
      },
      { name: 'b', data: text('xyz') },
    ]);
    expect(await dir(zip.bytes)).toEqual([
      {
        path: name,
        kind: 'file',
        method: 0x0908,
        flags: 0x0a00,
        crc: 0xdeadbeef,
        compressedSize: 2,
        declaredSize: 0x0a0b0c0d,
        localOffset: 0,
        nameBytes: 300,
      },
      {
        path: 'b',
        kind: 'file',
        method: 0,
        flags: 0,
        crc: 0xeb8eba67, // zlib.crc32(b"xyz")
        compressedSize: 3,
        declaredSize: 3,
        localOffset: 332,
        nameBytes: 1,
      },
    ]);
  });

  it('reads names without the UTF-8 flag as UTF-8 when they are, else as code page 437', async () => {
    const zip = rawZip([
      { name: Uint8Array.from([0x80, 0x9b, 0xe1, 0x7f, 0x41, 0xff]) },
      { name: Uint8Array.from([0xc3, 0xa9]), flags: 0x0008 },
      { name: Uint8Array.from([0xc3, 0xa9]), flags: 0x0800 },
    ]);
    expect((await dir(zip.bytes)).map((r) => r.path)).toEqual(['Ç¢ß\u007fA\u00a0', 'é', 'é']);
  });

  it('refuses a name marked UTF-8 that is not, numbering the entry', async () => {
    const zip = rawZip([{ name: 'ok' }, { name: Uint8Array.from([0x61, 0xff]), flags: 0x0800 }]);
    expect(await refusal(dir(zip.bytes))).toEqual([
      {
        code: 'archive-corrupt',
        message: "x.zip is a damaged zip: entry 2's name is marked UTF-8 but is not.",
        entry: undefined,
      },
    ]);
  });

  it('marks symbolic links (Unix only), directories (Unix mode, DOS attribute or a final slash) and files', async () => {
    const unix = (mode: number) => ({ madeBy: 3, external: mode * 0x10000 });
    const dos = (mode: number) => ({ madeBy: 0, external: mode * 0x10000 });
    const zip = rawZip([
      { name: 'link', ...unix(0o120777) },
      { name: 'dos-link', ...dos(0o120777) },
      { name: 'udir', ...unix(0o040755) },
      { name: 'dos-udir', ...dos(0o040755) },
      { name: 'attr', madeBy: 0, external: 0x10 },
      { name: 'slash/' },
      { name: 'link-slash/', ...unix(0o120777) },
      { name: 'socket', ...unix(0o140755) },
      { name: 'char', ...unix(0o020644) },
      { name: 'file', ...unix(0o100644) },
      { name: 'plain', madeBy: 0, external: 0x20 },
    ]);
    expect((await dir(zip.bytes, 11)).map((r) => `${r.path} ${r.kind}`)).toEqual([
      'link symlink',
      'dos-link file',
      'udir directory',
      'dos-udir file',
      'attr directory',
      'slash/ directory',
      'link-slash/ symlink',
      'socket file',
      'char file',
      'file file',
      'plain file',
    ]);
  });

  it('reads up to the entry limit and refuses one entry past it', async () => {
    const zip = rawZip([{ name: 'a' }, { name: 'b' }]).bytes;
    expect((await dir(zip, 2)).length).toBe(2);
    const [problem] = await refusal(dir(zip, 1));
    expect(problem.code).toBe('too-many-entries');
    expect(problem.message).toContain('more than 1 entries');
  });
});

describe('layout', () => {
  // Two entries of one-letter names and 5 bytes each: local headers at 0 and 36, the directory at 72.
  const five = text('12345');

  it('checks overlap in the order of the data, not of the directory', async () => {
    const zip = rawZip([
      { name: 'a', data: five, localOffset: 36 },
      { name: 'b', data: five, localOffset: 0 },
    ]);
    expect(zip.cdOffset).toBe(72);
    expect((await dir(zip.bytes)).map((r) => `${r.path}@${r.localOffset}`)).toEqual(['a@36', 'b@0']);
  });

  it('refuses an entry starting one byte inside another, naming both in data order', async () => {
    const zip = rawZip([
      { name: 'a', data: five, localOffset: 35 },
      { name: 'b', data: five, localOffset: 0 },
    ]);
    expect(await refusal(dir(zip.bytes))).toEqual([
      {
        code: 'overlapping-entries',
        message:
          'x.zip: entries "b" and "a" share the same bytes in the archive (a zip-bomb construction); the archive is refused.',
        entry: 'a',
      },
    ]);
  });

  it('refuses an entry whose data runs one byte into the directory', async () => {
    const zip = rawZip([
      { name: 'a', data: five },
      { name: 'b', data: five, compressedSize: 6 },
    ]);
    expect(await refusal(dir(zip.bytes))).toEqual([
      {
        code: 'archive-corrupt',
        message:
          'x.zip is a damaged zip at entry "b": its data runs into the central directory (truncated or forged).',
        entry: 'b',
      },
    ]);
  });
});
