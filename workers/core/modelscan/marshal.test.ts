/**
 * The marshal reader (marshal.ts) on code objects written byte by byte in CPython 3.11's layout (Python/marshal.c:
 * 'c', five int32 counts, co_code, co_consts, co_names, co_localsplusnames, co_localspluskinds, co_filename, co_name,
 * co_qualname, co_firstlineno, co_linetable, co_exceptiontable): every type code as a constant or a name, references
 * (FLAG_REF 0x80 and 'r'), the depth and object caps at their edges, and each payload no layout reads.
 */
import { describe, expect, it } from 'vitest';
import { listMarshalledCode } from './marshal';

type B = number[];
const i32 = (n: number): B => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const latin = (s: string): B => [...s].map((c) => c.charCodeAt(0));
/** 'z': a short Latin-1 string. */
const z = (s: string): B => [0x7a, s.length, ...latin(s)];
/** 's': bytes. */
const by = (data: B): B => [0x73, ...i32(data.length), ...data];
/** ')': a small tuple. */
const tup = (...items: B[]): B => [0x29, items.length, ...items.flat()];
const N: B = [0x4e];
const int = (n: number): B => [0x69, ...i32(n)];
const ref = (slot: number): B => [0x72, ...i32(slot)];

interface Parts {
  flag?: boolean;
  ints?: number[];
  code?: B;
  consts?: B;
  names?: B;
  plus?: B;
  kinds?: B;
  name?: B;
  after?: B[];
}
function code311(p: Parts = {}): B {
  return [
    p.flag ? 0xe3 : 0x63,
    ...(p.ints ?? [1, 0, 0, 4, 3]).flatMap(i32),
    ...(p.code ?? by([0x97, 0x00])),
    ...(p.consts ?? tup()),
    ...(p.names ?? tup()),
    ...(p.plus ?? tup(z('x'))),
    ...(p.kinds ?? by([0x26])),
    ...z('<stdin>'),
    ...(p.name ?? z('f')),
    ...z('f'),
    ...i32(1),
    ...(p.after ?? [by([]), by([])]).flat(),
  ];
}
const list = (p: Parts) => listMarshalledCode(Uint8Array.from(code311(p)));
const consts = (...items: B[]) => list({ consts: tup(...items) })?.code.consts;
const nameOf = (name: B) => list({ name })?.code.name;
/** `k` one-item tuples around `leaf`. */
const chain = (k: number, leaf: B): B => (k === 0 ? leaf : tup(chain(k - 1, leaf)));
/** `k` dicts around `leaf`, through their keys or their values ('{' key value … '0'). */
const dicts = (k: number, leaf: B, through: 'key' | 'value'): B =>
  k === 0
    ? leaf
    : [
        0x7b,
        ...(through === 'key'
          ? [...dicts(k - 1, leaf, through), ...N]
          : [...z('a'), ...dicts(k - 1, leaf, through)]),
        0x30,
      ];

describe('marshal constants', () => {
  it('lists every constant type a code object may hold, in order', () => {
    const f64 = [...new Uint8Array(new Float64Array([2.5]).buffer)];
    expect(
      consts(
        [0x46],
        [0x54],
        [0x53],
        [0x2e],
        N,
        [0x30],
        int(-5),
        [0x6c, ...i32(-3), 1, 0, 0, 0, 1, 0],
        [0x6c, ...i32(2), 0xff, 0x7f, 1, 0],
        [0x66, 3, ...latin('1.5')],
        [0x67, ...f64],
        [0x78, 3, ...latin('1.0'), 3, ...latin('2.0')],
        [0x79, ...new Array(16).fill(0)],
        by([1, 2]),
        [0x74, ...i32(2), 0xc3, 0xa9],
        [0x75, ...i32(1), 0x61],
        [0x61, ...i32(1), 0xe9],
        [0x41, ...i32(1), 0x62],
        [0x5a, 1, 0x63],
        [0x5b, ...i32(1), ...z('d')],
        [0x3c, ...i32(1), ...z('e')],
        [0x3e, ...i32(1), ...z('g')],
        [0x28, ...i32(1), ...z('h')],
        [0x7b, ...z('k'), ...int(7), 0x30],
        [0x3a, ...N, ...int(2), ...N],
      ),
    ).toEqual([
      'False',
      'True',
      '-5',
      // -(1 + 2^30): three 15-bit digits, the sign in the count.
      '-1073741825',
      // 0x7fff + 1 · 2^15.
      '65535',
      '1.5',
      '2.5',
      'complex(1.0, 2.0)',
      'complex',
      '"é"',
      '"a"',
      '"é"',
      '"b"',
      '"c"',
      '"d"',
      '"e"',
      '"g"',
      '"h"',
      '"k"',
      '7',
      '2',
    ]);
    const nested = list({ consts: tup(code311({ names: tup(z('system')), consts: tup(z('os')) })) });
    expect(nested?.code.nested).toEqual([{ name: 'f', names: ['system'], consts: ['"os"'], nested: [] }]);
    expect(list({ names: tup(z('a'), [0x74, ...i32(1), 0x62]) })?.code.names).toEqual(['a', 'b']);
  });

  it('names the code object by whatever co_name holds', () => {
    expect(nameOf(N)).toBe('None');
    expect(nameOf([0x53])).toBe('StopIteration');
    expect(nameOf([0x2e])).toBe('Ellipsis');
    expect(nameOf([0x46])).toBe('False');
    expect(nameOf([0x54])).toBe('True');
    expect(nameOf(int(7))).toBe('7');
    expect(nameOf(tup())).toBe('?');
    expect(list({})).toEqual({
      python: '3.11 or later',
      code: { name: 'f', names: [], consts: [], nested: [] },
    });
  });

  it('follows references to flagged objects, and a reference to one still being read is a placeholder', () => {
    expect(consts([0xfa, 2, ...latin('os')], ref(0))).toEqual(['"os"', '"os"']);
    expect(consts([0xfa, 1, 0x61], [0xfa, 1, 0x62], z('c'), ref(1))).toEqual(['"a"', '"b"', '"c"', '"b"']);
    expect(list({ flag: true, name: ref(0) })?.code.name).toBe('…');
    expect(list({ flag: true, consts: tup(ref(0)) })?.code.consts).toEqual([]);
    expect(consts([0xfa, 1, 0x61], ref(1))).toBeUndefined();
    expect(consts([0xfa, 1, 0x61], ref(-1))).toBeUndefined();
  });
});

