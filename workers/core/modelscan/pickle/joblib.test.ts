/**
 * joblib files (pickle/joblib.ts): arrays read past as joblib.load reads them, in every dtype, order and compression
 * joblib writes (scripts/fixtures/test-joblib-files.py), hostile calls after an array or inside an array of objects
 * found at the offsets their bytes give, and a program hidden in an array's bytes for pickle.load.
 */
import { describe, expect, it } from 'vitest';
import {
  assemble,
  dtypeOps,
  joblibBytesPickle,
  joblibRecordOps,
  type Op,
  systemCallPickle,
} from '../corpus/pickle';
import { scanModelFile } from '../scan';
import { arrayAfter } from './joblib';
import { MAX_KEPT, type Sym, scalar, setItems, tupleOf } from './sym';
import {
  HIDDEN_FROM_JOBLIB,
  HOSTILE_JOBLIB,
  type JoblibFile,
  PROTOCOL_0,
  SAFE_JOBLIB,
} from './test-joblib-files';

const bytesOf = (f: JoblibFile) => Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
const SYSTEM_WHY = 'unpickling imports it and can run commands, code or file and network access through it.';

describe('files joblib.dump wrote', () => {
  it.each(SAFE_JOBLIB.map((f) => [f.name, f] as const))(
    '%s: every array read past, nothing found',
    (_n, f) => {
      const result = scanModelFile('model.joblib', bytesOf(f));
      expect(result.findings).toEqual([]);
      expect(result.verdict).toBe('safe');
      expect(result.format).toBe('pickle');
    },
  );

  it.each(HOSTILE_JOBLIB.map((f) => [f.name, f] as const))(
    'os.system %s is critical, at its offsets',
    (_n, f) => {
      const result = scanModelFile('model.joblib', bytesOf(f));
      expect(result.verdict).toBe('unsafe');
      expect(result.findings).toEqual([
        {
          severity: 'critical',
          kind: 'pickle-call',
          location: `model.joblib, byte ${f.imports[0]}`,
          sentence: `The pickle imports posix.system (byte ${f.imports[0]}) and calls it (byte ${f.calls[0]}); ${SYSTEM_WHY}`,
          references: ['posix.system'],
        },
      ]);
    },
  );

  it('reports a program hidden in an array for pickle.load, which joblib.load reads as data', () => {
    const f = HIDDEN_FROM_JOBLIB;
    const result = scanModelFile('model.joblib', bytesOf(f));
    expect(result.verdict).toBe('unsafe');
    expect(result.findings).toEqual([
      {
        severity: 'critical',
        kind: 'pickle-call',
        location: `model.joblib read with pickle.load, not joblib.load, byte ${f.imports[0]}`,
        sentence: `The pickle imports posix.system (byte ${f.imports[0]}) and calls it (byte ${f.calls[0]}); ${SYSTEM_WHY}`,
        references: ['posix.system'],
      },
    ]);
  });

  it('reads protocol 0 records, made by copyreg._reconstructor, to the end', () => {
    const result = scanModelFile('model.joblib', bytesOf(PROTOCOL_0));
    // What protocol 0 needs for any object (copyreg._reconstructor(cls, object, None)), and nothing else.
    expect(result.findings.map((f) => f.references)).toEqual([
      ['copyreg._reconstructor'],
      ['builtins.object'],
    ]);
    expect(result.findings[0]?.location).toBe(`model.joblib, byte ${PROTOCOL_0.imports[0]}`);
  });

  it('never passes a file cut inside an array', () => {
    const bytes = bytesOf(SAFE_JOBLIB[0] as JoblibFile);
    for (let end = 1; end < bytes.length; end += 7) {
      expect(scanModelFile('cut.joblib', bytes.subarray(0, end)).verdict, `cut at ${end}`).not.toBe('safe');
    }
  });
});

