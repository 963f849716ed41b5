import { describe, expect, it } from 'vitest';
import { type H5Node, le, writeHdf5 } from '../corpus/hdf5';
import { refusalOf, malformed as refusedFor, scanH5 } from './test-hdf5-v2';

/**
 * Hostile old-style groups, patched into files of the corpus writer (h5py's layout: superblock v0, the root's
 * version 1 object header last in the file, holding one symbol-table message whose B-tree and local heap
 * addresses are at its header + 24 and + 32). Field offsets from the HDF5 File Format Specification 3.0: a local
 * heap ('HEAP') has its data size at + 8 and data address at + 24; a symbol-table node ('SNOD') its entry count at
 * + 6 and entries of 40 bytes from + 8 (name offset, object header address, cache type, scratch pad); a group
 * B-tree node ('TREE') its level at + 5, entry count at + 6, first key at + 24 and first child at + 32.
 */

const file = (children: Record<string, H5Node> = { d: { kind: 'dataset', shape: [4] } }) =>
  writeHdf5({ kind: 'group', children });

function find(bytes: Uint8Array, signature: string): number {
  const code = [...signature].map((c) => c.charCodeAt(0));
  for (let i = 0; i + code.length <= bytes.length; i++)
    if (code.every((c, k) => bytes[i + k] === c)) return i;
  throw new Error(`no ${signature}`);
}
const u64 = (bytes: Uint8Array, at: number) => Number(new DataView(bytes.buffer).getBigUint64(at, true));
/** The root header's symbol-table message data (its B-tree address, then its heap address). */
const table = (bytes: Uint8Array) => u64(bytes, 64) + 24;

const scan = scanH5;
const last = refusalOf;
const malformed = (sentence: string, location = 'x.h5: /') => refusedFor(sentence, location);
const patched = (signature: string, at: number, value: number[], bytes = file()) => {
  const where = find(bytes, signature);
  bytes.set(value, where + at);
  return { bytes, where };
};
/** `bytes` with `extra` appended and the symbol table's address at `field` (0 B-tree, 8 heap) pointing at it. */
function appended(bytes: Uint8Array, extra: number[], field: number): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  out.set(le(bytes.length, 8), table(bytes) + field);
  return out;
}

describe('the local heap of an old-style group', () => {
  it('refuses a heap without a data segment, or whose data runs past the file', () => {
    expect(last(patched('HEAP', 24, le(-1, 8)).bytes)).toEqual(
      malformed('The local heap has no data segment.'),
    );
    const { bytes, where } = patched('HEAP', 8, le(1_000_000, 8));
    const data = u64(bytes, where + 24);
    expect(last(bytes)).toEqual(
      malformed(
        `The local heap data at byte ${data} needs 1000000 bytes, but only ${bytes.length - data} remain.`,
        'x.h5',
      ),
    );
  });

  it('refuses a name offset at the heap size, and a name without its NUL', () => {
    // the heap holds '' and 'd', each padded to 8 bytes: 16 bytes; the entry of 'd' names offset 8
    expect(last(patched('SNOD', 8, le(16, 8)).bytes)).toEqual(
      malformed('A name points past its local heap (offset 16 of 16).'),
    );
    const bytes = file();
    const data = u64(bytes, find(bytes, 'HEAP') + 24);
    bytes.set(new Array(8).fill(0x78), data + 8);
    expect(last(bytes)).toEqual(malformed('A name in the local heap has no terminating NUL.'));
  });

  it('refuses a heap without its signature, or one the file ends in', () => {
    const { bytes, where } = patched('HEAP', 3, [0x21]);
    expect(last(bytes)).toEqual(malformed(`No local heap at byte ${where}.`));
    const plain = file();
    expect(last(appended(plain, [0x48, 0x45], 8))).toEqual(
      malformed(`A local heap at byte ${plain.length} needs 4 bytes, but only 2 remain.`, 'x.h5'),
    );
    const head = [...[0x48, 0x45, 0x41, 0x50], 0, 0, 0, 0, ...le(16, 8), ...le(1, 8), 0, 0, 0, 0];
    expect(last(appended(plain, head, 8))).toEqual(
      malformed(
        `The local heap data address at byte ${plain.length + 24} needs 8 bytes, but only 4 remain.`,
        'x.h5',
      ),
    );
  });
});

