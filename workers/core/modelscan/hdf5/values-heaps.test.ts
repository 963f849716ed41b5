import { describe, expect, it } from 'vitest';
import { ScanContext, ScanStop } from '../context';
import { DEFAULT_LIMITS, type Finding, type ScanLimits } from '../types';
import { openHdf5 } from './file';
import type { Attribute } from './messages';
import { attribute, fixedString, H5v2, le, ohdr, space, text, VLEN_STRING } from './test-hdf5-v2';
import { attributeStrings } from './values';
import { walkHdf5 } from './walk';

/**
 * `attributeStrings` called directly on every attribute of the root (the scan itself reads only a single
 * `model_config` or `training_config` string), and the global heap collections variable-length strings live in
 * (HDF5 File Format Specification 3.0, III.E: 'GCOL', version, 3 reserved bytes, the collection size (8 bytes),
 * then objects of heap index (2), reference count (2), 4 reserved bytes, size (8) and data padded to 8 bytes).
 */

/** The strings of each root attribute of the file `build` returns the root header address of, or the refusal. */
function strings(
  build: (h: H5v2) => number,
  limits: Partial<ScanLimits> = {},
): (string[] | null)[] | Finding {
  const h = new H5v2();
  const bytes = h.finish(build(h));
  const ctx = new ScanContext({ ...DEFAULT_LIMITS, ...limits }, () => 0);
  try {
    const file = openHdf5(bytes, 0, ctx, 'x.h5');
    const attrs: Attribute[] = [];
    walkHdf5(file, 'x.h5', (_path, attr) => attrs.push(attr));
    return attrs.map((attr) => attributeStrings(file, attr, 'x.h5: /'));
  } catch (error) {
    if (error instanceof ScanStop) return error.finding;
    throw error;
  }
}

const at = 'x.h5: / (attribute "a")';
const vlen = (size: number, heap: number, index: number) => [...le(size, 4), ...le(heap, 8), ...le(index, 4)];

/** A global heap collection of `size` bytes holding `objects` (index, data) in order, the rest zeros. */
function gcol(objects: [number, number[]][], size: number): number[] {
  const body = objects.flatMap(([id, data]) => [
    ...le(id, 2),
    ...le(1, 2),
    0,
    0,
    0,
    0,
    ...le(data.length, 8),
    ...data,
    ...new Array((8 - (data.length % 8)) % 8).fill(0),
  ]);
  const head = [...text('GCOL'), 1, 0, 0, 0, ...le(size, 8), ...body];
  return [...head, ...new Array(Math.max(0, size - head.length)).fill(0)];
}

describe('fixed-length string attributes', () => {
  it('reads each element at its own offset, cut at its first NUL, trailing spaces dropped', () => {
    const data = [...text('ab  '), ...text('  cd'), 0, ...text('xyz'), ...text(' e'), 0, 0];
    expect(strings((h) => h.object([attribute('a', fixedString(4), space([4]), data)]))).toEqual([
      ['ab', '  cd', '', ' e'],
    ]);
  });
});

describe('variable-length string attributes', () => {
  it('reads each element at its own 16-byte reference', () => {
    const result = strings((h) => {
      const heap = h.add(
        gcol(
          [
            [1, text('one')],
            [2, text('two!')],
          ],
          4096,
        ),
      );
      const data = [...vlen(3, heap, 1), ...vlen(4, heap, 2), ...vlen(2, heap, 2)];
      return h.object([attribute('a', VLEN_STRING, space([3]), data)]);
    });
    expect(result).toEqual([['one', 'two!', 'tw']]);
  });

  it('reads an empty string without its heap, and a string with no heap as empty', () => {
    const result = strings((h) => {
      const heap = h.add(gcol([[1, text('one')]], 4096));
      // size 0 names object 9, which the heap lacks; heap address undefined for the second
      const data = [...vlen(0, heap, 9), ...vlen(5, -1, 1)];
      return h.object([attribute('a', VLEN_STRING, space([2]), data)]);
    });
    expect(result).toEqual([['', '']]);
  });

  it('refuses more references than the message holds, and text over the cap, naming the attribute', () => {
    const short = strings((h) => h.object([attribute('a', VLEN_STRING, space([2]), vlen(1, -1, 1))]));
    expect(short).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: at,
      sentence: 'The attribute declares more strings than its message holds.',
    });
    const over = strings(
      (h) => {
        const heap = h.add(gcol([[1, text('12345')]], 4096));
        return h.object([
          attribute('a', VLEN_STRING, space([2]), [...vlen(5, heap, 1), ...vlen(5, heap, 1)]),
        ]);
      },
      { maxJsonBytes: 9 },
    );
    expect(over).toEqual({
      severity: 'high',
      kind: 'limit',
      location: at,
      sentence: 'The attribute holds over 9 bytes of text, the cap.',
    });
  });
});

