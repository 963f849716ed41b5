import { describe, expect, it } from 'vitest';
import { scanModelFile } from '../scan';
import type { Finding } from '../types';
import {
  dataset,
  H5v2,
  hardLink,
  le,
  type Msg,
  ohdr,
  stringAttribute,
  text,
  typedLink,
  v2Messages,
} from './test-hdf5-v2';

/** A compact float32 dataset of four values (16 bytes stored in its layout message). */
const COMPACT = [3, 0, ...le(16, 2), ...new Array(16).fill(0)];
/** A link-info message whose fractal heap is undefined (links kept in the header, as compact storage). */
const LINK_INFO: Msg = { type: 0x02, data: [0, 0, ...le(-1, 8), ...le(-1, 8)] };

const scan = (bytes: Uint8Array, maxHdf5Objects?: number) =>
  scanModelFile('x.h5', bytes, maxHdf5Objects === undefined ? {} : { limits: { maxHdf5Objects } });
const only = (bytes: Uint8Array): Finding[] => scan(bytes).findings;
const refusal = (bytes: Uint8Array) => {
  const result = scan(bytes);
  expect(result.verdict).toBe('refused');
  return result.findings.at(-1);
};

/** A root group linking `children` (name → message list) through version 2 object headers with `flags`. */
function tree(children: Record<string, Msg[]>, rootExtra: Msg[] = [], flags = 0x02): H5v2 & { root: number } {
  const h = new H5v2();
  const links = Object.entries(children).map(([name, msgs]) => hardLink(name, h.object(msgs, flags)));
  return Object.assign(h, { root: h.object([LINK_INFO, ...links, ...rootExtra], flags) });
}

describe('superblocks version 2 and 3 with version 2 object headers', () => {
  it('reads links and datasets through every chunk-size width and optional header field', () => {
    for (const flags of [0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x20, 0x36]) {
      for (const version of [2, 3]) {
        const h = tree({ d: dataset([4], COMPACT) }, [typedLink('s', 1, text('/d'))], flags);
        const result = scan(h.finish(h.root, { version }));
        expect([flags, version, result.verdict, result.format]).toEqual([flags, version, 'safe', 'hdf5']);
        expect(result.findings.map((f) => f.location)).toEqual(['x.h5: /s']);
      }
    }
  });

  it('notes a superblock extension and reads on', () => {
    const h = tree({ d: dataset([4], COMPACT) });
    expect(only(h.finish(h.root, { ext: 48 }))).toEqual([
      {
        severity: 'info',
        kind: 'unsupported',
        location: 'x.h5 (superblock)',
        sentence: 'The file has a superblock extension; the scanner does not need it and did not read it.',
      },
    ]);
  });

  it('notes a user block before the superblock and reads addresses from its base', () => {
    const h = tree({ d: dataset([4], COMPACT) });
    const file = h.finish(h.root);
    const shifted = new Uint8Array(512 + file.length);
    shifted.set(file, 512);
    shifted.set(le(512, 8), 512 + 12);
    expect(only(shifted)).toEqual([
      {
        severity: 'info',
        kind: 'unsupported',
        location: 'x.h5',
        sentence:
          'The file starts with a 512-byte user block before the HDF5 superblock; the scanner did not read the user block.',
      },
    ]);
  });

  it('refuses superblock versions past 3, odd field sizes and a file shorter than its end-of-file address', () => {
    const h = tree({});
    const file = h.finish(h.root);
    expect(refusal(h.finish(h.root, { version: 4 }))).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5',
      sentence: 'The HDF5 superblock is version 4; the scanner reads 0 to 3.',
    });
    expect(refusal(h.finish(h.root, { so: 3 }))?.sentence).toBe(
      'The superblock declares 3-byte offsets and 8-byte lengths.',
    );
    expect(refusal(h.finish(h.root, { eof: file.length + 1 }))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5 (superblock)',
      sentence: `The superblock says the file ends at byte ${file.length + 1}, but it has ${file.length} bytes (truncated).`,
    });
    expect(scan(h.finish(h.root, { eof: file.length })).verdict).toBe('safe');
    const empty = new H5v2();
    empty.add(new Array(8).fill(0));
    expect(refusal(empty.finish(48))?.sentence).toBe('No object header at byte 48.');
  });
});

