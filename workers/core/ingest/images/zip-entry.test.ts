/**
 * The zip reader's entries (readEntry) and zipSource's refusals, on archives written byte by byte
 * (test-zip-raw.ts) with node's zlib as the reference deflater and CRC-32. Expected bytes, sizes and sentences by hand.
 */
import { deflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type RawEntry, rawZip } from './test-zip-raw';
import { EntryReadError, ImageIngestError } from './types';
import {
  memorySource,
  readCentralDirectory,
  readEntry,
  WindowedReader,
  type ZipEntryRecord,
  zipSource,
} from './zip';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** The archive's records and a reader over it that logs each read (`offset+length`). */
async function open(entries: RawEntry[], window = 1 << 20) {
  const zip = rawZip(entries);
  const log: string[] = [];
  const src = {
    size: zip.bytes.length,
    read: async (offset: number, length: number) => {
      log.push(`${offset}+${length}`);
      return zip.bytes.subarray(offset, Math.min(zip.bytes.length, offset + length));
    },
  };
  const records = await readCentralDirectory(memorySource(zip.bytes), 'x.zip', 10);
  return { zip, records, log, reader: new WindowedReader(src, window) };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EntryReadError);
  return `${(error as EntryReadError).code}: ${(error as EntryReadError).message}`;
}

/** A deflated entry of `plain`, its true CRC-32 and size unless given. */
const deflated = (name: string, plain: Uint8Array, more: Partial<RawEntry> = {}): RawEntry => ({
  name,
  data: deflateRawSync(plain),
  method: 8,
  crc: zlibCrc32(plain),
  declaredSize: plain.length,
  ...more,
});

