import { describe, expect, it } from 'vitest';
import {
  attribute,
  dataset,
  FLOAT32,
  H5v2,
  hardLink,
  le,
  type Msg,
  refusalOf,
  malformed as refusedFor,
  rootOf,
  scanH5,
  space,
  stringAttribute,
  text,
  typedLink,
  v1header,
  v1msg,
} from './test-hdf5-v2';

/**
 * Hostile header messages (HDF5 File Format Specification 3.0, IV.A.2): fields the file ends in, declared against
 * stored sizes, shared datatypes chained, link and attribute values at their message's edge. Where a message must
 * end the file, it is the last message of a version 1 root header at 48, whose block starts at 64 and whose first
 * message's data at 72; offsets in the sentences are counted from there by hand.
 */

const scan = scanH5;
const last = refusalOf;
const malformed = (sentence: string, location = 'x.h5') => refusedFor(sentence, location);
/** A file whose root links `d`, an object of `messages`. */
function withObject(messages: (h: H5v2) => Msg[]): Uint8Array {
  const h = new H5v2();
  const d = h.object(messages(h));
  return h.finish(h.object([hardLink('d', d)]));
}
const compact16 = [3, 0, ...le(16, 2), ...new Array(16).fill(0)];
const pad8 = (data: number[]) => [...data, ...new Array((8 - (data.length % 8)) % 8).fill(0)];

describe('dataspaces', () => {
  it('counts no elements in a null dataspace, whatever dimensions it lists', () => {
    const nullSpace = [2, 1, 0, 2, ...le(2 ** 28, 8)];
    const bytes = withObject(() => [
      { type: 0x01, data: nullSpace },
      { type: 0x03, data: FLOAT32 },
      { type: 0x08, data: compact16 },
    ]);
    expect(scan(bytes).verdict).toBe('safe');
  });

  it('refuses dimensions past the message, and names a dimension the file ends in', () => {
    const short = withObject(() =>
      dataset([4], compact16).map((m) => (m.type === 1 ? { type: 1, data: [2, 2, 0, 1, ...le(4, 8)] } : m)),
    );
    expect(last(short)).toEqual(malformed('A dataspace runs past its message.', 'x.h5: /d'));
    // an attribute whose dataspace (rank 1, declared 12 bytes) ends the file 4 bytes into its dimension
    const name = [...text('a'), 0];
    const head = [3, 0, ...le(name.length, 2), ...le(FLOAT32.length, 2), ...le(12, 2), 0];
    const data = [...head, ...name, ...FLOAT32, 2, 1, 0, 1, 0, 0, 0, 0];
    const at = 72 + head.length + name.length + FLOAT32.length + 4;
    expect(last(rootOf(v1header(v1msg(0x0c, data))))).toEqual(
      malformed(`A dimension at byte ${at} needs 8 bytes, but only 4 remain.`),
    );
  });
});

describe('attribute refusals in full', () => {
  it('an attribute version past 3 is unsupported, a dataspace past the message malformed', () => {
    const attr = stringAttribute('a', 'v');
    const h = new H5v2();
    expect(last(h.finish(h.object([{ ...attr, data: [4, ...attr.data.slice(1)] }])))).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'x.h5: /',
      sentence: 'An attribute message is version 4.',
    });
    // the dataspace declared 8 bytes long where 4 (the scalar dataspace) and no value are left
    const short = { ...attr, data: [...attr.data.slice(0, 6), 8, 0, ...attr.data.slice(8, -1)] };
    const g = new H5v2();
    expect(last(g.finish(g.object([short])))).toEqual(
      malformed('Attribute "a" runs past its message.', 'x.h5: /'),
    );
  });
});

