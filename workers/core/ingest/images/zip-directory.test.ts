/**
 * The zip reader's end record, zip64 records and central directory, on archives written byte by byte
 * (test-zip-raw.ts). Every expected record, path and sentence is written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { refusalOf } from './test-source';
import { endRecord, le, rawZip } from './test-zip-raw';
import { memorySource, readCentralDirectory, WindowedReader } from './zip';

const bytesOf = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const text = (s: string) => new TextEncoder().encode(s);
const dir = (bytes: Uint8Array, max = 10) => readCentralDirectory(memorySource(bytes), 'x.zip', max);
const paths = async (bytes: Uint8Array) => (await dir(bytes)).map((r) => r.path);

const refusal = async (run: Promise<unknown>) =>
  (await refusalOf(run)).map((p) => ({ code: p.code, message: p.message, entry: p.entry }));
const damaged = (detail: string, entry?: string) => ({
  code: 'archive-corrupt',
  message: `x.zip is a damaged zip${entry ? ` at entry "${entry}"` : ''}: ${detail}.`,
  entry,
});

/** A zip64 end record (56 bytes) and its locator (20 bytes) pointing at `recordAt`. */
const zip64Record = (cdSize: number, cdOffset: number) =>
  bytesOf(
    le(4, 0x06064b50),
    le(8, 44),
    le(2, 45),
    le(2, 45),
    le(8, 0),
    le(8, 1),
    le(8, 1),
    le(8, cdSize),
    le(8, cdOffset),
  );
const locator = (recordAt: number) => bytesOf(le(4, 0x07064b50), le(4, 0), le(8, recordAt), le(4, 1));
/** A zip64 extra field (id 1) holding `values`, and any other field. */
const zip64Field = (...values: number[]) =>
  bytesOf(le(2, 1), le(2, 8 * values.length), ...values.map((v) => le(8, v)));
const field = (id: number, body: number[]) => bytesOf(le(2, id), le(2, body.length), body);

describe('WindowedReader', () => {
  it('reads a window at a time, again only outside it, and fewer bytes at the end', async () => {
    const all = Uint8Array.from({ length: 200 }, (_, i) => i);
    const log: string[] = [];
    const src = {
      size: 200,
      read: async (offset: number, length: number) => {
        log.push(`${offset}+${length}`);
        return all.subarray(offset, Math.min(200, offset + length));
      },
    };
    const reader = new WindowedReader(src, 64);
    expect([...(await reader.bytes(10, 4))]).toEqual([10, 11, 12, 13]);
    expect([...(await reader.bytes(70, 4))]).toEqual([70, 71, 72, 73]);
    expect([...(await reader.bytes(71, 4))]).toEqual([71, 72, 73, 74]);
    expect([...(await reader.bytes(70, 1))]).toEqual([70]);
    expect([...(await reader.bytes(70, 2))]).toEqual([70, 71]);
    expect((await reader.bytes(100, 100)).length).toBe(100);
    expect([...(await reader.bytes(190, 20))]).toEqual([190, 191, 192, 193, 194, 195, 196, 197, 198, 199]);
    expect(log).toEqual(['10+64', '71+64', '70+64', '100+100']);
    const wide = new WindowedReader(src);
    await wide.bytes(0, 4);
    expect(log.at(-1)).toBe('0+1048576');
  });
});

describe('the end record', () => {
  it('reads an empty archive (the end record at byte 0) and refuses 21 bytes', async () => {
    expect(await dir(rawZip([]).bytes)).toEqual([]);
    expect(await refusal(dir(new Uint8Array(21)))).toEqual([
      {
        code: 'not-an-archive',
        message:
          'x.zip is not a zip archive, or it was cut short: it has no end-of-central-directory record.',
        entry: undefined,
      },
    ]);
  });

  it('skips a trailing end record whose comment would run past the file', async () => {
    const zip = rawZip([{ name: 'a', data: text('hi') }]).bytes;
    const fake = bytesOf(le(4, 0x06054b50), new Uint8Array(16), le(2, 30));
    expect(await paths(bytesOf(zip, fake))).toEqual(['a']);
  });

  it('finds the end record behind the longest comment (65,535 bytes) in an archive over 64 KiB', async () => {
    const zip = rawZip([{ name: 'big', data: new Uint8Array(70_000).fill(0x41) }], {
      comment: new Uint8Array(0xffff).fill(0x20),
    });
    expect(zip.bytes.length).toBe(30 + 3 + 70_000 + 46 + 3 + 22 + 65_535);
    expect(await paths(zip.bytes)).toEqual(['big']);
  });

  it('refuses an archive split over several disks', async () => {
    const split = {
      code: 'unsupported-archive',
      message: 'x.zip cannot be read: it is split over several disks.',
      entry: undefined,
    };
    expect(await refusal(dir(rawZip([{ name: 'a' }], { disk: 1 }).bytes))).toEqual([split]);
    expect(await refusal(dir(rawZip([{ name: 'a' }], { cdDisk: 1 }).bytes))).toEqual([split]);
  });

  it('refuses a directory past the end of the file, and reads one that ends at its last byte', async () => {
    // 'a' with 2 bytes: local 33 bytes, directory 47 at 33, end record at 80; the file is 102 bytes.
    const past = rawZip([{ name: 'a', data: text('hi') }], { cdSize: 70 }).bytes;
    expect(past.length).toBe(102);
    expect(await refusal(dir(past))).toEqual([
      damaged('its central directory lies past the end of the file (truncated?)'),
    ]);
    // A directory of 69 bytes ends at byte 102: its second "record" is the end record itself.
    const upTo = rawZip([{ name: 'a', data: text('hi') }], { cdSize: 69 }).bytes;
    expect(await refusal(dir(upTo))).toEqual([damaged('central directory record 2 is damaged')]);
    // A directory said to start a byte early: 47 bytes there, but no record's signature.
    const early = rawZip([{ name: 'a', data: text('hi') }], { cdOffset: 32 }).bytes;
    expect(await refusal(dir(early))).toEqual([damaged('central directory record 1 is damaged')]);
  });

  it('refuses a directory record cut short at the end of the file', async () => {
    // The directory lies in the end record's comment (bytes 22 on): 10 bytes of a record, then 51 of 56.
    const record = rawZip([{ name: 'abcdefghij' }]);
    const head = record.bytes.slice(record.cdOffset, record.cdOffset + 10);
    expect(await refusal(dir(rawZip([], { comment: head, cdOffset: 22, cdSize: 10 }).bytes))).toEqual([
      damaged('central directory record 1 is damaged'),
    ]);
    const cut = record.bytes.slice(record.cdOffset, record.cdOffset + 51);
    expect(await refusal(dir(rawZip([], { comment: cut, cdOffset: 22, cdSize: 51 }).bytes))).toEqual([
      damaged('central directory record 1 is cut short'),
    ]);
  });
});