describe('marshal limits and refusals', () => {
  it('reads 64 levels deep and no deeper, through tuples, dict keys and values, and the fields after co_name', () => {
    // co_consts is read at depth 1, so its item inside k one-item tuples at depth k + 2.
    expect(consts(chain(62, N))).toEqual([]);
    expect(consts(chain(63, N))).toBeUndefined();
    expect(consts(dicts(62, N, 'value'))).toEqual(new Array(62).fill('"a"'));
    expect(consts(dicts(63, N, 'value'))).toBeUndefined();
    expect(consts(dicts(62, N, 'key'))).toEqual([]);
    expect(consts(dicts(63, N, 'key'))).toBeUndefined();
    // The exception table is read at depth 1 itself.
    expect(list({ after: [by([]), chain(63, N)] })).not.toBeNull();
    expect(list({ after: [by([]), chain(64, N)] })).toBeNull();
  });

  it('reads 200,000 objects and no more', () => {
    // The code object and its fields are 12 objects beside the list's items.
    const many = (n: number) => list({ consts: [0x5b, ...i32(n), ...new Array(n).fill(0x4e)] });
    expect(many(199_988)).not.toBeNull();
    expect(many(199_989)).toBeNull();
  });

  it('refuses lengths and counts that cannot be, and takes a tuple that ends exactly at the end', () => {
    expect(consts([0x28, ...i32(-1)])).toBeUndefined();
    expect(consts([0x28, ...i32(1000)])).toBeUndefined();
    expect(consts(by([]).map((b, i) => (i === 4 ? 0xff : b)))).toBeUndefined();
    expect(list({ after: [by([]), tup(N)] })).not.toBeNull();
    expect(list({ ints: [-1, 0, 0, 4, 3] })).toBeNull();
    expect(list({ ints: [1, 0, -1, 4, 3] })).toBeNull();
    expect(list({ ints: [0x10000, 0, 0, 4, 3] })).toBeNull();
    expect(list({ ints: [0xffff, 0, 0, 4, 3] })).not.toBeNull();
  });

  it('reads a long of 100,000 digits and no more, and dicts of no pair or several', () => {
    const long = (digits: number) => [0x6c, ...i32(digits), ...new Array(2 * digits).fill(0)];
    expect(consts(long(100_000))).toEqual(['0']);
    expect(consts(long(100_001))).toBeUndefined();
    expect(consts([0x7b, 0x30], z('x'))).toEqual(['"x"']);
    expect(consts([0x7b, ...z('a'), ...int(1), ...z('b'), ...int(2), 0x30])).toEqual([
      '"a"',
      '1',
      '"b"',
      '2',
    ]);
  });

  it('refuses a code object whose fields have the wrong types', () => {
    expect(list({ names: z('') })).toBeNull();
    expect(list({ kinds: N })).toBeNull();
    expect(list({ kinds: tup() })).toBeNull();
    expect(list({ plus: N })).toBeNull();
    expect(list({ code: tup() })).toBeNull();
    expect(list({ code: z('x') })).toBeNull();
    expect(list({ names: N })).toBeNull();
    expect(list({ consts: N })).toBeNull();
    expect(list({ names: tup(int(1)) })).toBeNull();
  });

  it('reads a whole payload or nothing: unknown types, a trailing byte, a value that is no code object', () => {
    expect(consts([0x51])).toBeUndefined();
    expect(listMarshalledCode(Uint8Array.from([...code311(), 0x4e]))).toBeNull();
    expect(listMarshalledCode(Uint8Array.from(N))).toBeNull();
    expect(listMarshalledCode(Uint8Array.from(code311()).subarray(0, 40))).toBeNull();
  });
});
