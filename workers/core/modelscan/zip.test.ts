import { describe, expect, it } from 'vitest';
import { craftZip } from '../../../scripts/zip-craft';
import { assemble } from './corpus/pickle';
import { scanModelFile } from './scan';
import { NUMPY_FILES } from './test-numpy-files';
import type { ScanLimits } from './types';

// Zip archives written by scripts/zip-craft.ts (node:zlib's deflate, every header field set by hand), so each lie a
// hostile archive can tell is one field away from an honest archive. Every refusal is checked word for word.

const HOSTILE = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
const PLAIN = assemble([['PROTO', 2], ['NONE'], ['STOP']]);
const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const text = (s: string) => new TextEncoder().encode(s);
const scan = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('z.zip', bytes, { limits });
const last = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) => {
  const result = scan(bytes, limits);
  expect(result.verdict).toBe('refused');
  return result.findings.at(-1);
};
/** Offset of the end-of-central-directory record (the archives here have no comment). */
const eocd = (zip: Uint8Array) => zip.length - 22;
const setU32 = (zip: Uint8Array, at: number, v: number) => new DataView(zip.buffer).setUint32(at, v, true);
const setU16 = (zip: Uint8Array, at: number, v: number) => new DataView(zip.buffer).setUint16(at, v, true);

describe('where the archive is', () => {
  it('finds entries through ZIP64 end records, and in an archive appended to another as Python reads it', () => {
    const zip = craftZip([{ name: 'payload.pkl', data: HOSTILE }]);
    for (const bytes of [zip, craftZip([{ name: 'payload.pkl', data: HOSTILE }], { zip64: true })]) {
      const result = scan(bytes);
      expect(result.verdict).toBe('unsafe');
      expect(result.findings[0]?.location).toBe('z.zip › payload.pkl, byte 2');
    }
    // zipfile reads the last end record and shifts its offsets by the bytes before the archive (here a whole
    // benign archive), so the hostile entry is what Python loads.
    const benign = craftZip([{ name: 'ok.pkl', data: PLAIN }]);
    const result = scan(Uint8Array.from([...benign, ...zip]));
    expect(result.findings[0]?.location).toBe('z.zip › payload.pkl, byte 2');
  });

  it('reads an entry whose sizes and offset are in a ZIP64 extra field', () => {
    // One stored entry, then a central record with sizes and offset 0xffffffff and a ZIP64 extra (id 1, 24 bytes).
    const name = text('w.pkl');
    const local = new Uint8Array(30 + name.length + PLAIN.length);
    setU32(local, 0, 0x04034b50);
    setU16(local, 26, name.length);
    local.set(name, 30);
    local.set(PLAIN, 30 + name.length);
    const central = new Uint8Array(46 + name.length + 28);
    setU32(central, 0, 0x02014b50);
    setU32(central, 20, 0xffffffff);
    setU32(central, 24, 0xffffffff);
    setU16(central, 28, name.length);
    setU16(central, 30, 28);
    setU32(central, 42, 0xffffffff);
    central.set(name, 46);
    const extra = 46 + name.length;
    setU16(central, extra, 1);
    setU16(central, extra + 2, 24);
    setU32(central, extra + 4, PLAIN.length); // size
    setU32(central, extra + 12, PLAIN.length); // compressed size
    setU32(central, extra + 20, 0); // local header offset
    const end = new Uint8Array(22);
    setU32(end, 0, 0x06054b50);
    setU16(end, 8, 1);
    setU16(end, 10, 1);
    setU32(end, 12, central.length);
    setU32(end, 16, local.length);
    const zip = Uint8Array.from([...local, ...central, ...end]);
    const result = scan(zip);
    expect(result.findings).toEqual([]);
    expect(result.verdict).toBe('safe');
    // The same entry with a hostile pickle is found through the extra field.
    local.set(HOSTILE.subarray(0, PLAIN.length), 30 + name.length);
    expect(scan(Uint8Array.from([...local, ...central, ...end])).verdict).not.toBe('safe');
  });

  it('refuses an end record that is missing, points nowhere, or claims ZIP64 without its records', () => {
    const zip = craftZip([{ name: 'a.pkl', data: PLAIN }]);
    expect(last(zip.subarray(0, zip.length - 1))?.sentence).toBe(
      'The zip archive has no end-of-central-directory record.',
    );
    const z64 = zip.slice();
    setU16(z64, eocd(z64) + 10, 0xffff);
    expect(last(z64)?.sentence).toBe('The zip archive declares ZIP64 sizes but has no ZIP64 locator.');
    const big = zip.slice();
    setU32(big, eocd(big) + 12, 0xfffff);
    expect(last(big)?.sentence).toBe('The central directory overlaps the end record.');
    const sig = zip.slice();
    sig[eocd(sig) - 46 - 5] = 0; // the central record's signature (46 bytes and the 5-byte name before the end)
    expect(last(sig)?.sentence).toBe('Central directory entry 0 has a bad signature.');
  });

  it('caps the entries an archive may list', () => {
    const zip = craftZip([
      { name: 'a.pkl', data: PLAIN },
      { name: 'b.pkl', data: PLAIN },
    ]);
    expect(scan(zip, { maxEntries: 2 }).verdict).toBe('safe');
    expect(last(zip, { maxEntries: 1 })).toMatchObject({
      kind: 'limit',
      sentence: 'The archive lists 2 entries, over the cap of 1.',
    });
  });
});

