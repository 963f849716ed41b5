/**
 * The zip reader's records field by field (issue 16, from the survivors of a mutation run): where the end record is
 * searched, both places a ZIP64 record may sit, the ZIP64 extra field with any subset of its values, a central
 * directory out of file order, overlapping entries, the zip-bomb ratio at its edge and deflated data longer than one
 * inflate chunk. Every archive is built here byte by byte (or by scripts/zip-craft.ts and node:zlib), and every
 * expected offset, size and sentence is counted from the layout of the zip specification (APPNOTE 6.3.x).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { craftZip } from '../../../scripts/zip-craft';
import { context, endRecord, join, PLAIN, read, refusal, same, setU16, setU32, text } from './test-zip-bytes';
import { entryBytes, findEndOfCentralDirectory, type ZipEntry } from './zip';

describe('the end record is searched where a zip may put it', () => {
  const SIG = [0x50, 0x4b, 0x05, 0x06];
  const withSignature = (length: number, ...at: number[]) => {
    const bytes = new Uint8Array(length);
    for (const a of at) bytes.set(SIG, a);
    return bytes;
  };

  it('at least 22 bytes before the end, the last one found, every signature byte compared', () => {
    expect(findEndOfCentralDirectory(new Uint8Array(21))).toBe(-1);
    expect(findEndOfCentralDirectory(withSignature(22, 0))).toBe(0);
    expect(findEndOfCentralDirectory(withSignature(30, 8))).toBe(8);
    expect(findEndOfCentralDirectory(withSignature(30, 9))).toBe(-1); // 21 bytes from it to the end
    expect(findEndOfCentralDirectory(withSignature(100, 10, 50))).toBe(50);
    for (let k = 0; k < 4; k++) {
      const nearMiss = withSignature(22, 0);
      nearMiss[k] ^= 1;
      expect(findEndOfCentralDirectory(nearMiss)).toBe(-1);
    }
  });

  it('behind a comment of at most 65,535 bytes', () => {
    // 22 + 65,535 + 5 bytes: the search starts 22 bytes before the end and goes back 65,535 bytes more, to byte 5.
    const length = 22 + 0xffff + 5;
    expect(findEndOfCentralDirectory(withSignature(length, 5))).toBe(5);
    expect(findEndOfCentralDirectory(withSignature(length, 4))).toBe(-1);
  });
});

describe('ZIP64 end records', () => {
  const HOSTILE_NAME = 'payload.pkl';
  /** craftZip's ZIP64 layout: locals, directory, the 56-byte ZIP64 record, the 20-byte locator, the end record. */
  const zip64 = () => craftZip([{ name: HOSTILE_NAME, data: PLAIN, method: 0 }], { zip64: true });
  const entry = (shift: number): ZipEntry => ({
    name: HOSTILE_NAME,
    method: 0,
    flags: 0x800,
    compressedSize: 4,
    size: 4,
    localOffset: shift,
    dataOffset: shift + 30 + 11,
  });

  it('are read where the locator points, or right before the locator when a stub shifts every offset', () => {
    expect(read(zip64())).toEqual([entry(0)]);
    // 100 bytes before the archive: the locator's offset now points 100 bytes short of the record.
    expect(read(join(new Uint8Array(100).fill(0x20), zip64()))).toEqual([entry(100)]);
    // Extensible data after the record (its size field says 52): the record is where the locator says, not 56 bytes
    // before the locator.
    const zip = zip64();
    const record = zip.length - 22 - 20 - 56;
    const longer = join(zip.subarray(0, record + 56), new Uint8Array(8), zip.subarray(record + 56));
    setU32(longer, record + 4, 52);
    expect(read(longer)).toEqual([entry(0)]);
    // A locator pointing past the end of the file is not followed; the record before the locator is used.
    const past = zip64();
    setU32(past, past.length - 22 - 20 + 8, past.length);
    expect(read(past)).toEqual([entry(0)]);
  });

  it('are read whenever a locator is there, even when the end record’s own fields are not saturated', () => {
    // PyTorch's writer always adds a locator; here the end record says 0 entries at offset 0 and the record says 1.
    const zip = zip64();
    const end = zip.length - 22;
    setU16(zip, end + 8, 0);
    setU16(zip, end + 10, 0);
    setU32(zip, end + 12, 0);
    setU32(zip, end + 16, 0);
    expect(read(zip)).toEqual([entry(0)]);
  });

  it('are refused when missing, undefined, or when a locator opens the file with no record before it', () => {
    const broken = zip64();
    broken[broken.length - 22 - 20 - 56] = 0; // the record's signature, at both places it is looked for
    expect(refusal(() => read(broken))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'z.zip',
      sentence: 'The ZIP64 end-of-central-directory record is missing.',
    });
    const undefinedOffset = zip64();
    const locator = undefinedOffset.length - 22 - 20;
    undefinedOffset.fill(0xff, locator + 8, locator + 16);
    expect(refusal(() => read(undefinedOffset)).sentence).toBe(
      `The ZIP64 record offset at byte ${locator + 8} is undefined.`,
    );
    // A locator at byte 0 (its record offset 0 points at the locator itself) and an empty end record.
    const loc = new Uint8Array(20);
    setU32(loc, 0, 0x07064b50);
    expect(refusal(() => read(join(loc, endRecord(0, 0, 0)))).sentence).toBe(
      'The ZIP64 end-of-central-directory record is missing.',
    );
    // Without a locator an empty archive is just its end record.
    expect(read(endRecord(0, 0, 0))).toEqual([]);
  });
});

