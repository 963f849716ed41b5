import { describe, expect, it } from 'vitest';
import { le, writeHdf5 } from '../corpus/hdf5';
import { scanModelFile } from '../scan';
import { H5v2 } from './test-hdf5-v2';

/**
 * Superblocks cut short inside each field. The field offsets are written out by hand from the HDF5 File Format
 * Specification 3.0 (section II.A) with 8-byte offsets and lengths, not taken from the reader: version 0 has the
 * base address at 24, the end-of-file address at 40 and the root symbol-table entry at 56 (its object header
 * address at 64, cache type at 72, scratch-pad B-tree and heap addresses at 80 and 88); version 1 has 4 more bytes
 * (indexed-storage K and a reserved pair) before the base address, so every later field is 4 bytes further on;
 * versions 2 and 3 have the base at 12, the extension address at 20, the end of file at 28 and the root at 36.
 */

const refusal = (bytes: Uint8Array) => {
  const result = scanModelFile('x.h5', bytes);
  expect(result.verdict).toBe('refused');
  return result.findings.at(-1);
};

const cutAt = (what: string, at: number, size: number, length: number) =>
  `${what} at byte ${at} needs ${size} bytes, but only ${Math.max(0, length - at)} remain.`;

/** The first 96 bytes (the superblock) of an h5py-style file, its end-of-file address made undefined (all ones). */
function v0(newStyle = false): Uint8Array {
  const bytes = writeHdf5({ kind: 'group', children: {}, newStyle }).slice(0, 96);
  bytes.set(le(-1, 8), 40);
  return bytes;
}

/** The same superblock as version 1: 4 bytes inserted at 24. */
function v1(): Uint8Array {
  const old = v0();
  const bytes = new Uint8Array(100);
  bytes.set(old.subarray(0, 24));
  bytes.set(old.subarray(24), 28);
  bytes[8] = 1;
  return bytes;
}

/** [first length, last length, the refusal of a superblock cut to that length]. */
type Cut = [number, number, (length: number) => string];

function expectCuts(full: Uint8Array, cuts: Cut[]): void {
  for (const [from, to, sentence] of cuts) {
    for (let length = from; length <= to; length++) {
      expect([length, refusal(full.slice(0, length))]).toEqual([
        length,
        { severity: 'high', kind: 'malformed', location: 'x.h5', sentence: sentence(length) },
      ]);
    }
  }
}

describe('a superblock cut inside a field', () => {
  it('version 0: names each field and where it starts', () => {
    expectCuts(v0(), [
      [8, 8, (n) => cutAt('The superblock version', 8, 1, n)],
      [9, 13, (n) => cutAt('A field', 13, 1, n)],
      [14, 14, (n) => cutAt('A field', 14, 1, n)],
      [15, 31, (n) => cutAt('The base address', 24, 8, n)],
      [32, 47, (n) => cutAt('The end-of-file address', 40, 8, n)],
      [48, 71, (n) => cutAt('The root object header address', 64, 8, n)],
      [72, 75, (n) => cutAt('A field', 72, 4, n)],
      // cache type 1 (h5py's old-style root): the scratch pad's B-tree and heap addresses are read
      [76, 87, (n) => cutAt('An address', 80, 8, n)],
      [88, 95, (n) => cutAt('An address', 88, 8, n)],
    ]);
  });

  it('version 0 with cache type 0: the scratch pad is not read', () => {
    const full = v0(true);
    expect(full[72]).toBe(0);
    const header = (full[64] as number) + 256 * (full[65] as number); // the root's object header, after the superblock
    expect(header).toBeGreaterThanOrEqual(96);
    for (const length of [76, 84, 90, 96]) {
      expect(refusal(full.slice(0, length))?.sentence).toBe(cutAt('An object header', header, 1, length));
    }
  });

  it('version 1: every field after the 4 extra bytes', () => {
    expectCuts(v1(), [
      [15, 35, (n) => cutAt('The base address', 28, 8, n)],
      [36, 51, (n) => cutAt('The end-of-file address', 44, 8, n)],
      [52, 75, (n) => cutAt('The root object header address', 68, 8, n)],
      [76, 79, (n) => cutAt('A field', 76, 4, n)],
      [80, 91, (n) => cutAt('An address', 84, 8, n)],
      [92, 99, (n) => cutAt('An address', 92, 8, n)],
    ]);
  });

  it('versions 2 and 3', () => {
    for (const version of [2, 3]) {
      const full = new H5v2().finish(48, { version, eof: -1 }).slice(0, 44);
      expectCuts(full, [
        [9, 9, (n) => cutAt('A field', 9, 1, n)],
        [10, 10, (n) => cutAt('A field', 10, 1, n)],
        [11, 19, (n) => cutAt('The base address', 12, 8, n)],
        [20, 27, (n) => cutAt('The superblock extension address', 20, 8, n)],
        [28, 35, (n) => cutAt('The end-of-file address', 28, 8, n)],
        [36, 43, (n) => cutAt('The root object header address', 36, 8, n)],
      ]);
    }
  });
});

describe('the end-of-file address', () => {
  /** A version 2 file behind a 512-byte user block (base address 512), its end-of-file address `eof` (relative). */
  function behindUserBlock(eof: (length: number) => number): Uint8Array {
    const h = new H5v2();
    h.add([...[0x4f, 0x48, 0x44, 0x52], 2, 0x00, 0, 0, 0, 0, 0]); // an empty root object header at 48
    const file = h.finish(48, { eof: eof(h.bytes.length) });
    const shifted = new Uint8Array(512 + file.length);
    shifted.set(file, 512);
    shifted.set(le(512, 8), 512 + 12);
    return shifted;
  }

  it('is counted from the base address', () => {
    const file = behindUserBlock((n) => n);
    expect(scanModelFile('x.h5', file).verdict).toBe('safe');
    const over = behindUserBlock((n) => n + 1);
    expect(refusal(over)).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5 (superblock)',
      sentence: `The superblock says the file ends at byte ${over.length + 1}, but it has ${over.length} bytes (truncated).`,
    });
  });

  it('is not checked when undefined, even with a base address past the end', () => {
    const h = new H5v2();
    const bytes = h.finish(48, { eof: -1 });
    bytes.set(le(1_000_000, 8), 12);
    expect(refusal(bytes)?.sentence).toBe(cutAt('An object header', 1_000_048, 1, 48));
  });

  it('adds the base address to a version 0 root header address (a user block before the superblock)', () => {
    const file = writeHdf5({ kind: 'group', children: { s: { kind: 'soft-link', path: 'x' } } });
    const shifted = new Uint8Array(512 + file.length);
    shifted.set(file, 512);
    shifted.set(le(512, 8), 512 + 24);
    expect(scanModelFile('x.h5', shifted).findings.map((f) => [f.kind, f.location])).toEqual([
      ['unsupported', 'x.h5'],
      ['soft-link', 'x.h5: /s'],
    ]);
  });
});