const str = (v: string): Sym => ({ k: 'str', v });
const int = (v: number): Sym => ({ k: 'int', v });
const tuple = (...items: Sym[]): Sym => ({ k: 'tuple', items });
/** numpy.dtype(descr, False, True) with the state numpy pickles: (3, order, None, None, None, size, alignment, flags). */
const dtype = (descr: string, size = -1, flags = 0): Sym => ({
  k: 'made',
  by: 'numpy.dtype',
  args: tuple(str(descr), { k: 'other' }, { k: 'other' }),
  state: tuple(
    int(3),
    str('<'),
    { k: 'other' },
    { k: 'other' },
    { k: 'other' },
    int(size),
    int(-1),
    int(flags),
  ),
});
const wrapper = (entries: Record<string, Sym>): Sym => ({
  k: 'dict',
  entries: new Map(Object.entries(entries)),
});

describe('arrayAfter', () => {
  it('sizes fixed, flexible and structured dtypes by shape × item size', () => {
    const aligned = int(16);
    expect(
      arrayAfter(
        wrapper({ shape: tuple(int(3), int(4)), dtype: dtype('f8'), numpy_array_alignment_bytes: aligned }),
      ),
    ).toEqual({ kind: 'raw', bytes: 96, padded: true });
    expect(arrayAfter(wrapper({ shape: tuple(int(5)), dtype: dtype('b1') }))).toEqual({
      kind: 'raw',
      bytes: 5,
      padded: false,
    });
    expect(arrayAfter(wrapper({ shape: tuple(), dtype: dtype('c16') }))).toEqual({
      kind: 'raw',
      bytes: 16,
      padded: false,
    });
    // 'U5': 20 bytes an item, from the state; a record of (int32, float64): 12.
    expect(arrayAfter(wrapper({ shape: tuple(int(2)), dtype: dtype('U5', 20, 8) }))).toEqual({
      kind: 'raw',
      bytes: 40,
      padded: false,
    });
    expect(arrayAfter(wrapper({ shape: tuple(int(2)), dtype: dtype('V12', 12, 16) }))).toEqual({
      kind: 'raw',
      bytes: 24,
      padded: false,
    });
    expect(
      arrayAfter(
        wrapper({
          shape: tuple(int(0), int(7)),
          dtype: dtype('i8'),
          numpy_array_alignment_bytes: { k: 'other' },
        }),
      ),
    ).toEqual({ kind: 'raw', bytes: 0, padded: false });
  });

  it('takes an array of Python objects, or of records holding one, for a pickle', () => {
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('O8', -1, 63) }))).toEqual({
      kind: 'pickle',
    });
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('O8') }))).toEqual({ kind: 'pickle' });
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('V12', 12, 27) }))).toEqual({
      kind: 'pickle',
    });
  });

  it('keeps integers, empty tuples and dicts of the scalar opcodes, and string-keyed pairs of a dict', () => {
    expect(scalar('BININT2', 300, '')).toEqual({ k: 'int', v: 300 });
    expect(scalar('INT', 0, '-12')).toEqual({ k: 'int', v: -12 });
    for (const t of ['12x', 'x12', '', '1234567890123456'])
      expect(scalar('INT', 0, t)).toEqual({ k: 'other' });
    expect(scalar('FLOAT', 0, '3')).toEqual({ k: 'other' });
    expect(scalar('NONE', 0, '')).toEqual({ k: 'other' });
    expect(scalar('EMPTY_TUPLE', 0, '')).toEqual({ k: 'tuple', items: [] });
    const d: Sym = { k: 'dict', entries: new Map() };
    setItems(d, [str('a'), int(1), int(2), int(3), str('b')]);
    expect(d).toEqual({ k: 'dict', entries: new Map([['a', int(1)]]) });
  });

  it('keeps no tuple of more than 64 items, and no dict key past the 64th', () => {
    expect(MAX_KEPT).toBe(64);
    const items = Array.from({ length: 64 }, (_, i) => int(i));
    expect(tupleOf(items)).toEqual({ k: 'tuple', items });
    expect(tupleOf([...items, int(64)])).toEqual({ k: 'other' });
    const d: Sym = { k: 'dict', entries: new Map() };
    setItems(
      d,
      items.flatMap((v, i) => [str(`k${i}`), v]),
    );
    setItems(d, [str('k64'), int(64), str('k0'), int(-1)]);
    expect(d.k === 'dict' && [d.entries.size, d.entries.has('k64'), d.entries.get('k0')]).toEqual([
      64,
      false,
      int(-1),
    ]);
  });

  it('says why when it cannot tell where the data end', () => {
    const noDtype =
      'A joblib array record has a dtype the scanner cannot size, so it cannot tell where its data end.';
    const noShape =
      'A joblib array record has a shape the scanner cannot read, so it cannot tell where its data end.';
    expect(arrayAfter(wrapper({ shape: tuple(int(3)) }))).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('x9') }))).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('xf8') }))).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('f8x') }))).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(3)), dtype: dtype('V', 0) }))).toBe(noDtype);
    expect(
      arrayAfter(
        wrapper({ shape: tuple(int(3)), dtype: { k: 'made', by: 'evil.dtype', args: tuple(str('f8')) } }),
      ),
    ).toBe(noDtype);
    expect(
      arrayAfter(
        wrapper({ shape: tuple(int(3)), dtype: { k: 'made', by: 'numpy.dtype', args: tuple(int(8)) } }),
      ),
    ).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(-1)), dtype: dtype('f8') }))).toBe(noShape);
    expect(arrayAfter(wrapper({ shape: tuple(str('3')), dtype: dtype('f8') }))).toBe(noShape);
    expect(arrayAfter(wrapper({ shape: int(3), dtype: dtype('f8') }))).toBe(noShape);
    expect(arrayAfter({ k: 'other' })).toBe(noDtype);
    expect(arrayAfter(wrapper({ shape: tuple(int(2 ** 30), int(2 ** 30)), dtype: dtype('f8') }))).toBe(
      `A joblib array record claims ${2 ** 60} items of 8 bytes, more than any file holds.`,
    );
  });
});