describe('the symbol-table message', () => {
  it('reads no links when its B-tree or heap address is undefined', () => {
    for (const field of [0, 8]) {
      const bytes = file({ s: { kind: 'soft-link', path: 'x' } });
      bytes.set(le(-1, 8), table(bytes) + field);
      expect(scan(bytes).findings).toEqual([]);
    }
  });

  it('names the address the file ends in', () => {
    // the root header (last in the file) cut to a symbol-table message of `size` bytes ending its block
    const cut = (size: number) => {
      const bytes = file();
      const root = u64(bytes, 64);
      bytes.set(le(8 + size, 4), root + 8);
      bytes.set(le(size, 2), root + 18);
      bytes.set(le(-1, 8), 40); // the end-of-file address undefined
      return { bytes: bytes.slice(0, root + 24 + size), at: root + 24 + size };
    };
    const none = cut(0);
    expect(last(none.bytes)).toEqual(
      malformed(`A group B-tree address at byte ${none.at} needs 8 bytes, but only 0 remain.`, 'x.h5'),
    );
    const half = cut(8);
    expect(last(half.bytes)).toEqual(
      malformed(`A group heap address at byte ${half.at} needs 8 bytes, but only 0 remain.`, 'x.h5'),
    );
  });
});

describe('symbol-table nodes', () => {
  it('refuses a node without its signature, or with more entries than the file holds', () => {
    const unsigned = patched('SNOD', 3, [0x21]);
    expect(last(unsigned.bytes)).toEqual(malformed(`No symbol table node at byte ${unsigned.where}.`));
    const { bytes, where } = patched('SNOD', 6, le(0xffff, 2));
    expect(last(bytes)).toEqual(
      malformed(
        `The symbol table entries at byte ${where + 8} needs ${0xffff * 40} bytes, but only ${bytes.length - where - 8} remain.`,
        'x.h5',
      ),
    );
  });

  it('refuses an entry with an undefined name offset, an object header address past 2^53 or none', () => {
    const name = patched('SNOD', 8, le(-1, 8));
    expect(last(name.bytes)).toEqual(
      malformed(`A link name offset at byte ${name.where + 8} is undefined.`, 'x.h5'),
    );
    const far = patched('SNOD', 16, [0, 0, 0, 0, 0, 0, 0, 0x40]);
    expect(last(far.bytes)).toEqual(
      malformed(`An object header address at byte ${far.where + 16} is larger than 2^53.`, 'x.h5'),
    );
    expect(last(patched('SNOD', 16, le(-1, 8)).bytes)).toEqual(
      malformed('The link "d" has no object header.'),
    );
  });
});

describe('group B-tree nodes', () => {
  it('refuses a loop, a child without an address and one past 2^53', () => {
    const loop = file();
    const tree = find(loop, 'TREE');
    loop[tree + 5] = 1;
    loop.set(le(tree, 8), tree + 32);
    expect(last(loop)).toEqual(malformed('The group B-tree visits a node twice (a loop).'));
    expect(last(patched('TREE', 32, le(-1, 8)).bytes)).toEqual(
      malformed('A group B-tree child has no address.'),
    );
    const far = patched('TREE', 32, [0, 0, 0, 0, 0, 0, 0, 0x40]);
    expect(last(far.bytes)).toEqual(
      malformed(`A B-tree child address at byte ${far.where + 32} is larger than 2^53.`, 'x.h5'),
    );
  });

  it('names a B-tree node or symbol-table node the file ends in', () => {
    const plain = file();
    expect(last(appended(plain, [0x54, 0x52], 0))).toEqual(
      malformed(`A group B-tree node at byte ${plain.length} needs 4 bytes, but only 2 remain.`, 'x.h5'),
    );
    const child = file();
    child.set(le(child.length, 8), find(child, 'TREE') + 32); // the leaf's child: the 2 bytes appended below
    const cut = new Uint8Array(child.length + 2);
    cut.set(child);
    cut.set([0x53, 0x4e], child.length);
    expect(last(cut)).toEqual(
      malformed(`A symbol table node at byte ${child.length} needs 4 bytes, but only 2 remain.`, 'x.h5'),
    );
  });

  it('follows an inner node (level 1) to the leaf node', () => {
    const bytes = file({ s: { kind: 'soft-link', path: 'x' } });
    const leaf = find(bytes, 'TREE');
    const inner = [...[0x54, 0x52, 0x45, 0x45], 0, 1, ...le(1, 2), ...le(-1, 8), ...le(-1, 8)];
    const root = appended(bytes, [...inner, ...le(0, 8), ...le(leaf, 8), ...le(8, 8)], 0);
    expect(scan(root).findings.map((f) => f.location)).toEqual(['x.h5: /s']);
  });

  it('reads every child of a node (two symbol-table nodes for nine links)', () => {
    const names = [...'abcdefghi'];
    const bytes = file(Object.fromEntries(names.map((n) => [n, { kind: 'soft-link', path: n }])));
    expect(scan(bytes).findings.map((f) => f.location)).toEqual(names.map((n) => `x.h5: /${n}`));
  });
});
