import { describe, expect, it } from 'vitest';
import {
  FLOAT32,
  H5v2,
  le,
  ohdr,
  refusalOf,
  malformed as refusedFor,
  rootOf,
  scanH5,
  space,
  text,
  typedLink,
  v1header,
  v1msg,
} from './test-hdf5-v2';

/**
 * Version 1 object headers (HDF5 File Format Specification 3.0, IV.A.1.a: version, reserved byte, message count,
 * reference count, header size, 4 bytes of padding, then messages of type (2 bytes), size (2), flags (1), 3 reserved
 * bytes and their data, each aligned to 8 bytes) and hostile headers of both versions. Offsets are counted by hand:
 * the v2 superblock takes bytes 0-47, so the first object is at 48 and a v1 header's first message at 64.
 */

const scan = scanH5;
const refusal = refusalOf;
const malformed = (sentence: string, location = 'x.h5') => refusedFor(sentence, location);

describe('object headers cut short or pointing outside the file', () => {
  it('names the header field the file ends in', () => {
    expect(refusal(rootOf([1, 0, 1, 0, 1, 0, 0, 0, 0x10]))).toEqual(
      malformed('The object header size at byte 56 needs 4 bytes, but only 1 remain.'),
    );
    expect(refusal(rootOf(text('OH')))).toEqual(
      malformed('An object header at byte 48 needs 4 bytes, but only 2 remain.'),
    );
    // 'OHDR', version 2, flags 0x02 (a 4-byte chunk size), of which 2 bytes are there
    expect(refusal(rootOf([...text('OHDR'), 2, 0x02, 0, 0]))).toEqual(
      malformed('The object header chunk size at byte 54 needs 4 bytes, but only 2 remain.'),
    );
    // flags 0x03: an 8-byte chunk size, all ones (undefined)
    expect(refusal(rootOf([...text('OHDR'), 2, 0x03, ...le(-1, 8)]))).toEqual(
      malformed('The object header chunk size at byte 54 is undefined.'),
    );
    // a v1 header declaring a 1000-byte block at 64 of which 8 bytes are there
    expect(refusal(rootOf(v1header(v1msg(0, []), 1000)))).toEqual(
      malformed('An object header block at byte 64 needs 1000 bytes, but only 8 remain.'),
    );
  });

  it('names the continuation field the file ends in', () => {
    // a continuation message of size 0 ending the file at 72: its address would be at 72
    expect(refusal(rootOf(v1header(v1msg(0x10, []))))).toEqual(
      malformed('A continuation address at byte 72 needs 8 bytes, but only 0 remain.'),
    );
    // its address there (undefined), the length that follows it cut off
    expect(refusal(rootOf(v1header(v1msg(0x10, le(-1, 8)))))).toEqual(
      malformed('A continuation length at byte 80 needs 8 bytes, but only 0 remain.'),
    );
    // a version 2 continuation to the file's last 2 bytes, where its 4-byte OCHK signature would start
    const h = new H5v2();
    const root = ohdr([{ type: 0x10, data: [...le(0, 8), ...le(16, 8)] }]);
    const end = 48 + root.length;
    root.splice(4 + 2 + 4 + 4, 8, ...le(end, 8)); // the address, after signature, version, flags, size and prefix
    h.add([...root, 0x4f, 0x43]);
    expect(refusal(h.finish(48))).toEqual(
      malformed(`A continuation block at byte ${end} needs 4 bytes, but only 2 remain.`),
    );
  });
});

describe('version 1 header messages', () => {
  it('reads a message whose prefix ends its block exactly (a data layout of size 0)', () => {
    expect(refusal(rootOf(v1header([...v1msg(0, new Array(8).fill(0)), ...v1msg(0x08, [])])))).toEqual(
      malformed('The dataset lacks its dataspace or datatype message.', 'x.h5: /'),
    );
  });

  it('starts each message at the next multiple of 8 after a message whose size is not one', () => {
    const link = typedLink('s', 1, text('/t'));
    const bytes = rootOf(v1header([...v1msg(0, [1, 2, 3]), 0, 0, 0, 0, 0, ...v1msg(link.type, link.data)]));
    expect(scan(bytes).findings.map((f) => [f.kind, f.location])).toEqual([['soft-link', 'x.h5: /s']]);
  });

  it('reads the flags byte of a version 1 message (a shared datatype)', () => {
    // The root is a dataset of 2^25 float32 (128 MiB) whose datatype message (flags 0x02) refers to a committed
    // datatype; 16 bytes are stored in its compact layout.
    const h = new H5v2();
    const type = h.object([{ type: 0x03, data: FLOAT32 }]);
    const spaceData = space([2 ** 25]);
    const layout = [3, 0, ...le(16, 2), ...new Array(16).fill(0)];
    const pad = (data: number[]) => [...data, ...new Array((8 - (data.length % 8)) % 8).fill(0)];
    const root = h.add(
      v1header([
        ...v1msg(0x01, pad(spaceData)),
        ...v1msg(0x03, pad([2, 0, ...le(type, 8)]), 0x02),
        ...v1msg(0x08, pad(layout)),
      ]),
    );
    expect(refusal(h.finish(root))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /',
      sentence:
        'The dataset declares 128.0 MiB but the file stores 16 bytes for it, a shape or decompression bomb.',
    });
  });
});

describe('the cap on continuation blocks', () => {
  /** A v1 root header continued through `count` blocks of 24 bytes, each but the last holding one continuation. */
  function chain(count: number): Uint8Array {
    const h = new H5v2();
    const first = 48 + 16 + 24; // after the root header's own 24-byte block
    const cont = (at: number) => v1msg(0x10, [...le(at, 8), ...le(24, 8)]);
    h.add(v1header(cont(first)));
    for (let i = 0; i < count; i++) {
      h.add(i + 1 < count ? cont(first + 24 * (i + 1)) : v1msg(0, new Array(16).fill(0)));
    }
    return h.finish(48);
  }

  it('reads 10,000 blocks (the header and 9,999 continuations) and refuses 10,001', () => {
    expect(scan(chain(9_999)).verdict).toBe('safe');
    expect(refusal(chain(10_000))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /',
      sentence: 'The object header has more than 10,000 continuation blocks.',
    });
  });
});
