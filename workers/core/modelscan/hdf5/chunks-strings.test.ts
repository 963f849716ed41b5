import { describe, expect, it } from 'vitest';
import { scanModelFile } from '../scan';
import type { ScanLimits } from '../types';
import {
  attribute,
  dataset,
  fixedString,
  globalHeap,
  H5v2,
  hardLink,
  le,
  space,
  stringAttribute,
  text,
  VLEN_STRING,
} from './test-hdf5-v2';

const BOMB = 'a shape or decompression bomb.';

/** A version 1 B-tree node of type 1 (chunks of a rank-2 layout: keys of 8 + 2 × 8 bytes) over `children`. */
function chunkNode(level: number, children: { size: number; at: number }[], type = 1): number[] {
  const key = (size: number) => [...le(size, 4), ...le(0, 4), ...le(0, 8), ...le(0, 8)];
  const head = [...text('TREE'), type, level, ...le(children.length, 2), ...le(-1, 8), ...le(-1, 8)];
  return [...head, ...children.flatMap((c) => [...key(c.size), ...le(c.at, 8)]), ...key(0)];
}

/** The scan of a file whose dataset `d` declares 2^28 float32 values stored in chunks under the tree `build` adds. */
function chunked(build: (h: H5v2) => number, limits: Partial<ScanLimits> = {}) {
  const h = new H5v2();
  const tree = build(h);
  const d = h.object(dataset([2 ** 28], [3, 2, 2, ...le(tree, 8), ...le(1, 4), ...le(4, 4)]));
  const bytes = h.finish(h.object([hardLink('d', d)]));
  return { result: scanModelFile('x.h5', bytes, { limits }), length: bytes.length };
}
const sentence = (build: (h: H5v2) => number, limits: Partial<ScanLimits> = {}) =>
  chunked(build, limits).result.findings.at(-1)?.sentence;
const stores = (n: number | string) =>
  `The dataset declares 1.0 GiB but the file stores ${n} bytes for it, ${BOMB}`;

describe('chunked datasets (a v1 B-tree of chunks)', () => {
  it('adds the sizes of every chunk, through inner nodes', () => {
    const two = (h: H5v2) => {
      const a = h.add(new Array(16).fill(0));
      const b = h.add(new Array(24).fill(0));
      return h.add(
        chunkNode(0, [
          { size: 16, at: a },
          { size: 24, at: b },
        ]),
      );
    };
    expect(sentence(two)).toBe(stores(40));
    const inner = (h: H5v2) => {
      const leaf = h.add(chunkNode(0, [{ size: 16, at: h.add(new Array(16).fill(0)) }]));
      const leaf2 = h.add(chunkNode(0, [{ size: 8, at: h.add(new Array(8).fill(0)) }]));
      return h.add(
        chunkNode(1, [
          { size: 0, at: leaf },
          { size: 0, at: leaf2 },
        ]),
      );
    };
    expect(sentence(inner)).toBe(stores(24));
    const none = chunked(() => -1);
    expect(none.result.findings.at(-1)?.sentence).toBe(stores(none.length));
  });

  it('counts tree nodes against the object cap', () => {
    const one = (h: H5v2) => h.add(chunkNode(0, [{ size: 16, at: h.add(new Array(16).fill(0)) }]));
    expect(sentence(one, { maxHdf5Objects: 3 })).toBe(stores(16));
    expect(chunked(one, { maxHdf5Objects: 2 }).result.findings).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: 'x.h5: /d',
        sentence: 'The file has more than 2 HDF5 objects, the cap.',
      },
    ]);
  });

  it('refuses a loop, a node of another type or signature, a chunk without an address and one past the end', () => {
    expect(
      chunked((h) => {
        const at = h.bytes.length;
        return h.add(chunkNode(1, [{ size: 0, at }]));
      }).result.findings.at(-1),
    ).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /d',
      sentence: 'The chunk B-tree visits a node twice (a loop).',
    });
    let at = 0;
    const typed =
      (type: number, signature = 'TREE') =>
      (h: H5v2) => {
        at = h.add([...text(signature), ...chunkNode(0, [], type).slice(4)]);
        return at;
      };
    expect(sentence(typed(0))).toBe(`No chunk B-tree node at byte ${at}.`);
    expect(sentence(typed(1, 'TRE!'))).toBe(`No chunk B-tree node at byte ${at}.`);
    expect(sentence(typed(1))).toBe(stores(0));
    expect(sentence((h) => h.add(chunkNode(0, [{ size: 16, at: -1 }])))).toBe('A chunk has no address.');
    const past = chunked((h) => h.add(chunkNode(0, [{ size: 16, at: h.bytes.length + 100_000 }])));
    expect(past.result.findings.at(-1)?.sentence).toMatch(
      /^A chunk at byte \d+ needs 16 bytes, but only 0 remain\.$/,
    );
  });
});