describe('object headers', () => {
  /** A root whose header continues (message 0x10) into a block at the end holding `inBlock`. */
  function continued(block: (at: number) => number[]): Uint8Array {
    const h = new H5v2();
    const blockAt = h.bytes.length + ohdr([{ type: 0x10, data: new Array(16).fill(0) }]).length;
    const bytes = block(blockAt);
    h.object([{ type: 0x10, data: [...le(blockAt, 8), ...le(bytes.length, 8)] }]);
    h.add(bytes);
    return h.finish(48);
  }

  it('follows a continuation block (OCHK) and reads the links in it', () => {
    const inner = v2Messages([typedLink('s', 1, text('/elsewhere'))]);
    const file = continued(() => [...text('OCHK'), ...inner, 0, 0, 0, 0]);
    expect(only(file).map((f) => [f.kind, f.location, f.sentence])).toEqual([
      [
        'soft-link',
        'x.h5: /s',
        'The soft link points to "/elsewhere" in the same file; Keras refuses soft links, and the scanner did not follow it.',
      ],
    ]);
  });

  it('refuses a continuation without its signature and one that loops back', () => {
    expect(refusal(continued(() => [...text('XXXX'), 0, 0, 0, 0]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /',
      sentence: 'A continuation block lacks its OCHK signature.',
    });
    const loop = continued((at) => {
      const back = v2Messages([{ type: 0x10, data: [...le(at, 8), ...le(4 + 20 + 4, 8)] }]);
      return [...text('OCHK'), ...back, 0, 0, 0, 0];
    });
    expect(refusal(loop)?.sentence).toBe(
      'The object header continues into a block it already read (a loop).',
    );
  });

  it('skips a continuation with no address', () => {
    const h = new H5v2();
    h.object([{ type: 0x10, data: [...le(-1, 8), ...le(0, 8)] }, typedLink('s', 1, text('/d'))]);
    expect(only(h.finish(48)).map((f) => f.location)).toEqual(['x.h5: /s']);
  });

  it('refuses a message that runs past its block, and counts objects against the cap', () => {
    const h = new H5v2();
    const bad = ohdr([{ type: 1, data: [1, 2, 3, 4] }]);
    bad[4 + 1 + 1 + 4 + 1] = 5; // the message (after signature, version, flags, chunk size, type) claims 5 bytes of 4
    h.add(bad);
    expect(refusal(h.finish(48))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /',
      sentence: 'A header message (type 1) runs past its block.',
    });
    const two = tree({ d: dataset([4], COMPACT) });
    expect(scan(two.finish(two.root), 2).verdict).toBe('safe');
    expect(scan(two.finish(two.root), 1).findings).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: 'x.h5: /d',
        sentence: 'The file has more than 1 HDF5 objects, the cap.',
      },
    ]);
  });

  it('visits an object linked twice once', () => {
    const h = new H5v2();
    const child = h.object([stringAttribute('model_config', '{"class_name": "Lambda"}')]);
    const root = h.object([hardLink('a', child), hardLink('b', child)]);
    expect(scan(h.finish(root), 2).verdict).toBe('safe');
  });
});

