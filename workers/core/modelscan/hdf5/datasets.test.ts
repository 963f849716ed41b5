import { describe, expect, it } from 'vitest';
import { scanModelFile } from '../scan';
import { dataset, FLOAT32, H5v2, hardLink, le, type Msg, space, stringAttribute, text } from './test-hdf5-v2';

const BOMB = 'a shape or decompression bomb.';

/** The scan of a file whose root links one object `d` made of `messages` (built after `before` adds its bytes). */
function withObject(messages: (h: H5v2) => Msg[], rootExtra: Msg[] = []) {
  const h = new H5v2();
  const d = h.object(messages(h));
  const bytes = h.finish(h.object([hardLink('d', d), ...rootExtra]));
  return { result: scanModelFile('x.h5', bytes), length: bytes.length };
}
const last = (messages: (h: H5v2) => Msg[]) => withObject(messages).result.findings.at(-1);
const sentence = (messages: (h: H5v2) => Msg[]) => last(messages)?.sentence;

/** A version 3 layout of class 1 (contiguous) at `address` holding `size` bytes. */
const contiguous = (address: number, size: number) => [3, 1, ...le(address, 8), ...le(size, 8)];
const compact = (size: number) => [3, 0, ...le(size, 2), ...new Array(size).fill(0)];

describe('declared sizes against stored bytes', () => {
  it('refuses a compact dataset declaring far more than it stores, and passes 64 MiB', () => {
    expect(last(() => dataset([2 ** 28], compact(16)))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'x.h5: /d',
      sentence: `The dataset declares 1.0 GiB but the file stores 16 bytes for it, ${BOMB}`,
    });
    expect(withObject(() => dataset([2 ** 24], compact(16))).result.verdict).toBe('safe');
    expect(withObject(() => dataset([2 ** 24 + 1], compact(16))).result.verdict).toBe('refused');
  });

  it('compares with 1000 times what is stored (at least one byte)', () => {
    // 2^25 float32 = 134,217,728 bytes: 134,218 stored bytes cover a thousandth of it, 134,217 do not.
    const stored = (n: number) => (h: H5v2) => dataset([2 ** 25], contiguous(h.add(new Array(n).fill(0)), n));
    expect(withObject(stored(134_218)).result.verdict).toBe('safe');
    expect(sentence(stored(134_217))).toBe(
      `The dataset declares 128.0 MiB but the file stores 131.1 KiB for it, ${BOMB}`,
    );
    expect(sentence(() => dataset([2 ** 25], contiguous(-1, 0)))).toBe(
      `The dataset declares 128.0 MiB but the file stores 0 bytes for it, ${BOMB}`,
    );
    expect(sentence(() => dataset([2 ** 25], compact(0)))).toBe(
      `The dataset declares 128.0 MiB but the file stores 0 bytes for it, ${BOMB}`,
    );
  });

  it('names a size past 2^53 and an undefined dimension', () => {
    const huge = { type: 0x01, data: [2, 2, 0, 1, ...le(2 ** 40, 8), ...le(2 ** 40, 8)] };
    expect(sentence(() => [huge, { type: 0x03, data: FLOAT32 }, { type: 0x08, data: compact(16) }])).toBe(
      `The dataset declares more than 2^53 bytes but the file stores 16 bytes for it, ${BOMB}`,
    );
    const undefinedDim = { type: 0x01, data: [2, 1, 0, 1, ...le(-1, 8)] };
    expect(
      sentence(() => [undefinedDim, { type: 0x03, data: FLOAT32 }, { type: 0x08, data: compact(16) }]),
    ).toBe(`The dataset declares more than 2^53 bytes but the file stores 16 bytes for it, ${BOMB}`);
    expect(withObject(() => dataset(null, compact(0))).result.verdict).toBe('safe');
  });

  it('refuses contiguous data that runs past the end of the file, and takes the file size for a v4 chunk index', () => {
    const past = withObject((h) => dataset([1024], contiguous(h.bytes.length + 40, 4096)));
    expect(past.result.findings.at(-1)?.sentence).toBe(
      `The dataset's 4.0 KiB of data at byte ${48 + 40} run past the end of the file (${past.length} bytes).`,
    );
    const chunked4 = (shape: number) => () => dataset([shape], [4, 2, 0, 1, 8, ...le(1, 8), 1, 0, 0, 0]);
    const small = withObject(chunked4(16)).result;
    expect(small.verdict).toBe('safe');
    expect(withObject(chunked4(2 ** 28)).result.findings.at(-1)?.sentence).toMatch(
      /^The dataset declares 1\.0 GiB but the file stores \d+ bytes for it/,
    );
  });

  it('reports external storage and virtual datasets without reading their layout', () => {
    expect(last(() => dataset([4], [9], [{ type: 0x07, data: [1, 0, 0, 0] }]))).toEqual({
      severity: 'high',
      kind: 'external-storage',
      location: 'x.h5: /d',
      sentence:
        'The dataset keeps its data in external files named in the file; reading it makes the HDF5 library open those files (Keras refuses external datasets).',
    });
    expect(last(() => dataset([2 ** 30], [4, 3, ...le(-1, 8), 0, 0, 0, 0]))).toEqual({
      severity: 'high',
      kind: 'virtual-dataset',
      location: 'x.h5: /d',
      sentence:
        'The dataset is virtual: its data is mapped from other datasets, possibly in other files, which the HDF5 library opens when it is read (Keras refuses virtual datasets).',
    });
  });

  it('refuses a dataset without its dataspace or datatype', () => {
    const lacks = 'The dataset lacks its dataspace or datatype message.';
    expect(
      sentence(() => [
        { type: 0x03, data: FLOAT32 },
        { type: 0x08, data: compact(4) },
      ]),
    ).toBe(lacks);
    expect(
      sentence(() => [
        { type: 0x01, data: space([1]) },
        { type: 0x08, data: compact(4) },
      ]),
    ).toBe(lacks);
  });
});

