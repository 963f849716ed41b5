/**
 * The zip reader's refusals of fields that point outside the file, word for word, and the fields it must step over
 * (issue 16, from the survivors of a mutation run). Most archives here are one stored entry, "a.pkl" holding a 4-byte
 * pickle, laid out as: local header 0-29, name 30-34, data 35-38, central record 39-84, its name 85-89, end record
 * 90-111 (112 bytes); with ZIP64 records the ZIP64 record is at 90 and the locator at 146.
 */
import { describe, expect, it } from 'vitest';
import { craftZip } from '../../../scripts/zip-craft';
import { context, join, PLAIN, read, refusal, setU16, setU32 } from './test-zip-bytes';
import { entryBytes, entryNameProblem, type ZipEntry } from './zip';

const one = (options: { zip64?: boolean; comment?: string } = {}) =>
  craftZip([{ name: 'a.pkl', data: PLAIN, method: 0 }], options);
const malformed = (sentence: string) => ({
  severity: 'high',
  kind: 'malformed',
  location: 'z.zip',
  sentence,
});

describe('end records', () => {
  it('a saturated directory size or offset without a ZIP64 locator is refused', () => {
    for (const field of [12, 16]) {
      const zip = one();
      setU32(zip, 90 + field, 0xffffffff);
      expect(refusal(() => read(zip)).sentence).toBe(
        'The zip archive declares ZIP64 sizes but has no ZIP64 locator.',
      );
    }
  });

  it('a ZIP64 record with an undefined count, size or offset is refused, naming the field and its byte', () => {
    const fields: [number, string][] = [
      [32, 'The ZIP64 entry count'],
      [40, 'The ZIP64 central directory size'],
      [48, 'The ZIP64 central directory offset'],
    ];
    for (const [at, what] of fields) {
      const zip = one({ zip64: true });
      zip.fill(0xff, 90 + at, 90 + at + 8);
      expect(refusal(() => read(zip))).toEqual(malformed(`${what} at byte ${90 + at} is undefined.`));
    }
  });

  it('the record is taken where the locator points whenever its signature is there, even in the last 4 bytes', () => {
    // A comment "PK\x06\x06" ends the file (192 bytes); the locator (now at 146) points at it.
    const zip = one({ zip64: true, comment: 'PK\u0006\u0006' });
    setU32(zip, 146 + 8, 188);
    expect(refusal(() => read(zip))).toEqual(
      malformed('The ZIP64 entry count at byte 220 needs 8 bytes, but only 0 remain.'),
    );
  });

  it('an empty ZIP64 archive, its record at byte 0, lists nothing', () => {
    expect(read(craftZip([], { zip64: true }))).toEqual([]);
  });
});

describe('fields pointing outside the file', () => {
  it('are refused naming what was read, where, and how many bytes remain', () => {
    const cases: [(zip: Uint8Array) => void, string][] = [
      // Two entries listed, and a 1,000-byte comment after the first: the second record would start at 1,090.
      [
        (zip) => {
          setU16(zip, 90 + 8, 2);
          setU16(zip, 90 + 10, 2);
          setU16(zip, 39 + 32, 1000);
        },
        'A central directory entry at byte 1090 needs 4 bytes, but only 0 remain.',
      ],
      [(zip) => setU16(zip, 39 + 28, 1000), 'An entry name at byte 85 needs 1000 bytes, but only 27 remain.'],
      [
        (zip) => setU32(zip, 39 + 42, 110),
        'The local header of "a.pkl" at byte 110 needs 4 bytes, but only 2 remain.',
      ],
      [(zip) => setU16(zip, 26, 1000), 'A local entry name at byte 30 needs 1000 bytes, but only 82 remain.'],
      [
        (zip) => setU32(zip, 39 + 20, 1000),
        'The data of "a.pkl" at byte 35 needs 1000 bytes, but only 77 remain.',
      ],
    ];
    for (const [lie, sentence] of cases) {
      const zip = one();
      lie(zip);
      expect(refusal(() => read(zip))).toEqual(malformed(sentence));
    }
  });
});

describe('fields stepped over', () => {
  it("an entry's data starts after its local extra field", () => {
    // 4 bytes of local extra after the name: the data moves to 39, the directory to 43.
    const zip = one();
    const shifted = join(zip.subarray(0, 35), Uint8Array.from([0x55, 0x54, 0, 0]), zip.subarray(35));
    setU16(shifted, 28, 4);
    setU32(shifted, 94 + 16, 43);
    const entries = read(shifted);
    expect(entries.map((e) => [e.localOffset, e.dataOffset])).toEqual([[0, 39]]);
    expect(Array.from(entryBytes(shifted, entries[0] as ZipEntry, context(), 'z.zip'))).toEqual(
      Array.from(PLAIN),
    );
  });

  it('the next directory record starts after the extra field and the comment of the one before', () => {
    const zip = craftZip([
      { name: 'a.pkl', data: PLAIN, method: 0 },
      { name: 'b.pkl', data: PLAIN, method: 0 },
    ]);
    // Records at 78 and 129, the end record at 180: give the first a 4-byte extra block and a 3-byte comment.
    const longer = join(
      zip.subarray(0, 129),
      Uint8Array.from([0x55, 0x54, 0, 0, 0x78, 0x79, 0x7a]),
      zip.subarray(129),
    );
    setU16(longer, 78 + 30, 4);
    setU16(longer, 78 + 32, 3);
    setU32(longer, 187 + 12, 2 * 51 + 7);
    expect(read(longer).map((e) => e.name)).toEqual(['a.pkl', 'b.pkl']);
  });
});

describe('entry names and contents', () => {
  it('names are folded to lower case for collisions: "ß" and "ss" are two files', () => {
    const zip = craftZip([
      { name: 'straße.pkl', data: PLAIN },
      { name: 'strasse.pkl', data: PLAIN },
    ]);
    expect(read(zip).map((e) => e.name)).toEqual(['straße.pkl', 'strasse.pkl']);
  });

  it('a colon after the first character is no drive letter', () => {
    expect(entryNameProblem('models/c:x.pkl')).toBeNull();
    expect(entryNameProblem('c:x.pkl')).toBe('starts with a drive letter');
  });

  it('a deflated entry storing and declaring 0 bytes inflates to nothing', () => {
    const zip = craftZip([{ name: 'a.bin', deflated: { body: new Uint8Array(0), size: 0, crc: 0 } }]);
    const entries = read(zip);
    expect(entries.map((e) => [e.method, e.compressedSize, e.size])).toEqual([[8, 0, 0]]);
    expect(entryBytes(zip, entries[0] as ZipEntry, context(), 'z.zip')).toHaveLength(0);
  });
});
