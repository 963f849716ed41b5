import { describe, expect, it } from 'vitest';
import { assemble, type Op } from '../corpus/pickle';
import type { Finding } from '../types';
import { cat, only, scan } from './test-helpers';

// What the symbolic pickle machine reports for each way a pickle can import and call, and where it looks for
// pickles (one after another, inside byte strings).
// Offsets are counted by hand from the opcodes' lengths (PROTO 2 bytes, GLOBAL 1 + its two lines, SHORT_BINUNICODE
// 2 + length, one-byte opcodes 1) or taken from the length of the bytes the test itself assembled.

const RUNS = 'unpickling imports it and can run commands, code or file and network access through it';
const NOT_ALLOWED =
  'it is not a data-only constructor on the allowlist, so loading imports its module and runs its code';

describe('how a global is used', () => {
  it('an import alone of a module outside the allowlist is high, not critical, and says it is not allowed', () => {
    // PROTO at bytes 0–1, GLOBAL from byte 2.
    const f = only(assemble([['PROTO', 2], ['GLOBAL', 'mymodule', 'Model'], ['STOP']]));
    expect(f).toEqual({
      severity: 'high',
      kind: 'pickle-global',
      location: 'p.pkl, byte 2',
      sentence: `The pickle imports mymodule.Model (byte 2); ${NOT_ALLOWED}.`,
      references: ['mymodule.Model'],
    });
  });

  it('BUILD on an imported global says it sets state on what it makes', () => {
    // GLOBAL 2–14 ("c" "mymod\n" "Model\n"), EMPTY_DICT 15, BUILD 16.
    const f = only(
      assemble([['PROTO', 2], ['GLOBAL', 'mymod', 'Model'], ['EMPTY_DICT'], ['BUILD'], ['STOP']]),
    );
    expect(f.kind).toBe('pickle-global');
    expect(f.sentence).toBe(
      `The pickle imports mymod.Model (byte 2) and sets state on what it makes (byte 16); ${NOT_ALLOWED}.`,
    );
  });

  it('a call through REDUCE, NEWOBJ, NEWOBJ_EX, OBJ and INST is a pickle-call at the calling opcode', () => {
    const head: Op[] = [
      ['PROTO', 2],
      ['GLOBAL', 'os', 'system'],
    ]; // GLOBAL 2–12, then STR "id" 13–16
    const cases: [string, Uint8Array, number][] = [
      ['REDUCE', assemble([...head, ['STR', 'id'], ['TUPLE1'], ['REDUCE'], ['STOP']]), 18],
      ['NEWOBJ', assemble([...head, ['EMPTY_TUPLE'], ['NEWOBJ'], ['STOP']]), 14],
      [
        'NEWOBJ_EX',
        cat(assemble([...head, ['EMPTY_TUPLE'], ['EMPTY_DICT']]), [0x92], assemble([['STOP']])),
        15,
      ],
      [
        'OBJ',
        assemble([['PROTO', 2], ['MARK'], ['GLOBAL', 'os', 'system'], ['STR', 'id'], ['OBJ'], ['STOP']]),
        18,
      ],
    ];
    for (const [op, bytes, at] of cases) {
      const f = only(bytes);
      expect(f.severity, op).toBe('critical');
      expect(f.kind, op).toBe('pickle-call');
      expect(f.sentence, op).toBe(
        `The pickle imports os.system (byte ${op === 'OBJ' ? 3 : 2}) and calls it (byte ${at}); ${RUNS}.`,
      );
    }
    // Protocol 0 INST: MARK 0, SHORT_BINUNICODE 1–4, INST 5 imports and calls in one opcode.
    const inst = only(assemble([['MARK'], ['STR', 'id'], ['INST', 'os', 'system'], ['STOP']]));
    expect(inst.sentence).toBe(`The pickle imports os.system (byte 5) and calls it (byte 5); ${RUNS}.`);
  });

  it('lists every call offset up to five, and the imports as a list', () => {
    // GLOBAL 2–12, five DUPs 13–17; then six calls of 6 bytes each (STR "x" 3, TUPLE1, REDUCE, POP).
    const ops: Op[] = [
      ['PROTO', 2],
      ['GLOBAL', 'os', 'system'],
    ];
    for (let i = 0; i < 5; i++) ops.push(['DUP']);
    for (let i = 0; i < 6; i++) ops.push(['STR', 'x'], ['TUPLE1'], ['REDUCE'], ['POP']);
    ops.push(['GLOBAL', 'os', 'system'], ['STOP']);
    const f = only(assemble(ops));
    // The first REDUCE is at 18 + 4 = 22, then every 6 bytes; the second GLOBAL at 18 + 36 = 54.
    expect(f.sentence).toBe(
      `The pickle imports os.system (bytes 2, 54) and calls it (bytes 22, 28, 34, 40, 46); ${RUNS}.`,
    );
    expect(f.location).toBe('p.pkl, byte 2');
  });

  it('a call on a value built while loading names that value', () => {
    const called = (value: Op[], sentenceValue: string) => {
      const bytes = assemble([['PROTO', 2], ...value, ['EMPTY_TUPLE'], ['REDUCE'], ['STOP']]);
      const at = bytes.length - 2;
      expect(only(bytes)).toEqual({
        severity: 'critical',
        kind: 'pickle-call',
        location: `p.pkl, byte ${at}`,
        sentence: `REDUCE at byte ${at} calls a value built while loading (${sentenceValue}), not a named global, so the scanner cannot tell what runs.`,
      });
    };
    called([['STR', 'posix\u202esystem']], 'the string "posix\\u202esystem"');
    called([['BYTES', new Uint8Array([1, 2])]], 'a byte string');
    called([['NONE']], 'a value the scanner does not track');
  });

  it('a call on what a global made names the global', () => {
    // GLOBAL 2–26 ("c" "collections\n" "OrderedDict\n"), EMPTY_TUPLE 27, REDUCE 28, EMPTY_TUPLE 29, REDUCE 30.
    const bytes = assemble([
      ['PROTO', 2],
      ['GLOBAL', 'collections', 'OrderedDict'],
      ['EMPTY_TUPLE'],
      ['REDUCE'],
      ['EMPTY_TUPLE'],
      ['REDUCE'],
      ['STOP'],
    ]);
    expect(only(bytes).sentence).toBe(
      'REDUCE at byte 30 calls a value built while loading (an object made by collections.OrderedDict), not a named global, so the scanner cannot tell what runs.',
    );
  });

  it('STACK_GLOBAL on values the scanner cannot name is reported with both values', () => {
    // GLOBAL 2–15 ("c" "builtins\n" "str\n"), STR 16–23 ("system"), STACK_GLOBAL 24.
    const bytes = assemble([
      ['PROTO', 4],
      ['GLOBAL', 'builtins', 'str'],
      ['STR', 'system'],
      ['STACK_GLOBAL'],
      ['STOP'],
    ]);
    const findings = scan(bytes).findings;
    // builtins.str alone is a plain type (allowed); importing through it is what is critical.
    expect(findings.map((f) => [f.severity, f.kind, f.location])).toEqual([
      ['critical', 'pickle-call', 'p.pkl, byte 24'],
    ]);
    expect(findings[0]?.sentence).toBe(
      'STACK_GLOBAL at byte 24 imports a module and name taken from values built while loading (the global builtins.str, the string "system"), so the scanner cannot tell what it imports.',
    );
  });

  it('extension codes name the code and the registry', () => {
    const ext = (bytes: number[], op: string, code: number) => {
      // The call on what the code maps to is a second finding (a value the scanner does not track).
      const { findings } = scan(
        cat([0x80, 2], bytes, assemble([['STR', 'id'], ['TUPLE1'], ['REDUCE'], ['STOP']])),
      );
      expect(findings.map((f) => f.kind)).toEqual(['pickle-call', 'pickle-call']);
      const f = findings[0] as Finding;
      expect(f.severity).toBe('critical');
      expect(f.location).toBe('p.pkl, byte 2');
      expect(f.sentence).toBe(
        `${op} at byte 2 imports whatever copyreg's extension registry maps code ${code} to when the file is loaded, which the file does not say.`,
      );
    };
    ext([0x82, 7], 'EXT1', 7);
    ext([0x83, 0x01, 0x02], 'EXT2', 513);
    ext([0x84, 0x01, 0x00, 0x01, 0x00], 'EXT4', 65537);
  });

  it('protocol 0 quoted STRING names resolve through STACK_GLOBAL; escaped ones are not trusted', () => {
    const viaString = (module: string) =>
      scan(
        cat(
          [0x80, 4, 0x53],
          new TextEncoder().encode(`${module}\n`),
          assemble([['STR', 'system'], ['STACK_GLOBAL'], ['STOP']]),
        ),
      ).findings;
    expect(viaString("'os'")[0]?.references).toEqual(['os.system']);
    expect(viaString('"os"')[0]?.references).toEqual(['os.system']);
    const escaped = viaString("'o\\x73'");
    expect(escaped.map((f) => f.kind)).toEqual(['pickle-call']);
    expect(escaped[0]?.sentence).toContain('(a value the scanner does not track, the string "system")');
    expect(viaString('\'os"')[0]?.sentence).toContain('(a value the scanner does not track,');
  });

  it('Python 2 module names map to Python 3 names', () => {
    const ref = (module: string) =>
      only(assemble([['PROTO', 2], ['GLOBAL', module, 'x'], ['STOP']])).references;
    expect(ref('__builtin__')).toEqual(['builtins.x']);
    expect(ref('copy_reg')).toEqual(['copyreg.x']);
    expect(ref('exceptions')).toEqual(['builtins.x']);
  });
});