describe('attribute fields the file ends in', () => {
  const cut = (nameSize: number, rest: number[]) => {
    const head = [3, 0, ...le(nameSize, 2), ...le(FLOAT32.length, 2), ...le(4, 2), 0];
    return last(rootOf(v1header(v1msg(0x0c, [...head, ...rest]))));
  };
  it('the name, the datatype and its size', () => {
    expect(cut(100, text('a'))).toEqual(
      malformed('An attribute name at byte 81 needs 99 bytes, but only 1 remain.'),
    );
    expect(cut(2, [...text('a'), 0])).toEqual(
      malformed('A datatype at byte 83 needs 1 bytes, but only 0 remain.'),
    );
    expect(cut(2, [...text('a'), 0, 0x11, 0x20, 0x3f])).toEqual(
      malformed('A datatype size at byte 87 needs 4 bytes, but only 0 remain.'),
    );
  });
});

describe('variable-length strings only', () => {
  const notOne = {
    severity: 'high',
    kind: 'malformed',
    location: 'x.h5: / (attribute "model_config")',
    sentence: 'The attribute is not a single string, so the model config cannot be read.',
  };
  const config = (type: number[]) => {
    const h = new H5v2();
    const refs = [...le(0, 4), ...le(-1, 8), ...le(0, 4)]; // one empty variable-length reference
    return scan(h.finish(h.object([attribute('model_config', type, space([]), refs)]))).findings;
  };
  it('reads neither a variable-length sequence (class 9, type 0) nor an integer as strings', () => {
    expect(config([0x19, 0x00, 0, 0, ...le(16, 4), ...FLOAT32])).toEqual([notOne]);
    // an integer (class 0) whose second byte's low nibble is 1, the nibble that marks a string in class 9
    expect(config([0x10, 0x01, 0, 0, ...le(4, 4), ...le(0, 2), ...le(32, 2)])).toEqual([notOne]);
  });
});

describe('shared datatypes', () => {
  const shared = (at: number): Msg => ({ type: 0x03, flags: 0x02, data: [3, 2, ...le(at, 8)] });
  /** A dataset whose datatype is reached through `hops` shared references, the last to a float32. */
  const chain = (hops: number) =>
    withObject((h) => {
      let at = h.object([{ type: 0x03, data: FLOAT32 }]);
      for (let i = 1; i < hops; i++) at = h.object([shared(at)]);
      return [{ type: 0x01, data: space([4]) }, shared(at), { type: 0x08, data: compact16 }];
    });

  it('reads type 1 as the shared-message heap only in a version 3 reference', () => {
    // version 2 references carry a type byte too; only version 3 gave the value 1 a meaning
    const v2 = withObject((h) => {
      const at = h.object([{ type: 0x03, data: FLOAT32 }]);
      return [
        { type: 0x01, data: space([4]) },
        { type: 0x03, flags: 0x02, data: [2, 1, ...le(at, 8)] },
        { type: 0x08, data: compact16 },
      ];
    });
    expect(scan(v2).verdict).toBe('safe');
  });

  it('follows five references and refuses the sixth', () => {
    expect(scan(chain(5)).verdict).toBe('safe');
    expect(last(chain(6))).toEqual(malformed('Shared datatypes refer to each other in a loop.', 'x.h5: /d'));
  });

  it('refuses a reference without an address or a datatype, and names an address the file ends in', () => {
    const noAddress = withObject(() => [
      { type: 0x01, data: space([4]) },
      { type: 0x03, flags: 0x02, data: [3, 2, ...le(-1, 8)] },
      { type: 0x08, data: compact16 },
    ]);
    expect(last(noAddress)).toEqual(malformed('A shared datatype has no address.', 'x.h5: /d'));
    let target = 0;
    const empty = withObject((h) => {
      target = h.object([{ type: 0x01, data: space([1]) }]);
      return [{ type: 0x01, data: space([4]) }, shared(target), { type: 0x08, data: compact16 }];
    });
    expect(last(empty)).toEqual(
      malformed(`The committed datatype at byte ${target} has no datatype message.`, 'x.h5: /d'),
    );
    const body = [
      ...v1msg(0x01, pad8(space([4]))),
      ...v1msg(0x08, pad8(compact16)),
      ...v1msg(0x03, [3, 2], 0x02),
    ];
    expect(last(rootOf(v1header(body)))).toEqual(
      malformed(`A shared datatype address at byte ${64 + body.length} needs 8 bytes, but only 0 remain.`),
    );
  });

  it('names the attribute whose shared datatype has no address', () => {
    const name = [...text('a'), 0];
    const ref = [3, 2, ...le(-1, 8)];
    const attr = {
      type: 0x0c,
      data: [3, 0x01, ...le(2, 2), ...le(ref.length, 2), ...le(4, 2), 0, ...name, ...ref, ...space([])],
    };
    const h = new H5v2();
    expect(last(h.finish(h.object([attr])))).toEqual(
      malformed('A shared datatype has no address.', 'x.h5: / (attribute "a")'),
    );
  });
});