describe('layout messages', () => {
  /** A version 1 or 2 layout: version, rank, class, five reserved bytes, then the class's fields. */
  const old = (version: number, cls: number, fields: number[]) => [version, 2, cls, 0, 0, 0, 0, 0, ...fields];

  it('reads compact, contiguous and chunked layouts of versions 1 and 2', () => {
    for (const version of [1, 2]) {
      // compact: two dimension sizes, then the stored size
      const c = sentence(() => dataset([2 ** 28], old(version, 0, [...le(1, 4), ...le(4, 4), ...le(16, 4)])));
      expect(c).toBe(`The dataset declares 1.0 GiB but the file stores 16 bytes for it, ${BOMB}`);
      // contiguous: an address, then dimension sizes whose product is the stored size (4 × 8)
      const d = sentence(() => dataset([2 ** 28], old(version, 1, [...le(-1, 8), ...le(4, 4), ...le(8, 4)])));
      expect(d).toBe(`The dataset declares 1.0 GiB but the file stores 0 bytes for it, ${BOMB}`);
      const e = sentence((h) =>
        dataset(
          [2 ** 28],
          old(version, 1, [...le(h.add(new Array(32).fill(0)), 8), ...le(4, 4), ...le(8, 4)]),
        ),
      );
      expect(e).toBe(`The dataset declares 1.0 GiB but the file stores 32 bytes for it, ${BOMB}`);
      const f = withObject(() =>
        dataset([2 ** 28], old(version, 2, [...le(-1, 8), ...le(1, 4), ...le(4, 4)])),
      );
      expect(f.result.findings.at(-1)?.sentence).toBe(
        `The dataset declares 1.0 GiB but the file stores ${f.length} bytes for it, ${BOMB}`,
      );
    }
  });

  it('refuses layout versions and classes it does not know', () => {
    expect(last(() => dataset([4], [5, 1]))).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5: /d',
      sentence: 'A data layout message is version 5.',
    });
    expect(sentence(() => dataset([4], [0, 1]))).toBe('A data layout message is version 0.');
    expect(last(() => dataset([4], [3, 4]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /d',
      sentence: 'A data layout has class 4.',
    });
  });
});

describe('dataspaces', () => {
  const withSpace = (data: number[]) => () => [
    { type: 0x01, data },
    { type: 0x03, data: FLOAT32 },
    { type: 0x08, data: compact(16) },
  ];

  it('reads version 1 dataspaces and maximum dimensions', () => {
    expect(sentence(withSpace([1, 1, 0, 0, 0, 0, 0, 0, ...le(2 ** 28, 8)]))).toContain('declares 1.0 GiB');
    expect(sentence(withSpace([2, 1, 1, 1, ...le(2 ** 28, 8), ...le(-1, 8)]))).toContain('declares 1.0 GiB');
    expect(withObject(withSpace([2, 0, 0, 0])).result.verdict).toBe('safe');
  });

  it('refuses a rank over 32, an unknown version and dimensions past the message', () => {
    expect(last(withSpace([2, 33, 0, 1]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: /d',
      sentence: 'A dataspace has rank 33; HDF5 allows 32.',
    });
    expect(last(withSpace([3, 1, 0, 1, ...le(4, 8)]))?.kind).toBe('unsupported');
    expect(sentence(withSpace([3, 1, 0, 1, ...le(4, 8)]))).toBe('A dataspace message is version 3.');
    expect(sentence(withSpace([2, 1, 0, 1, 0, 0, 0, 0]))).toBe('A dataspace runs past its message.');
    expect(sentence(withSpace([2, 1, 1, 1, ...le(4, 8)]))).toBe('A dataspace runs past its message.');
    expect(withObject(withSpace([2, 32, 0, 1, ...new Array(32 * 8).fill(0)])).result.verdict).toBe('safe');
  });
});

describe('shared (committed) datatypes', () => {
  const shared = (data: number[]): Msg => ({ type: 0x03, flags: 0x02, data });
  const using = (typeAt: (h: H5v2) => Msg) => (h: H5v2) => [
    { type: 0x01, data: space([2 ** 28]) },
    typeAt(h),
    { type: 0x08, data: compact(16) },
  ];

  it('resolves a committed datatype through its object header, in both reference layouts', () => {
    const v3 = using((h) => shared([3, 2, ...le(h.object([{ type: 0x03, data: FLOAT32 }]), 8)]));
    expect(sentence(v3)).toBe(`The dataset declares 1.0 GiB but the file stores 16 bytes for it, ${BOMB}`);
    const v1 = using((h) =>
      shared([1, 0, 0, 0, 0, 0, 0, 0, ...le(h.object([{ type: 0x03, data: FLOAT32 }]), 8)]),
    );
    expect(sentence(v1)).toContain('declares 1.0 GiB');
  });

  it('refuses the shared-message heap, a missing address, a header without a datatype and a loop', () => {
    expect(last(using(() => shared([3, 1, ...le(0, 8)])))).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5: /d',
      sentence: 'A datatype is kept in the shared-message heap, which the scanner does not read.',
    });
    expect(sentence(using(() => shared([2, 0, ...le(-1, 8)])))).toBe('A shared datatype has no address.');
    const empty = using((h) => {
      const at = h.object([{ type: 0x01, data: space([1]) }]);
      return shared([3, 2, ...le(at, 8)]);
    });
    expect(sentence(empty)).toMatch(/^The committed datatype at byte \d+ has no datatype message\.$/);
    const loop = using((h) => {
      const at = h.bytes.length;
      h.object([shared([3, 2, ...le(at, 8)])]);
      return shared([3, 2, ...le(at, 8)]);
    });
    expect(sentence(loop)).toBe('Shared datatypes refer to each other in a loop.');
  });
});

