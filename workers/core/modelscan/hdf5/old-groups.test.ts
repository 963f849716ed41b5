import { describe, expect, it } from 'vitest';
import { writeHdf5 } from '../corpus/hdf5';
import { scanModelFile } from '../scan';

/** An h5py-style file (superblock v0, an old-style root group) with one dataset `d`. */
const plain = () => writeHdf5({ kind: 'group', children: { d: { kind: 'dataset', shape: [4] } } });

/** The offset of the first `signature` in `bytes`. */
function find(bytes: Uint8Array, signature: string): number {
  const code = [...signature].map((c) => c.charCodeAt(0));
  for (let i = 0; i + code.length <= bytes.length; i++)
    if (code.every((c, k) => bytes[i + k] === c)) return i;
  throw new Error(`no ${signature}`);
}

const last = (bytes: Uint8Array, maxHdf5Objects?: number) =>
  scanModelFile(
    'x.h5',
    bytes,
    maxHdf5Objects === undefined ? {} : { limits: { maxHdf5Objects } },
  ).findings.at(-1);

describe('old-style groups (a v1 B-tree of symbol-table nodes, names in a local heap)', () => {
  it('reports an old-style soft link (cache type 2) with the path it names', () => {
    // The corpus writer stores a soft link's value at its name's heap offset, so the link points to "s".
    const bytes = writeHdf5({ kind: 'group', children: { s: { kind: 'soft-link', path: 'ignored' } } });
    expect(scanModelFile('x.h5', bytes).findings).toEqual([
      {
        severity: 'medium',
        kind: 'soft-link',
        location: 'x.h5: /s',
        sentence:
          'The soft link points to "s" in the same file; Keras refuses soft links, and the scanner did not follow it.',
      },
    ]);
  });

  it('counts the root header, the group B-tree node and the dataset header against the object cap', () => {
    const cap = (n: number) => `The file has more than ${n} HDF5 objects, the cap.`;
    expect(last(plain(), 1)).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /',
      sentence: cap(1),
    });
    expect(last(plain(), 2)).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /d',
      sentence: cap(2),
    });
    expect(scanModelFile('x.h5', plain(), { limits: { maxHdf5Objects: 3 } }).verdict).toBe('safe');
  });

  it('refuses a group B-tree node, symbol-table node or local heap without its signature', () => {
    const patched = (signature: string, at = 0, value = 0x21) => {
      const bytes = plain();
      const where = find(bytes, signature);
      bytes[where + at] = value;
      return { bytes, where };
    };
    const tree = patched('TREE', 3);
    expect(last(tree.bytes)).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /',
      sentence: `No group B-tree node at byte ${tree.where}.`,
    });
    const chunkType = patched('TREE', 4, 1); // a chunk B-tree (type 1) where a group's (type 0) belongs
    expect(last(chunkType.bytes)?.sentence).toBe(`No group B-tree node at byte ${chunkType.where}.`);
    const snod = patched('SNOD', 3);
    expect(last(snod.bytes)?.sentence).toBe(`No symbol table node at byte ${snod.where}.`);
    const heap = patched('HEAP', 3);
    expect(last(heap.bytes)?.sentence).toBe(`No local heap at byte ${heap.where}.`);
  });
});
