import { describe, expect, it } from 'vitest';
import { dataset, H5v2, le, ohdr, refusalOf, malformed as refusedFor, scanH5, text } from './test-hdf5-v2';

/**
 * Datasets at the edges of the walk's checks: contiguous data ending the file exactly, a declared size of exactly
 * 1000 times what is stored, and chunk B-tree nodes (HDF5 File Format Specification 3.0, III.A.1: 'TREE', type 1,
 * level, entries used, two sibling addresses, then keys of chunk size (4), filter mask (4) and one 8-byte offset a
 * dimension, each followed by a child address) that the file ends in.
 */

const scan = scanH5;
const last = refusalOf;
const malformed = (sentence: string, location = 'x.h5: /') => refusedFor(sentence, location);

/** A root dataset of `shape` float32 whose layout (built from the address where `tail` starts) is followed by `tail`. */
function rootDataset(shape: number[], layout: (tailAt: number) => number[], tail: number[]) {
  const tailAt = 48 + ohdr(dataset(shape, layout(0))).length;
  const h = new H5v2();
  const root = h.object(dataset(shape, layout(tailAt)));
  h.add(tail);
  return { bytes: h.finish(root), tailAt };
}
const contiguous = (size: number) => (at: number) => [3, 1, ...le(at, 8), ...le(size, 8)];

describe('contiguous data and the bomb ratio', () => {
  it('passes data that ends the file exactly', () => {
    expect(scan(rootDataset([4], contiguous(16), new Array(16).fill(0)).bytes).verdict).toBe('safe');
    const { bytes, tailAt } = rootDataset([4], contiguous(17), new Array(16).fill(0));
    expect(last(bytes)?.sentence).toBe(
      `The dataset's 17 bytes of data at byte ${tailAt} run past the end of the file (${bytes.length} bytes).`,
    );
  });

  it('checks no data against the file when the address is undefined (nothing stored)', () => {
    expect(scan(rootDataset([4], () => contiguous(10 ** 9)(-1), []).bytes).verdict).toBe('safe');
  });

  it('passes a declared size of exactly 1000 times what is stored', () => {
    // 25,000,000 float32 = 100,000,000 bytes (over the 64 MiB floor) against 100,000 and 99,999 stored bytes
    expect(
      scan(rootDataset([25_000_000], contiguous(100_000), new Array(100_000).fill(0)).bytes).verdict,
    ).toBe('safe');
    expect(last(rootDataset([25_000_000], contiguous(99_999), new Array(99_999).fill(0)).bytes)).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /',
      sentence:
        'The dataset declares 95.4 MiB but the file stores 97.7 KiB for it, a shape or decompression bomb.',
    });
  });
});

describe('chunk B-tree nodes the file ends in', () => {
  const chunked = (tail: number[]) =>
    rootDataset([2 ** 28], (at) => [3, 2, 2, ...le(at, 8), ...le(1, 4), ...le(4, 4)], tail);
  const head = (used: number) => [...text('TREE'), 1, 0, ...le(used, 2), ...le(-1, 8), ...le(-1, 8)];
  const key = [...le(16, 4), ...le(0, 4), ...le(0, 8), ...le(0, 8)];

  it('names the signature, chunk size or chunk address cut short', () => {
    const sig = chunked(text('TR'));
    expect(last(sig.bytes)).toEqual(
      malformed(`A chunk B-tree node at byte ${sig.tailAt} needs 4 bytes, but only 2 remain.`, 'x.h5'),
    );
    const size = chunked(head(1));
    expect(last(size.bytes)).toEqual(
      malformed(`A chunk size at byte ${size.tailAt + 24} needs 4 bytes, but only 0 remain.`, 'x.h5'),
    );
    const address = chunked([...head(1), ...key]);
    expect(last(address.bytes)).toEqual(
      malformed(`A chunk address at byte ${address.tailAt + 48} needs 8 bytes, but only 0 remain.`, 'x.h5'),
    );
  });

  it('refuses a node of a group B-tree, and a chunk without an address', () => {
    const group = chunked([...text('TREE'), 0, ...head(0).slice(5)]);
    expect(last(group.bytes)).toEqual(malformed(`No chunk B-tree node at byte ${group.tailAt}.`));
    expect(last(chunked([...head(1), ...key, ...le(-1, 8), ...key]).bytes)).toEqual(
      malformed('A chunk has no address.'),
    );
  });
});