/** One stored entry whose chosen fields are 0xffffffff, their true values in a ZIP64 extra field after `before`. */
function zip64Extra(
  saturated: { size?: boolean; compressed?: boolean; offset?: boolean },
  before: number[] = [],
): Uint8Array {
  const name = text('w.pkl');
  const local = join(new Uint8Array(30), name, PLAIN);
  setU32(local, 0, 0x04034b50);
  setU16(local, 26, name.length);
  const values: number[] = [];
  if (saturated.size) values.push(PLAIN.length);
  if (saturated.compressed) values.push(PLAIN.length);
  if (saturated.offset) values.push(0);
  const extra = new Uint8Array(before.length + 4 + 8 * values.length);
  extra.set(before);
  setU16(extra, before.length, 1);
  setU16(extra, before.length + 2, 8 * values.length);
  values.forEach((v, k) => {
    setU32(extra, before.length + 4 + 8 * k, v);
  });
  const central = join(new Uint8Array(46), name, extra);
  setU32(central, 0, 0x02014b50);
  setU32(central, 20, saturated.compressed ? 0xffffffff : PLAIN.length);
  setU32(central, 24, saturated.size ? 0xffffffff : PLAIN.length);
  setU16(central, 28, name.length);
  setU16(central, 30, extra.length);
  setU32(central, 42, saturated.offset ? 0xffffffff : 0);
  return join(local, central, endRecord(1, central.length, local.length));
}