describe('data layouts', () => {
  it('reads no address in a version 1 compact layout', () => {
    // rank 0: the compact size (16) at + 8 and the data after it; read as an address these 8 bytes exceed 2^53
    const layout = [1, 0, 0, 0, 0, 0, 0, 0, ...le(16, 4), 0, 0, 0, 0x40, ...new Array(12).fill(0)];
    expect(scan(withObject(() => dataset([4], layout))).verdict).toBe('safe');
  });

  it('reads a version 4 chunked layout: dimension width at + 4, index type after the dimensions', () => {
    // flags 200 in the message prefix, just before the layout; 1 dimension of 4 bytes, index type 1 ending the file
    const layout = [4, 2, 0, 1, 4, ...le(4, 4), 1];
    const body = [
      ...v1msg(0x01, pad8(space([4]))),
      ...v1msg(0x03, pad8(FLOAT32)),
      ...v1msg(0x08, layout, 200),
    ];
    expect(scan(rootOf(v1header(body))).verdict).toBe('safe');
    // 255 dimensions of 255 bytes: the index type 65,030 bytes on, inside the file
    const wide = [4, 2, 0, 255, 255, 1];
    const far = [...v1msg(0x01, pad8(space([4]))), ...v1msg(0x03, pad8(FLOAT32)), ...v1msg(0x08, pad8(wide))];
    expect(scan(rootOf([...v1header(far), ...new Array(65_100).fill(0)])).verdict).toBe('safe');
  });
});

describe('links at the edge of their message', () => {
  it('names a name length or hard link address the file ends in', () => {
    // flags 0x01: a 2-byte name length, of which 1 byte is there
    expect(last(rootOf(v1header(v1msg(0x06, [1, 0x01, 5]))))).toEqual(
      malformed('A link name length at byte 74 needs 2 bytes, but only 1 remain.'),
    );
    // the name ends the message (and the file): the address would follow it
    expect(last(rootOf(v1header(v1msg(0x06, [1, 0, 1, ...text('l')]))))).toEqual(
      malformed('A hard link address at byte 76 needs 8 bytes, but only 0 remain.'),
    );
  });

  it('refuses a soft link value one byte past its message, and a hard link without a target, at the link', () => {
    // (a link of the root is located at "/" + "/" + its name, as structure.test.ts has it)
    const root = new H5v2();
    expect(last(root.finish(root.object([hardLink('h', -1)])))).toEqual(
      malformed('A hard link has no target.', 'x.h5: //h'),
    );
    const h = new H5v2();
    const over = typedLink('s', 1, text('ab'));
    over.data.splice(over.data.length - 4, 2, ...le(3, 2));
    expect(last(h.finish(h.object([over])))).toEqual(
      malformed('A link value runs past its message.', 'x.h5: //s'),
    );
  });

  it('reads an external link value no further than its message', () => {
    const h = new H5v2();
    // the value's path has no final NUL; the next message (an unknown type 0x17) follows at once
    const root = h.object([
      typedLink('e', 64, [0, ...text('f'), 0, ...text('p')]),
      { type: 0x17, data: [0x41, 0x42] },
    ]);
    expect(scan(h.finish(root)).findings.map((f) => f.sentence)).toEqual([
      'The external link points to "p" in the file "f"; opening it makes the HDF5 library read another file (Keras refuses external links).',
    ]);
  });
});