describe('pickles one after another and inside byte strings', () => {
  it('trailing bytes that are no pickle are a medium note with their count', () => {
    const bytes = cat(assemble([['PROTO', 2], ['NONE'], ['STOP']]), [1, 2, 3]);
    const result = scan(bytes);
    expect(result.verdict).toBe('safe');
    expect(result.findings).toEqual([
      {
        severity: 'medium',
        kind: 'trailing-data',
        location: 'p.pkl, byte 4',
        sentence:
          "3 bytes follow the pickle's STOP and are not a pickle; pickle.load ignores them, but a program that reads on could treat them as data.",
      },
    ]);
  });

  it('a second protocol 2 pickle that is malformed refuses the file instead of passing as data', () => {
    const bytes = cat(assemble([['PROTO', 2], ['NONE'], ['STOP']]), [0x80, 2, 0x63, 0x61]);
    expect(scan(bytes).verdict).toBe('refused');
  });

  it('scans nested pickles of every protocol that opens one (2 to 5) and names their place', () => {
    for (const protocol of [2, 3, 4, 5]) {
      const inner = assemble([['PROTO', protocol], ['GLOBAL', 'os', 'system'], ['STOP']]);
      const f = only(assemble([['PROTO', 2], ['BYTES', inner], ['STOP']]));
      expect(f.references, `protocol ${protocol}`).toEqual(['os.system']);
      expect(f.location).toBe('p.pkl › pickle inside the byte string at byte 7, byte 2');
    }
    // Protocol 0/1 bytes inside a byte string are not opened (no PROTO): tensor data often looks like that.
    const old = assemble([['GLOBAL', 'os', 'system'], ['STOP']]);
    expect(scan(assemble([['PROTO', 2], ['BYTES', old], ['STOP']])).verdict).toBe('safe');
  });

  it('nested pickles in SHORT_BINSTRING and BINBYTES8 strings are scanned too', () => {
    const inner = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
    const viaBinstring = cat([0x80, 2, 0x55, inner.length], inner, [0x2e]);
    expect(only(viaBinstring).location).toBe('p.pkl › pickle inside the byte string at byte 4, byte 2');
    const viaBytes8 = cat([0x80, 4, 0x8e, inner.length, 0, 0, 0, 0, 0, 0, 0], inner, [0x2e]);
    expect(only(viaBytes8).location).toBe('p.pkl › pickle inside the byte string at byte 11, byte 2');
  });

  it('refuses pickles nested deeper than the cap and scans them up to it', () => {
    const nest = (levels: number) => {
      let bytes = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
      for (let i = 0; i < levels; i++) bytes = assemble([['PROTO', 2], ['BYTES', bytes], ['STOP']]);
      return bytes;
    };
    expect(scan(nest(2), { maxNesting: 2 }).verdict).toBe('unsafe');
    const deep = scan(nest(3), { maxNesting: 2 });
    expect(deep.verdict).toBe('refused');
    expect(deep.findings.at(-1)).toMatchObject({
      kind: 'limit',
      sentence: 'Pickles nest deeper than 2 levels, the cap on nesting.',
    });
  });

  it('refuses a pickle over the opcode or item caps, naming the cap', () => {
    const ops: Op[] = [['PROTO', 2]];
    for (let i = 0; i < 10; i++) ops.push(['NONE']);
    ops.push(['STOP']);
    const bytes = assemble(ops);
    expect(scan(bytes, { maxPickleOps: 12 }).verdict).toBe('safe');
    expect(scan(bytes, { maxPickleOps: 11 }).findings.at(-1)).toMatchObject({
      kind: 'limit',
      location: 'p.pkl, byte 12',
      sentence: 'The pickle has more than 11 opcodes.',
    });
    expect(scan(bytes, { maxPickleItems: 10 }).verdict).toBe('safe');
    expect(scan(bytes, { maxPickleItems: 9 }).findings.at(-1)).toMatchObject({
      kind: 'limit',
      location: 'p.pkl, byte 12',
      sentence: 'The pickle holds more than 9 stack or memo items.',
    });
    // Marks count against the same cap (each holds the stack below it).
    const marks = assemble([['PROTO', 2], ['MARK'], ['MARK'], ['MARK'], ['STOP']]);
    expect(scan(marks, { maxPickleItems: 3 }).verdict).toBe('safe');
    expect(scan(marks, { maxPickleItems: 2 }).findings.at(-1)?.sentence).toBe(
      'The pickle holds more than 2 stack or memo items.',
    );
  });
});