describe('the ZIP64 extra field', () => {
  const stored: ZipEntry = {
    name: 'w.pkl',
    method: 0,
    flags: 0,
    compressedSize: 4,
    size: 4,
    localOffset: 0,
    dataOffset: 35,
  };

  it('holds only the values that are saturated, in the order size, compressed size, offset', () => {
    const subsets = [
      { size: true },
      { compressed: true },
      { offset: true },
      { size: true, offset: true },
      { compressed: true, offset: true },
      { size: true, compressed: true, offset: true },
    ];
    for (const subset of subsets) expect(read(zip64Extra(subset))).toEqual([stored]);
  });

  it('with an undefined (all-ones) value is refused, naming the value and its byte', () => {
    // The first value of the extra field is at byte 39 + 46 + 5 + 4 = 94.
    const cases: [{ size?: boolean; compressed?: boolean; offset?: boolean }, string][] = [
      [{ size: true }, 'A ZIP64 size'],
      [{ compressed: true }, 'A ZIP64 size'],
      [{ offset: true }, 'A ZIP64 offset'],
    ];
    for (const [subset, what] of cases) {
      const zip = zip64Extra(subset);
      zip.fill(0xff, 94, 102);
      expect(refusal(() => read(zip)).sentence).toBe(`${what} at byte 94 is undefined.`);
    }
  });

  it('is found after another extra block, and a saturated value without it is kept as written', () => {
    // An extended-timestamp block (id 0x5455, 5 bytes of data) first.
    const timestamp = [0x55, 0x54, 5, 0, 1, 0x10, 0x20, 0x30, 0x40];
    expect(read(zip64Extra({ size: true, compressed: true }, timestamp))).toEqual([stored]);
    // The extra block's id is 2, not 1: the size stays 0xffffffff as written, 4 GiB declared for 4 bytes stored.
    const otherId = zip64Extra({ size: true });
    setU16(otherId, 30 + 5 + 4 + 46 + 5, 2);
    expect(refusal(() => read(otherId))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'z.zip › "w.pkl"',
      sentence: 'The entry declares 4.0 GiB but stores 4 bytes, a ratio no real model needs (a zip bomb).',
    });
  });

  // zip64Extra's layout: the local header (30 + 5 + 4 bytes), then the central record at 39: its extra length at
  // 39 + 30 = 69, its comment length at 71, the name at 85, the extra field at 90, the end record after it.
  const bomb = {
    severity: 'high',
    kind: 'limit',
    location: 'z.zip › "w.pkl"',
    sentence: 'The entry declares 4.0 GiB but stores 4 bytes, a ratio no real model needs (a zip bomb).',
  };

  it('is read only for an entry with a saturated value: another entry’s may even run past the file', () => {
    // No value saturated: the field (a ZIP64 block holding nothing) is declared 65,535 bytes long, far past the 22
    // bytes of the end record that follow it. Nothing reads it, and the entry is read as written.
    const zip = zip64Extra({});
    setU16(zip, 69, 0xffff);
    expect(read(zip)).toEqual([stored]);
  });

  it('ends where its length says: a ZIP64 block in the entry comment after an empty field is not read', () => {
    // The same 12 bytes (id 1, 8 bytes: the size 4) as a comment after an extra field of length 0: the size stays
    // 0xffffffff as written, 4 GiB declared for 4 bytes stored.
    const zip = zip64Extra({ size: true });
    setU16(zip, 69, 0);
    setU16(zip, 71, 12);
    expect(refusal(() => read(zip))).toEqual(bomb);
  });

  it('has its last block read when the block header ends the field exactly', () => {
    // A field of 4 bytes, only the ZIP64 block's header (id 1, 8 bytes), its 8 bytes of values left to the comment.
    // The header is inside the field, so the block is read and its values follow it: the size is 4. (Python's
    // zipfile refuses such a block; this reader checks only that the values lie inside the file.)
    const zip = zip64Extra({ size: true });
    setU16(zip, 69, 4);
    setU16(zip, 71, 8);
    expect(read(zip)).toEqual([stored]);
  });
});