describe('entries that lie', () => {
  it('a central record pointing at no local header, or at one with another name', () => {
    const zip = craftZip([{ name: 'a.pkl', data: PLAIN, method: 0 }]);
    const moved = zip.slice();
    setU32(moved, eocd(moved) - 51 + 42, 1);
    expect(last(moved)).toMatchObject({
      location: 'z.zip › "a.pkl"',
      sentence: 'The entry has no local header where the central directory points.',
    });
    const renamed = zip.slice();
    renamed[30] = 0x62; // the local header's name: "b.pkl"
    expect(last(renamed)?.sentence).toBe(
      'The local header names the entry "b.pkl", unlike the central directory.',
    );
  });

  it('names that could write outside the folder are high findings', () => {
    const names: [string, string][] = [
      ['a\u0000.pkl', 'holds a NUL character'],
      ['\\etc\\x.pkl', 'is an absolute path'],
      ['D:x.pkl', 'starts with a drive letter'],
      ['a\\..\\..\\x.pkl', 'contains a ".." step'],
    ];
    for (const [name, problem] of names) {
      const result = scan(craftZip([{ name, data: PLAIN }]));
      expect(result.findings[0]).toEqual({
        severity: 'high',
        kind: 'entry-name',
        location: `z.zip › ${JSON.stringify(name)}`, // quoted as JSON quotes it: NUL as \u0000, backslashes doubled
        sentence: `The entry name ${problem}, so extracting the archive could write outside its folder.`,
      });
      expect(result.verdict).toBe('unsafe');
    }
    expect(scan(craftZip([{ name: 'a..b/c..pkl', data: PLAIN }])).verdict).toBe('safe');
  });

  it('names that collide exactly, by case, or by Unicode normalisation are refused', () => {
    const two = (a: string, b: string) =>
      last(
        craftZip([
          { name: a, data: PLAIN },
          { name: b, data: PLAIN },
        ]),
      );
    expect(two('W.pkl', 'w.pkl')?.sentence).toBe(
      'The entry name collides with "W.pkl" on case-insensitive file systems, so a loader and a scanner may read different entries.',
    );
    expect(two('caf\u00e9.pkl', 'cafe\u0301.pkl')?.sentence).toContain('collides with "café.pkl"');
    expect(two('w.pkl', 'w.pkl')?.sentence).toBe(
      'Two entries have this name, so a loader and a scanner may read different ones.',
    );
  });

  it('encrypted entries, unknown methods and stored sizes that lie', () => {
    expect(last(craftZip([{ name: 'a.pkl', data: PLAIN, flags: 1 }]))).toMatchObject({
      kind: 'unsupported',
      sentence: 'The entry is encrypted, so its content cannot be checked.',
    });
    expect(last(craftZip([{ name: 'a.pkl', data: PLAIN, method: 12 }]))).toMatchObject({
      kind: 'unsupported',
      sentence: 'The entry uses compression method 12, which the scanner does not read.',
    });
    expect(last(craftZip([{ name: 'a.pkl', data: PLAIN, method: 0, declaredSize: 3 }]))?.sentence).toBe(
      'The stored entry declares a size unlike the bytes it stores.',
    );
  });

  it('deflated entries that inflate to another size than declared, or not at all', () => {
    expect(last(craftZip([{ name: 'a.pkl', data: PLAIN, declaredSize: 10 }]))?.sentence).toBe(
      'The entry inflates to 4 bytes, not the 10 it declares.',
    );
    expect(last(craftZip([{ name: 'a.pkl', data: text('x'.repeat(100)), declaredSize: 50 }]))).toMatchObject({
      kind: 'limit',
      sentence: 'The entry inflates past its declared 50 bytes.',
    });
    const broken = craftZip([
      { name: 'a.pkl', data: PLAIN, deflated: { body: new Uint8Array([0xff, 0xff]), size: 4, crc: 0 } },
    ]);
    expect(last(broken)?.sentence).toMatch(/^The entry does not inflate: .+\.$/);
  });

  it('an entry declaring over 64 MiB and over 200 times what it stores is a zip bomb', () => {
    const bomb = (declaredSize: number) =>
      craftZip([{ name: 'a.bin', data: new Uint8Array(0), method: 8, declaredSize }]);
    expect(last(bomb(64 * 1024 ** 2 + 1))).toMatchObject({
      kind: 'limit',
      location: 'z.zip › "a.bin"',
      sentence: 'The entry declares 64.0 MiB but stores 2 bytes, a ratio no real model needs (a zip bomb).',
    });
    // At 64 MiB exactly the ratio rule does not apply: the entry is inflated and found short.
    expect(last(bomb(64 * 1024 ** 2))?.sentence).toBe(
      'The entry inflates to 0 bytes, not the 67108864 it declares.',
    );
  });
});

describe('what the archive holds', () => {
  it('an archive of .npy entries is NumPy, one of anything else a zip; folders are skipped', () => {
    const npy = bytesOf(NUMPY_FILES[0]?.base64 ?? '');
    const npz = scan(
      craftZip([
        { name: 'a.npy', data: npy },
        { name: 'b.npy', data: npy },
      ]),
    );
    expect(npz.format).toBe('numpy');
    expect(npz.verdict).toBe('safe');
    const mixed = scan(
      craftZip([
        { name: 'dir/', data: new Uint8Array(0) },
        { name: 'dir/a.pkl', data: PLAIN },
      ]),
    );
    expect(mixed.format).toBe('zip');
    expect(mixed.verdict).toBe('safe');
  });

  it('refuses archives nested deeper than the cap', () => {
    const inner = craftZip([{ name: 'p.pkl', data: HOSTILE }]);
    const outer = craftZip([{ name: 'inner.zip', data: inner }]);
    expect(scan(outer, { maxNesting: 2 }).verdict).toBe('unsafe');
    expect(last(outer, { maxNesting: 1 })).toMatchObject({
      kind: 'limit',
      location: 'z.zip › inner.zip › p.pkl',
      sentence: 'Archives nest deeper than 1 levels, the cap on nesting.',
    });
  });
});