describe('string attributes', () => {
  const LAMBDA = '{"class_name": "Lambda"}';
  const root = (attrs: ReturnType<typeof attribute>[], limits: Partial<ScanLimits> = {}) => {
    const h = new H5v2();
    return scanModelFile('x.h5', h.finish(h.object(attrs)), { limits });
  };
  const config = (type: number[], data: number[], sp = space([])) =>
    attribute('model_config', type, sp, data);

  it('cuts a fixed-length string at its first NUL and drops trailing spaces', () => {
    const padded = config(fixedString(40), [...text(LAMBDA), 0, ...text('junk'), ...new Array(11).fill(0)]);
    expect(root([padded]).findings.map((f) => f.kind)).toEqual(['lambda']);
    const spaced = config(fixedString(30), [...text(LAMBDA), ...text('      ')]);
    expect(root([spaced]).findings.map((f) => f.kind)).toEqual(['lambda']);
  });

  it('caps fixed-length text and refuses more text than the message holds', () => {
    const at = 'x.h5: / (attribute "model_config")';
    expect(root([stringAttribute('model_config', '[1,2,3,4]')], { maxJsonBytes: 9 }).verdict).toBe('safe');
    expect(root([stringAttribute('model_config', '[1,2,3,45]')], { maxJsonBytes: 9 }).findings).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: at,
        sentence: 'The attribute holds over 9 bytes of text, the cap.',
      },
    ]);
    expect(root([config(fixedString(10), text('[1,2,3,4]'))]).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: at,
        sentence: 'The attribute declares more text than its message holds.',
      },
    ]);
  });

  it('reads variable-length strings from the global heap: the object named, as many bytes as declared', () => {
    const h = new H5v2();
    const heap = h.add(globalHeap([text('{"not": "this one"}'), text(`${LAMBDA}trailing`)]));
    const vlen = (size: number, index: number, at = heap) => [...le(size, 4), ...le(at, 8), ...le(index, 4)];
    const scanWith = (data: number[], limits: Partial<ScanLimits> = {}) => {
      const copy = new H5v2();
      copy.bytes = [...h.bytes];
      const root = copy.object([config(VLEN_STRING, data)]);
      return scanModelFile('x.h5', copy.finish(root), { limits }).findings.at(-1);
    };
    expect(scanWith(vlen(text(LAMBDA).length, 2))?.kind).toBe('lambda');
    expect(scanWith(vlen(text(LAMBDA).length, 2), { maxJsonBytes: text(LAMBDA).length })?.kind).toBe(
      'lambda',
    );
    expect(scanWith(vlen(text(LAMBDA).length, 2), { maxJsonBytes: text(LAMBDA).length - 1 })?.sentence).toBe(
      `The attribute holds over ${text(LAMBDA).length - 1} bytes of text, the cap.`,
    );
    expect(scanWith(vlen(3, 7))?.sentence).toBe(`The global heap at byte ${heap} has no object 7.`);
    expect(scanWith(vlen(3, 1, heap + 8))?.sentence).toBe(`No global heap at byte ${heap + 8}.`);
    // An empty string (size 0, or no heap) is read as "", which is no JSON.
    expect(scanWith(vlen(0, 2))?.sentence).toMatch(/^The JSON does not parse: /);
    expect(scanWith(vlen(5, 2, -1))?.sentence).toMatch(/^The JSON does not parse: /);
    expect(scanWith(vlen(5, 2).slice(0, 15))?.sentence).toBe(
      'The attribute declares more strings than its message holds.',
    );
  });

  it('refuses a global heap object that runs past its collection', () => {
    const h = new H5v2();
    const gcol = globalHeap([text('{}')]);
    gcol.splice(8, 8, ...le(16 + 16 + 1, 8)); // the collection ends 1 byte into the object's 2 bytes of data
    const heap = h.add(gcol);
    const root = h.object([
      attribute('model_config', VLEN_STRING, space([]), [...le(2, 4), ...le(heap, 8), ...le(1, 4)]),
    ]);
    expect(scanModelFile('x.h5', h.finish(root)).findings.at(-1)?.sentence).toBe(
      'A global heap object runs past its collection.',
    );
  });
});