describe('links', () => {
  const linked = (link: Msg) => {
    const h = new H5v2();
    return h.finish(h.object([link]));
  };

  it('reports external and user-defined links with what they name', () => {
    expect(only(linked(typedLink('e', 64, [0, ...text('other.h5'), 0, ...text('/p'), 0])))).toEqual([
      {
        severity: 'high',
        kind: 'external-link',
        location: 'x.h5: /e',
        sentence:
          'The external link points to "/p" in the file "other.h5"; opening it makes the HDF5 library read another file (Keras refuses external links).',
      },
    ]);
    expect(only(linked(typedLink('e', 64, [0, ...text('f')]))).map((f) => f.sentence)).toEqual([
      'The external link points to "" in the file "f"; opening it makes the HDF5 library read another file (Keras refuses external links).',
    ]);
    expect(only(linked(typedLink('u', 99, [1, 2])))).toEqual([
      {
        severity: 'high',
        kind: 'external-link',
        location: 'x.h5: /u',
        sentence:
          'The link has user-defined type 99, which the HDF5 library resolves through a plugin of the loading program.',
      },
    ]);
  });

  it('reads the optional creation order, character set and wider name lengths', () => {
    const name = text('s');
    const value = [...le(2, 2), ...text('/d')];
    for (const [flags, extra] of [
      [0x0c, [...le(7, 8)]],
      [0x18, [1]],
      [0x09, []],
      [0x0a, []],
      [0x0b, []],
    ] as [number, number[]][]) {
      const width = 1 << (flags & 3);
      const data = [1, flags, 1, ...extra, ...le(name.length, width), ...name, ...value];
      expect(only(linked({ type: 0x06, data })).map((f) => [flags, f.location])).toEqual([
        [flags, 'x.h5: /s'],
      ]);
    }
  });

  it('refuses a link whose name or value runs past its message, and a hard link with no target', () => {
    const long = { type: 0x06, data: [1, 0, 11, ...text('ab'), ...le(60, 8)] }; // 11 name bytes, 10 left
    expect(refusal(linked(long))?.sentence).toBe('A link name runs past its message.');
    const value = typedLink('s', 1, text('/d'));
    value.data[2 + 1 + 1 + 1] = 9; // the value's length: 9 bytes of 2
    expect(refusal(linked(value))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: //s',
      sentence: 'A link value runs past its message.',
    });
    expect(refusal(linked(hardLink('h', -1)))?.sentence).toBe('A hard link has no target.');
  });
});

describe('dense storage', () => {
  const withMessage = (msg: Msg) => {
    const h = new H5v2();
    return h.finish(h.object([msg]));
  };

  it('refuses attributes and links kept in a fractal heap, with or without the creation-order field', () => {
    const attrs =
      'The object keeps its attributes in dense (fractal heap) storage, which the scanner does not read; the file is refused rather than passed unread.';
    const links =
      'The group keeps its links in dense (fractal heap) storage, which the scanner does not read; the file is refused rather than passed unread.';
    expect(refusal(withMessage({ type: 0x15, data: [0, 0, ...le(100, 8), ...le(-1, 8)] }))).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5: /',
      sentence: attrs,
    });
    expect(
      refusal(withMessage({ type: 0x15, data: [0, 1, 0, 0, ...le(100, 8), ...le(-1, 8)] }))?.sentence,
    ).toBe(attrs);
    expect(refusal(withMessage({ type: 0x02, data: [0, 0, ...le(100, 8), ...le(-1, 8)] }))?.sentence).toBe(
      links,
    );
    expect(
      refusal(withMessage({ type: 0x02, data: [0, 1, ...le(0, 8), ...le(100, 8), ...le(-1, 8)] }))?.sentence,
    ).toBe(links);
  });

  it('reads on when the fractal heap address is undefined', () => {
    for (const msg of [
      { type: 0x15, data: [0, 0, ...le(-1, 8), ...le(100, 8)] },
      { type: 0x15, data: [0, 1, 5, 0, ...le(-1, 8), ...le(100, 8)] },
      { type: 0x02, data: [0, 0, ...le(-1, 8), ...le(100, 8)] },
      { type: 0x02, data: [0, 1, ...le(100, 8), ...le(-1, 8), ...le(100, 8)] },
    ]) {
      expect(scan(withMessage(msg)).verdict).toBe('safe');
    }
  });
});