describe('zip64 end records', () => {
  // 'a' with 'hi': locals 0-32, directory 33-79 (47 bytes).
  const body = () => {
    const zip = rawZip([{ name: 'a', data: text('hi') }]);
    return zip.bytes.slice(0, zip.cdOffset + zip.cdSize);
  };
  const withZip64 = (end: Parameters<typeof endRecord>[3]) =>
    bytesOf(body(), zip64Record(47, 33), locator(80), endRecord(1, 0, 0, end));

  it('takes the directory from the zip64 record when any of the three fields is marked', async () => {
    expect(await paths(withZip64({ count: 0xffff }))).toEqual(['a']);
    expect(await paths(withZip64({ count: 1, cdSize: 0xffffffff }))).toEqual(['a']);
    expect(await paths(withZip64({ count: 1, cdOffset: 0xffffffff }))).toEqual(['a']);
    // Not marked: the end record's own (empty) directory.
    expect(await paths(withZip64({ count: 1 }))).toEqual([]);
  });

  it('keeps the end record when a marked archive has no locator', async () => {
    expect(await paths(bytesOf(body(), endRecord(1, 47, 33, { count: 0xffff })))).toEqual(['a']);
  });

  it('refuses a locator pointing at no zip64 record, or at one cut short by the end of the file', async () => {
    const missing = damaged('its zip64 end record is missing');
    expect(await refusal(dir(bytesOf(body(), locator(10), endRecord(1, 47, 33, { count: 0xffff }))))).toEqual(
      [missing],
    );
    // The last 10 bytes (the comment) start with the zip64 record's signature; the file is 80 + 20 + 22 + 10.
    const comment = bytesOf(le(4, 0x06064b50), new Uint8Array(6));
    const short = bytesOf(body(), locator(122), endRecord(1, 47, 33, { count: 0xffff, comment }));
    expect(short.length).toBe(132);
    expect(await refusal(dir(short))).toEqual([missing]);
  });

  it('reads a locator at byte 0 (an empty zip64 archive, its record in the comment)', async () => {
    const zip = bytesOf(
      locator(42),
      endRecord(0, 0xffffffff, 0xffffffff, { count: 0xffff, comment: zip64Record(0, 0) }),
    );
    expect(zip.length).toBe(98);
    expect(await dir(zip)).toEqual([]);
  });
});

describe('zip64 extra fields', () => {
  const entry = (
    extra: Uint8Array,
    sizes: { declaredSize?: number; compressedSize?: number; localOffset?: number },
  ) => rawZip([{ name: 'a', data: text('hi'), extra, ...sizes }]).bytes;
  const M = 0xffffffff;

  it('takes the marked sizes and offset in order, past another field', async () => {
    const [rec] = await dir(
      entry(bytesOf(field(0x5455, [1, 2, 3, 4, 5]), zip64Field(7, 2, 0)), {
        declaredSize: M,
        compressedSize: M,
        localOffset: M,
      }),
    );
    expect(rec).toMatchObject({ declaredSize: 7, compressedSize: 2, localOffset: 0 });
    const [big] = await dir(entry(zip64Field(2 ** 32 + 5), { declaredSize: M }));
    expect(big).toMatchObject({ declaredSize: 4_294_967_301, compressedSize: 2, localOffset: 0 });
    const [compressed] = await dir(entry(zip64Field(2), { declaredSize: 9, compressedSize: M }));
    expect(compressed).toMatchObject({ declaredSize: 9, compressedSize: 2 });
  });

  it('leaves a marked size as it is without a zip64 field', async () => {
    const [rec] = await dir(entry(field(0x5455, le(8, 3)), { declaredSize: M }));
    expect(rec.declaredSize).toBe(4_294_967_295);
  });

  it('refuses a zip64 field too short for the marked values, or a size beyond 2^53', async () => {
    const short = damaged('its zip64 field is too short', 'a');
    expect(await refusal(dir(entry(zip64Field(7), { declaredSize: M, compressedSize: M })))).toEqual([short]);
    expect(await refusal(dir(entry(zip64Field(), { declaredSize: M })))).toEqual([short]);
    expect(await refusal(dir(entry(zip64Field(2 ** 53), { declaredSize: M })))).toEqual([
      damaged('a 64-bit size is beyond 2^53', 'a'),
    ]);
  });
});
