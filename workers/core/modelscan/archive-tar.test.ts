/**
 * From Stryker's survivors in archive.ts and tar.ts: which zip is a NumPy .npz, which entries are skipped as folders,
 * archives nested in archives against the cap, .keras assets and folders; the tar reader's block walk, names cut at
 * their first NUL, sizes padded with NULs or spaces, pax records and global headers. Archives are written here with
 * fflate (zip) or block by block (ustar: name at 0, size in octal at 124, type at 156, "ustar" at 257, prefix at 345).
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { plainSequential } from './corpus/common';
import { kerasArchive } from './corpus/keras';
import { systemCallPickle } from './corpus/pickle';
import { scanModelFile } from './scan';
import { readTar } from './tar';
import { NUMPY_FILES } from './test-numpy-files';
import { block, header, join } from './test-tar-bytes';
import { context } from './test-zip-bytes';
import type { ScanLimits } from './types';

const PICKLE = Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]);
const NPY = Uint8Array.from(atob(NUMPY_FILES[0]?.base64 ?? ''), (c) => c.charCodeAt(0));
const zip = (entries: Record<string, Uint8Array>) => zipSync(entries, { level: 0 });
const scan = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('z.zip', bytes, { limits, clock: () => 0 });

describe('zip archives', () => {
  it('calls a zip of .npy entries only a NumPy archive', () => {
    expect(scan(zip({ 'a.npy': NPY, 'b.npy': NPY }))).toMatchObject({ format: 'numpy', findings: [] });
    expect(scan(zip({ 'a.npy': NPY, 'b.pkl': PICKLE }))).toMatchObject({ format: 'zip', findings: [] });
    expect(scan(zip({}))).toMatchObject({ format: 'zip', findings: [] });
  });

  it('skips empty folder entries, and reads an empty file or a folder name that holds bytes', () => {
    expect(scan(zip({ 'dir/': new Uint8Array(0), 'a.pkl': PICKLE })).findings).toEqual([]);
    expect(scan(zip({ 'e.bin': new Uint8Array(0) })).findings.map((f) => [f.kind, f.location])).toEqual([
      ['unsupported', 'z.zip › e.bin'], // no bytes: no format the scanner knows
    ]);
    expect(scan(zip({ 'odd/': systemCallPickle() })).findings.map((f) => [f.severity, f.location])).toEqual([
      ['critical', 'z.zip › odd/, byte 2'],
    ]);
  });

  it('counts each archive inside another against the nesting cap', () => {
    const inner = zip({ 'a.pkl': PICKLE });
    const outer = zip({ 'inner.zip': inner });
    expect(scan(outer, { maxNesting: 2 }).findings).toEqual([]);
    expect(scan(outer, { maxNesting: 1 }).findings).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: 'z.zip › inner.zip › a.pkl',
        sentence: 'Archives nest deeper than 1 levels, the cap on nesting.',
      },
    ]);
  });
});

describe('.keras archives', () => {
  const keras = (extra: Record<string, Uint8Array>, limits: Partial<ScanLimits> = {}) =>
    scanModelFile('m.keras', kerasArchive(plainSequential(), extra), { limits, clock: () => 0 });

  it('reads assets without a note, and an asset that is a pickle as one, against the cap', () => {
    expect(keras({ 'assets/vocab.txt': new TextEncoder().encode('a\nb\n') }).findings).toEqual([]);
    expect(keras({ 'assets/empty': new Uint8Array(0) }).findings).toEqual([]);
    // Config and asset alone (no weights, which would meet the cap first).
    const assetOnly = zip({
      'config.json': new TextEncoder().encode(JSON.stringify(plainSequential())),
      'assets/m.pkl': PICKLE,
    });
    expect(
      scanModelFile('m.keras', assetOnly, { limits: { maxNesting: 0 }, clock: () => 0 }).findings,
    ).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: 'm.keras › assets/m.pkl',
        sentence: 'Archives nest deeper than 0 levels, the cap on nesting.',
      },
    ]);
  });

  it('notes a folder entry Keras does not write, and does not read what it holds', () => {
    const found = keras({ 'weird/': systemCallPickle() }).findings;
    expect(found.map((f) => [f.severity, f.kind, f.location])).toEqual([
      ['medium', 'unknown-entry', 'm.keras › weird/'],
    ]);
  });
});

const members = (bytes: Uint8Array) => readTar(bytes, context(), 't.tar');

describe('readTar', () => {
  it('reads members up to the last whole block, names cut at their first NUL', () => {
    // Two members of 3 and 0 bytes; the second header is the last whole block (no end-of-archive blocks).
    const tar = join(header('a\u0000junk', '00000000003\u0000'), block('abc'), header('b', '0'));
    expect(members(tar)).toEqual([
      { name: 'a', offset: 512, size: 3, kind: 'file' },
      { name: 'b', offset: 1536, size: 0, kind: 'file' },
    ]);
    // A trailing partial block is not read as a header.
    expect(members(join(tar, new Uint8Array(511).fill(0x41)))).toHaveLength(2);
  });

  it('reads sizes padded with NULs or spaces, an empty size as 0, and the prefix before the name', () => {
    const tar = join(
      header('x', ' 7 \u0000 ', '0', 'dir\u0000junk'),
      block('1234567'),
      header('y', '', '0'),
      header('z', '00000000001 '),
      block('1'),
    );
    expect(members(tar)).toEqual([
      { name: 'dir/x', offset: 512, size: 7, kind: 'file' },
      { name: 'y', offset: 1536, size: 0, kind: 'file' },
      { name: 'z', offset: 2048, size: 1, kind: 'file' },
    ]);
  });

  it('names a member from the pax record before it, and skips global headers', () => {
    const pax = '30 path=long/name/of/a/file\n';
    const tar = join(
      header('g', '0', 'g'),
      header('p', pax.length.toString(8), 'x'),
      block(pax),
      header('short', '0'),
      header('after', '0'),
    );
    expect(members(tar).map((m) => m.name)).toEqual(['long/name/of/a/file', 'after']);
  });

  it('refuses a member past the end and one member more than the cap, naming them', () => {
    // "1 0" is no octal number (a space inside it is not padding).
    expect(() => members(join(header('a', '1 0'), block()))).toThrow('A tar member size is not octal.');
    const refusal = (bytes: Uint8Array, limits: Partial<ScanLimits>) =>
      scanModelFile('t.tar', bytes, { limits, clock: () => 0 }).findings.at(-1);
    expect(refusal(join(header('a', '2000'), block()), {})?.sentence).toBe(
      'A tar member at byte 512 needs 1024 bytes, but only 512 remain.',
    );
    const three = join(header('a', '0'), header('b', '0'), header('c', '0'), block());
    expect(refusal(three, { maxEntries: 2 })).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 't.tar',
      sentence: 'The tar holds more than 2 members.',
    });
  });
});