describe('attributes and the Keras config of a legacy .h5', () => {
  const LAMBDA = '{"class_name": "Lambda", "config": {"name": "l", "function": "f"}}';
  const rootWith = (attrs: Msg[]) => {
    const h = new H5v2();
    return scanModelFile('x.h5', h.finish(h.object(attrs)));
  };

  it('walks model_config and training_config at the root only', () => {
    for (const name of ['model_config', 'training_config']) {
      const result = rootWith([stringAttribute(name, LAMBDA)]);
      expect([result.format, result.findings.map((f) => [f.kind, f.location])]).toEqual([
        'keras-h5',
        [['lambda', `x.h5: / (attribute "${name}"): (root)`]],
      ]);
    }
    const other = rootWith([stringAttribute('other_config', LAMBDA)]);
    expect([other.format, other.verdict]).toEqual(['hdf5', 'safe']);
    const h = new H5v2();
    const child = h.object([stringAttribute('model_config', LAMBDA)]);
    const nested = scanModelFile('x.h5', h.finish(h.object([hardLink('g', child)])));
    expect([nested.format, nested.verdict]).toEqual(['hdf5', 'safe']);
  });

  it('refuses a model_config that is not one string', () => {
    const not = {
      severity: 'high',
      kind: 'malformed',
      location: 'x.h5: / (attribute "model_config")',
      sentence: 'The attribute is not a single string, so the model config cannot be read.',
    };
    expect(rootWith([stringAttribute('model_config', '{}', 2)]).findings).toEqual([not]);
    const nameBytes = [...text('model_config'), 0];
    const number = [3, 0, ...le(nameBytes.length, 2), ...le(FLOAT32.length, 2), ...le(4, 2), 0, ...nameBytes];
    const attr = { type: 0x0c, data: [...number, ...FLOAT32, ...space([]), 0, 0, 0, 0] };
    expect(rootWith([attr]).findings).toEqual([not]);
  });

  it('refuses attribute versions, shared dataspaces and attributes that run past their message', () => {
    const attr = stringAttribute('a', 'v');
    const versioned = (version: number) => ({ ...attr, data: [version, ...attr.data.slice(1)] });
    expect(rootWith([versioned(4)]).findings.at(-1)?.sentence).toBe('An attribute message is version 4.');
    expect(rootWith([versioned(0)]).findings.at(-1)?.sentence).toBe('An attribute message is version 0.');
    expect(rootWith([{ ...attr, data: [3, 2, ...attr.data.slice(2)] }]).findings.at(-1)).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5: /',
      sentence: 'Attribute "a" has a shared dataspace, which the scanner does not read.',
    });
    expect(rootWith([{ ...attr, data: attr.data.slice(0, -1) }]).verdict).toBe('safe');
    // The dataspace claims 8 bytes where the message has 4 left (the scalar dataspace, then the value ends).
    const short = { ...attr, data: [...attr.data.slice(0, 6), 8, 0, ...attr.data.slice(8, -1)] };
    expect(rootWith([short]).findings.at(-1)?.sentence).toBe('Attribute "a" runs past its message.');
  });

  it('reads a version 2 attribute (no padding, no encoding byte)', () => {
    const v3 = stringAttribute('model_config', LAMBDA);
    const v2 = { ...v3, data: [2, ...v3.data.slice(1, 8), ...v3.data.slice(9)] };
    expect(rootWith([v2]).findings.map((f) => f.kind)).toEqual(['lambda']);
  });
});