describe('entries in the directory', () => {
  it('may be listed out of their order in the file', () => {
    // Two stored entries; the directory lists b.pkl (at byte 39) before a.pkl (at byte 0). Python reads both.
    const zip = craftZip([
      { name: 'a.pkl', data: PLAIN, method: 0 },
      { name: 'b.pkl', data: PLAIN, method: 0 },
    ]);
    const cd = zip.length - 22 - 2 * 51;
    const swapped = join(
      zip.subarray(0, cd),
      zip.subarray(cd + 51, cd + 102),
      zip.subarray(cd, cd + 51),
      zip.subarray(cd + 102),
    );
    expect(read(swapped).map((e) => [e.name, e.localOffset, e.dataOffset])).toEqual([
      ['b.pkl', 39, 74],
      ['a.pkl', 0, 35],
    ]);
  });

  it('whose data overlap are refused, and an entry right after another is not', () => {
    // a.bin stores 39 bytes that are themselves the local header, name and data of b.pkl; b.pkl's directory record
    // points into them (byte 35), so b.pkl's bytes lie inside a.bin's.
    const inner = craftZip([{ name: 'b.pkl', data: PLAIN, method: 0 }]).subarray(0, 39);
    const zip = craftZip([
      { name: 'a.bin', data: inner, method: 0 },
      { name: 'b.pkl', data: PLAIN, method: 0 },
    ]);
    expect(read(zip).map((e) => e.localOffset)).toEqual([0, 74]);
    setU32(zip, zip.length - 22 - 51 + 42, 35);
    expect(refusal(() => read(zip))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'z.zip › "b.pkl"',
      sentence: 'The entry\'s bytes overlap those of "a.bin", a trick of zip bombs.',
    });
  });

  it('declaring exactly 200 times what they store are no zip bomb, one byte more is', () => {
    const stores = 335_545; // 200 × 335,545 = 67,109,000 bytes, over the 64 MiB floor
    const entry = (declared: number) =>
      craftZip([{ name: 'a.bin', deflated: { body: new Uint8Array(stores), size: declared, crc: 0 } }]);
    expect(read(entry(200 * stores)).map((e) => [e.size, e.compressedSize])).toEqual([[67_109_000, 335_545]]);
    expect(refusal(() => read(entry(200 * stores + 1)))).toMatchObject({
      kind: 'limit',
      sentence: 'The entry declares 64.0 MiB but stores 327.7 KiB, a ratio no real model needs (a zip bomb).',
    });
  });
});

/** Raw deflate of stored blocks: each part a block (LEN, its complement, the bytes); the last one final. */
function storedBlocks(parts: Uint8Array[], lengths: number[] = parts.map((p) => p.length)): Uint8Array {
  return join(
    ...parts.flatMap((part, k) => {
      const header = new Uint8Array(5);
      header[0] = k === parts.length - 1 ? 1 : 0;
      setU16(header, 1, lengths[k] as number);
      setU16(header, 3, ~(lengths[k] as number) & 0xffff);
      return [header, part];
    }),
  );
}

describe('deflated entries longer than one inflate chunk (64 KiB)', () => {
  const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 7) % 251);
  const inflate = (zip: Uint8Array) => {
    const entries = read(zip);
    return entryBytes(zip, entries[0] as ZipEntry, context(), 'z.zip');
  };

  it('inflate to their bytes across chunks, and when the data is exactly one chunk long', () => {
    const data = pattern(200_000, 131);
    const body = deflateRawSync(data, { level: 0 }); // stored blocks: about 200 KB, four chunks
    expect(body.length).toBeGreaterThan(3 * 65_536);
    const zip = craftZip([{ name: 'a.bin', deflated: { body, size: data.length, crc: 0 } }]);
    expect(same(inflate(zip), data)).toBe(true);
    // Two stored blocks, 5 + 65,000 + 5 + 526 = 65,536 bytes of deflate: the first push is also the last.
    const first = pattern(65_000, 3);
    const second = pattern(526, 5);
    const exact = storedBlocks([first, second]);
    expect(exact.length).toBe(65_536);
    const one = craftZip([{ name: 'a.bin', deflated: { body: exact, size: 65_526, crc: 0 } }]);
    expect(same(inflate(one), join(first, second))).toBe(true);
    expect(inflate(one)).toHaveLength(65_526);
  });

  it('cut short in the last chunk do not inflate (unexpected end), rather than inflating short', () => {
    // The last block says 1,000 bytes but 526 follow; the deflate data is still exactly 65,536 bytes.
    const cut = storedBlocks([pattern(65_000, 3), pattern(526, 5)], [65_000, 1_000]);
    const zip = craftZip([{ name: 'a.bin', deflated: { body: cut, size: 66_000, crc: 0 } }]);
    expect(refusal(() => inflate(zip))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'z.zip › "a.bin"',
      sentence: 'The entry does not inflate: unexpected EOF.',
    });
  });
});