/** `n` bytes that do not compress (a 32-bit LCG's top bytes). */
function noise(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('readEntry, stored', () => {
  it('reads whole, to a head (capped at the limit, unchecked), and past a local extra field', async () => {
    const { records, reader } = await open([
      { name: 'a', data: text('hello world'), localExtra: Uint8Array.from([9, 9, 9, 9]) },
      { name: 'b', data: text('hello world'), crc: 1, declaredSize: 3 },
    ]);
    const [a, b] = records;
    expect(str(await readEntry(reader, a, 100))).toBe('hello world');
    expect(str(await readEntry(reader, a, 11))).toBe('hello world');
    expect(str(await readEntry(reader, a, 100, 5))).toBe('hello');
    expect(str(await readEntry(reader, a, 100, 20))).toBe('hello world');
    expect(str(await readEntry(reader, a, 5, 20))).toBe('hello');
    expect(await failure(readEntry(reader, a, 10))).toBe('over-cap: it inflates to more than 10 bytes');
    expect(str(await readEntry(reader, b, 100, 5))).toBe('hello');
    expect(await failure(readEntry(reader, b, 100))).toBe(
      'corrupt: it holds 11 bytes where the archive says 3 (truncated or forged)',
    );
    expect(await failure(readEntry(reader, { ...b, declaredSize: 11 }, 100))).toBe(
      'corrupt: its CRC-32 does not match (damaged)',
    );
  });

  it('reads an entry that ends at the last byte, and refuses one a byte longer', async () => {
    const zip = rawZip([{ name: 'a', data: text('hello') }]);
    const [rec] = await readCentralDirectory(memorySource(zip.bytes), 'x.zip', 10);
    const locals = new WindowedReader(memorySource(zip.bytes.slice(0, zip.cdOffset)));
    expect(zip.cdOffset).toBe(36);
    expect(str(await readEntry(locals, rec, 100))).toBe('hello');
    expect(await failure(readEntry(locals, { ...rec, compressedSize: 6 }, 100))).toBe(
      'corrupt: its data is cut short (truncated archive)',
    );
  });

  it('refuses a missing or cut local header, and one naming another file', async () => {
    const { zip, records, reader } = await open([
      { name: 'a', data: text('hello') },
      { name: 'bb', localNameLength: 3 },
    ]);
    const missing = 'corrupt: its local header is missing';
    expect(await failure(readEntry(reader, { ...records[0], localOffset: zip.cdOffset }, 100))).toBe(missing);
    expect(await failure(readEntry(reader, records[1], 100))).toBe(
      'corrupt: its local header names another file',
    );
    // The last 10 bytes start with a local header's signature.
    const tail = Uint8Array.from([...new Array(20).fill(0), 0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]);
    const rec: ZipEntryRecord = {
      path: 'z',
      kind: 'file',
      method: 0,
      flags: 0,
      crc: 0,
      compressedSize: 0,
      declaredSize: 0,
      localOffset: 20,
      nameBytes: 0,
    };
    expect(await failure(readEntry(new WindowedReader(memorySource(tail)), rec, 100))).toBe(missing);
  });
});

describe('readEntry, deflated', () => {
  const xs = new Uint8Array(5000).fill(0x78);

  it('inflates a small entry in one call into its declared size plus one byte', async () => {
    const { records, reader } = await open([deflated('x', xs), deflated('lie', xs, { declaredSize: 10 })]);
    expect(records[0].compressedSize).toBe(22);
    expect(await readEntry(reader, records[0], 1e6)).toEqual(xs);
    expect(await failure(readEntry(reader, records[1], 1e6))).toBe(
      'corrupt: it holds 11 bytes where the archive says 10 (truncated or forged)',
    );
  });

  it('streams an entry declared at the limit or over 64 KiB compressed, counting the real bytes', async () => {
    const big = noise(70_000);
    const { records, reader } = await open([deflated('x', xs), deflated('big', big, { declaredSize: 10 })]);
    expect(records[1].compressedSize).toBeGreaterThan(64 * 1024);
    expect(await readEntry(reader, records[0], 5000)).toEqual(xs);
    expect(await failure(readEntry(reader, records[0], 4999))).toBe(
      'over-cap: it inflates to more than 4999 bytes',
    );
    expect(await failure(readEntry(reader, records[1], 1e6))).toBe(
      'corrupt: it holds 70000 bytes where the archive says 10 (truncated or forged)',
    );
  });

  it('inflates in one call up to 64 KiB compressed, and streams past it', async () => {
    // Deflate written by hand as two stored blocks (header byte, LEN, ~LEN, bytes): 10 bytes of headers.
    const storedBlocks = (a: number, b: number) => {
      const block = (last: number, n: number) => [last, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff];
      return Uint8Array.from([
        ...block(0, a),
        ...new Array(a).fill(0x61),
        ...block(1, b),
        ...new Array(b).fill(0x61),
      ]);
    };
    const at = storedBlocks(65_000, 526);
    const past = storedBlocks(65_000, 527);
    const { records, reader } = await open([
      { name: 'at', data: at, method: 8, declaredSize: 10 },
      { name: 'past', data: past, method: 8, declaredSize: 10 },
    ]);
    expect(records.map((r) => r.compressedSize)).toEqual([65_536, 65_537]);
    // In one call the stored bytes overflow the 11-byte buffer (a RangeError); streamed, all are counted.
    expect(await failure(readEntry(reader, records[0], 1e6))).toMatch(
      /^corrupt: its compressed data is damaged \(/,
    );
    expect(await failure(readEntry(reader, records[1], 1e6))).toBe(
      'corrupt: it holds 65527 bytes where the archive says 10 (truncated or forged)',
    );
  });

  it('streams at the limit, stopping at a head or one byte past the limit (16 KiB stored blocks)', async () => {
    // Three stored blocks of 16,379 bytes: each 16,384-byte piece read holds one block, inflated as it is pushed;
    // declared at the limit, so streamed.
    const B = 16_379;
    const three = Uint8Array.from(
      [0, 0, 1].flatMap((last, k) => [
        last,
        B & 0xff,
        B >> 8,
        ~B & 0xff,
        (~B >> 8) & 0xff,
        ...new Array(B).fill(k),
      ]),
    );
    const one = Uint8Array.from([
      1,
      2000 & 0xff,
      2000 >> 8,
      ~2000 & 0xff,
      (~2000 >> 8) & 0xff,
      ...new Array(2000).fill(7),
    ]);
    const { records, reader, log } = await open(
      [
        { name: 'three', data: three, method: 8, declaredSize: 3 * B },
        { name: 'one', data: one, method: 8, declaredSize: 1000 },
      ],
      16,
    );
    expect(records.map((r) => r.compressedSize)).toEqual([49_152, 2005]);
    expect(await readEntry(reader, records[0], 3 * B, B)).toEqual(new Uint8Array(B));
    expect(log).toEqual(['0+30', '35+16384']);
    expect(await failure(readEntry(reader, records[0], 2 * B))).toBe(
      'over-cap: it inflates to more than 32758 bytes',
    );
    // Declared at the limit: streamed (in one call its 2,000 bytes would overflow a 1,001-byte buffer).
    expect(await failure(readEntry(reader, records[1], 1000))).toBe(
      'over-cap: it inflates to more than 1000 bytes',
    );
  });

  it('refuses deflate data cut short, in one call and streamed', async () => {
    const cut = deflateRawSync(xs).subarray(0, 15);
    const { records, reader } = await open([deflated('x', xs, { data: cut })]);
    const damaged = 'corrupt: its compressed data is damaged (unexpected EOF)';
    expect(await failure(readEntry(reader, records[0], 1e6))).toBe(damaged);
    expect(await failure(readEntry(reader, records[0], 5000))).toBe(damaged);
  });

  it('streams 16 KiB at a time and stops reading once a head is inflated', async () => {
    const big = noise(100_000);
    const { records, reader, log } = await open([deflated('big', big)], 16);
    const rec = records[0];
    const dataStart = 30 + 3;
    const pieces = Math.ceil(rec.compressedSize / 16384);
    expect(pieces).toBe(7);
    expect(await readEntry(reader, rec, 1e6, 20_000)).toEqual(big.subarray(0, 20_000));
    // The local header, then whole pieces in order, fewer than all: reading stops once 20,000 bytes are out.
    expect(log[0]).toBe('0+30');
    expect(log.slice(1)).toEqual(log.slice(1).map((_, k) => `${dataStart + k * 16384}+16384`));
    expect(log.length).toBeGreaterThan(2);
    expect(log.length).toBeLessThan(1 + pieces);
    log.length = 0;
    expect(await readEntry(reader, rec, 1e6)).toEqual(big);
    expect(log.length).toBe(1 + pieces);
    expect(log.at(-1)).toBe(
      `${dataStart + (pieces - 1) * 16384}+${rec.compressedSize - (pieces - 1) * 16384}`,
    );
  });
});

describe('readEntry, what it holds on to', () => {
  it('returns a copy: writing to it changes neither the archive nor a later read', async () => {
    const { zip, records, reader } = await open([{ name: 'a', data: text('hello') }]);
    const first = await readEntry(reader, records[0], 100);
    first.fill(0x2a);
    expect(str(zip.bytes.subarray(31, 36))).toBe('hello');
    expect(str(await readEntry(reader, records[0], 100))).toBe('hello');
  });

  it('never allocates a declared size over 4 MiB: a 1 TiB claim is streamed and found out', async () => {
    const xs = new Uint8Array(5000).fill(0x78);
    const zip64 = Uint8Array.from([1, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0, 0]); // id 1, 8 bytes: 2^40
    const { records, reader } = await open([deflated('x', xs, { declaredSize: 0xffffffff, extra: zip64 })]);
    expect(records[0].declaredSize).toBe(1_099_511_627_776);
    expect(await failure(readEntry(reader, records[0], 2 ** 41))).toBe(
      'corrupt: it holds 5000 bytes where the archive says 1099511627776 (truncated or forged)',
    );
  });
});

describe('memorySource and empty entries', () => {
  it('answers the bytes asked for, fewer at the end', async () => {
    const src = memorySource(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(src.size).toBe(10);
    expect([...(await src.read(2, 3))]).toEqual([2, 3, 4]);
    expect([...(await src.read(8, 5))]).toEqual([8, 9]);
  });

  it('reads an empty stored entry and an empty deflated one', async () => {
    const { records, reader } = await open([{ name: 'e' }, deflated('d', new Uint8Array(0))]);
    expect((await readEntry(reader, records[0], 100)).length).toBe(0);
    expect((await readEntry(reader, records[1], 100)).length).toBe(0);
    expect((await readEntry(reader, records[0], 100, 5)).length).toBe(0);
  });
});

describe('zipSource', () => {
  it('lists every entry with its kind and declared size, and reads on demand', async () => {
    const zip = rawZip([
      { name: 'd/', method: 99, flags: 1 },
      { name: 'd/a.txt', data: text('hello') },
      deflated('d/b.txt', text('hello hello hello')),
    ]);
    const hash = async () => 'abc';
    const source = await zipSource(memorySource(zip.bytes), 'x.zip', 10, hash);
    expect(source.name).toBe('x.zip');
    expect(source.bytes).toBe(zip.bytes.length);
    expect(source.sha256).toBe(hash);
    expect(source.entries.map((e) => `${e.path} ${e.kind} ${e.declaredBytes}`)).toEqual([
      'd/ directory 0',
      'd/a.txt file 5',
      'd/b.txt file 17',
    ]);
    expect(str(await source.entries[2].read(100))).toBe('hello hello hello');
    expect(str(await source.entries[2].read(100, 5))).toBe('hello');
    expect('sha256' in (await zipSource(memorySource(zip.bytes), 'x.zip', 10))).toBe(false);
  });

  it('refuses an encrypted file entry and a compression method other than 0 and 8', async () => {
    const refusal = async (entries: RawEntry[]) => {
      const error = await zipSource(memorySource(rawZip(entries).bytes), 'x.zip', 10).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImageIngestError);
      return (error as ImageIngestError).problems.map((p) => `${p.code} ${p.entry}: ${p.message}`);
    };
    expect(await refusal([{ name: 'a' }, { name: 'e', flags: 0x0009 }])).toEqual([
      'encrypted-entry e: x.zip: entry "e" is encrypted; Sift cannot read encrypted entries.',
    ]);
    expect(await refusal([{ name: 'm', method: 12 }])).toEqual([
      'unsupported-compression m: x.zip: entry "m" uses compression method 12; Sift reads stored and deflated entries only.',
    ]);
  });
});