/** A protocol 2 array record of two float64 values with `state` (the dict's opcodes), its 16 bytes, then `after`. */
function record(state: Op[], after: Op[] = [['STOP']]): Uint8Array {
  const head = assemble([['PROTO', 2], ...joblibRecordOps(2, 'f8').slice(0, 3), ...state, ['BUILD']]);
  return Uint8Array.from([...head, ...new Uint8Array(16).fill(0xfe), ...assemble(after)]);
}
const shape2: Op[] = [['STR', 'shape'], ['BININT', 2], ['TUPLE1']];
const dtypeKey: Op[] = [['STR', 'dtype'], ...dtypeOps('f8')];
const systemAfter: Op[] = [
  ['POP'],
  ['GLOBAL', 'os', 'system'],
  ['STR', 'id'],
  ['TUPLE1'],
  ['REDUCE'],
  ['STOP'],
];

describe('array records assembled by hand', () => {
  it('reads a state dict written with SETITEM, or with DICT, and sizes the array from it', () => {
    const bySetItem = record([['EMPTY_DICT'], ...shape2, ['SETITEM'], ...dtypeKey, ['SETITEM']], systemAfter);
    const byDict = record([['MARK'], ...shape2, ...dtypeKey, ['DICT']], systemAfter);
    for (const bytes of [bySetItem, byDict]) {
      // os.system after the 16 data bytes is read as an opcode only when the array was sized.
      expect(scanModelFile('r.joblib', bytes).findings.map((f) => f.references)).toEqual([['os.system']]);
    }
  });

  it("merges an array of objects' pickle into the file's: each import, a computed import, a pickle in bytes", () => {
    const head = assemble([['PROTO', 2], ...joblibRecordOps(2, 'O8')]);
    const inner = assemble([
      ['PROTO', 2],
      ['GLOBAL', 'os', 'system'],
      ['POP'],
      ['GLOBAL', 'os', 'system'],
      ['POP'],
      ['BININT', 1],
      ['STR', 's'],
      ['STACK_GLOBAL'],
      ['POP'],
      ['BYTES', systemCallPickle()],
      ['STOP'],
    ]);
    const bytes = Uint8Array.from([...head, ...inner, ...assemble([['STOP']])]);
    const at = head.length;
    const result = scanModelFile('o.joblib', bytes);
    // The two imports of os.system: after PROTO (2 bytes), and after the first GLOBAL line and a POP.
    const second = at + 2 + 'cos\nsystem\n'.length + 1;
    expect(result.findings.map((f) => f.sentence)).toContain(
      `The pickle imports os.system (bytes ${at + 2}, ${second}); ${SYSTEM_WHY}`,
    );
    const computed = result.findings.filter((f) => f.sentence.startsWith('STACK_GLOBAL'));
    expect(computed.map((f) => f.location)).toContain(`o.joblib, byte ${at + inner.indexOf(0x93)}`);
    expect(result.findings.some((f) => f.location.includes('pickle inside the byte string'))).toBe(true);
  });

  it('reports an unnamed call that only pickle.load reads, in an array', () => {
    const program = assemble([['BININT', 1], ['STR', 's'], ['STACK_GLOBAL'], ['STOP']]);
    const bytes = joblibBytesPickle(program);
    const found = scanModelFile('u.joblib', bytes).findings.filter((f) =>
      f.sentence.startsWith('STACK_GLOBAL'),
    );
    expect(found.map((f) => f.location)).toEqual([
      `u.joblib read with pickle.load, not joblib.load, byte ${bytes.length - 1 - program.length + program.indexOf(0x93)}`,
    ]);
  });

  it('refuses an array record whose shape has more dimensions than NumPy allows', () => {
    const shape = (dims: number): Op[] => [
      ['STR', 'shape'],
      ['MARK'],
      ...Array.from({ length: dims }, (): Op => ['BININT', 1]),
      ['TUPLE'],
    ];
    const sentences = (dims: number) =>
      scanModelFile(
        's.joblib',
        record([['EMPTY_DICT'], ...shape(dims), ['SETITEM'], ...dtypeKey, ['SETITEM']]),
      ).findings.map((f) => f.sentence);
    // 64 dimensions of 1 hold one float64 (8 bytes of the 16 written: the rest is no pickle), 65 are not read.
    expect(sentences(64)).not.toContain(
      'A joblib array record has a shape the scanner cannot read, so it cannot tell where its data end.',
    );
    expect(sentences(65)).toEqual([
      'A joblib array record has a shape the scanner cannot read, so it cannot tell where its data end.',
    ]);
  });

  it('takes copyreg._reconstructor of another class for no array record', () => {
    const state: Op[] = [['EMPTY_DICT'], ...shape2, ['SETITEM'], ...dtypeKey, ['SETITEM']];
    const reconstruct: Op[] = [
      ['GLOBAL', 'copy_reg', '_reconstructor'],
      ['GLOBAL', 'collections', 'OrderedDict'],
      ['GLOBAL', '__builtin__', 'object'],
      ['NONE'],
      ['TUPLE3'],
      ['REDUCE'],
    ];
    const bytes = assemble([['PROTO', 2], ...reconstruct, ...state, ['BUILD'], ...systemAfter]);
    // No 16 bytes skipped after BUILD: the call right after it is read.
    expect(scanModelFile('c.pkl', bytes).findings.map((f) => f.references?.[0])).toContain('os.system');
  });

  it('reports an unnamed call found before the first array once, though pickle.load reads it too', () => {
    const computed: Op[] = [['BININT', 1], ['STR', 's'], ['STACK_GLOBAL'], ['POP']];
    const program = assemble([['GLOBAL', 'os', 'system'], ['STR', 'id'], ['TUPLE1'], ['REDUCE'], ['STOP']]);
    const bytes = joblibBytesPickle(program, computed);
    const result = scanModelFile('h.joblib', bytes);
    expect(result.findings.filter((f) => f.sentence.startsWith('STACK_GLOBAL'))).toHaveLength(1);
    expect(result.findings.filter((f) => f.references?.[0] === 'os.system').map((f) => f.location)).toEqual([
      `h.joblib read with pickle.load, not joblib.load, byte ${bytes.length - 1 - program.length}`,
    ]);
  });
});