describe('global heap collections', () => {
  /** The strings of a root whose one reference (`size` bytes of object `index`) names the collection `tail`, which
   * follows the root header to the end of the file (or is cut short there). */
  function read(tail: number[], index = 2, size = 8) {
    const messages = (heap: number) => [attribute('a', VLEN_STRING, space([]), vlen(size, heap, index))];
    const heap = 48 + ohdr(messages(0)).length;
    return {
      heap,
      result: strings((h) => {
        const root = h.object(messages(heap));
        h.add(tail);
        return root;
      }),
    };
  }
  const malformed = (sentence: string, location = at) => ({
    severity: 'high',
    kind: 'malformed',
    location,
    sentence,
  });
  const eight = text('12345678');

  it('refuses a collection cut short, without its signature, or larger than the file', () => {
    const cut = read(text('GC'));
    expect(cut.result).toEqual(
      malformed(`A global heap at byte ${cut.heap} needs 4 bytes, but only 2 remain.`, 'x.h5'),
    );
    const unsigned = read([...text('GCOX'), ...new Array(28).fill(0)]);
    expect(unsigned.result).toEqual(malformed(`No global heap at byte ${unsigned.heap}.`));
    const sized = read([...text('GCOL'), 1, 0, 0, 0, 1, 2]);
    expect(sized.result).toEqual(
      malformed(`A length at byte ${sized.heap + 8} needs 8 bytes, but only 2 remain.`, 'x.h5'),
    );
    const large = read(gcol([[2, eight]], 4096).slice(0, 100));
    expect(large.result).toEqual(
      malformed(
        `The global heap collection at byte ${large.heap} needs 4096 bytes, but only 100 remain.`,
        'x.h5',
      ),
    );
  });

  it('reads an object whose header or data ends the collection exactly', () => {
    // object 1 (16 + 8 bytes), then object 2's 16-byte header with no data: 16 + 24 + 16 = 56 bytes
    expect(
      read(
        gcol(
          [
            [1, eight],
            [2, []],
          ],
          56,
        ),
      ).result,
    ).toEqual([['']]);
    // object 2's 8 bytes of data end the 40-byte collection
    expect(read(gcol([[2, text('abcdefgh')]], 40)).result).toEqual([['abcdefgh']]);
  });

  it('stops where fewer than 16 bytes are left, and at the free-space object (index 0)', () => {
    // 8 bytes after object 1 start like object 2's header; the file goes on past the collection
    const short = read([
      ...gcol([[1, eight]], 48).slice(0, 40),
      2,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      ...le(8, 8),
      ...eight,
    ]);
    expect(short.result).toEqual(malformed(`The global heap at byte ${short.heap} has no object 2.`));
    const hidden = read(
      gcol(
        [
          [1, eight],
          [0, []],
          [2, eight],
        ],
        16 + 24 + 16 + 24,
      ),
    );
    expect(hidden.result).toEqual(malformed(`The global heap at byte ${hidden.heap} has no object 2.`));
  });

  it('refuses an object that runs past its collection', () => {
    const over = gcol([[2, eight]], 40);
    over.splice(16 + 8, 8, ...le(9, 8)); // 9 bytes of data declared where 8 are left
    expect(read([...over, 0, 0, 0, 0, 0, 0, 0, 0]).result).toEqual(
      malformed('A global heap object runs past its collection.'),
    );
  });
});
