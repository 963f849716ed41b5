import { describe, expect, it } from 'vitest';
import { assemble, type Op } from '../corpus/pickle';
import { torchLegacy, torchZip } from '../corpus/torch';
import { scanModelFile } from '../scan';
import { cat, only, scan } from './test-helpers';

// Each opcode's effect on the stack, marks and memo, as CPython's Unpickler has it (Lib/pickle.py, load_*): a
// scanner that gets one wrong either misses an import or refuses pickles Python loads. Stack effects are checked
// through what follows: a POP or POP_MARK that must find (or must not find) something.

const enc = (s: string) => [...new TextEncoder().encode(s)];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const STOP = 0x2e;
const POP = 0x30;
const POP_MARK = 0x31;
const verdict = (...parts: (Uint8Array | number[])[]) => scan(cat([0x80, 2], ...parts, [STOP])).verdict;
const lastSentence = (...parts: (Uint8Array | number[])[]) =>
  scan(cat([0x80, 2], ...parts, [STOP])).findings.at(-1)?.sentence;

describe('stack effects', () => {
  it('APPEND pops one value, SETITEM two, BINPERSID one, and each leaves the container', () => {
    // EMPTY_LIST NONE APPEND leaves [list]: one POP empties the stack, a second finds no mark.
    expect(verdict(assemble([['EMPTY_LIST'], ['NONE'], ['APPEND'], ['POP']]))).toBe('safe');
    expect(lastSentence(assemble([['EMPTY_LIST'], ['NONE'], ['APPEND'], ['POP'], ['POP']]))).toBe(
      'POP finds no MARK.',
    );
    expect(verdict(assemble([['EMPTY_DICT'], ['NONE'], ['NONE'], ['SETITEM'], ['POP']]))).toBe('safe');
    expect(lastSentence(assemble([['EMPTY_DICT'], ['NONE'], ['NONE'], ['SETITEM'], ['POP'], ['POP']]))).toBe(
      'POP finds no MARK.',
    );
    expect(lastSentence(assemble([['NONE'], ['BINPERSID'], ['POP'], ['POP']]))).toBe('POP finds no MARK.');
  });

  it('LIST, DICT, TUPLE and FROZENSET consume their mark; APPENDS, SETITEMS and ADDITEMS need a container', () => {
    for (const op of [0x6c, 0x64, 0x74, 0x91]) {
      expect(verdict([0x28, op, POP])).toBe('safe');
      expect(lastSentence([0x28, op, POP_MARK])).toBe('POP_MARK finds no MARK.');
    }
    expect(lastSentence([0x28, 0x75])).toBe('SETITEMS finds no container.');
    expect(lastSentence([0x28, 0x90])).toBe('ADDITEMS finds no container.');
    expect(verdict([0x8f, 0x28, 0x4e, 0x90, POP])).toBe('safe'); // EMPTY_SET MARK NONE ADDITEMS
  });
});

describe('strings that name a global', () => {
  it('every string opcode can give STACK_GLOBAL its module, as CPython decodes them to str', () => {
    const module = (opcode: number[]) =>
      only(cat([0x80, 4], opcode, assemble([['STR', 'system'], ['STACK_GLOBAL'], ['STOP']])));
    expect(module([0x58, ...u32(2), ...enc('os')]).references).toEqual(['os.system']); // BINUNICODE
    expect(module([0x8d, 2, 0, 0, 0, 0, 0, 0, 0, ...enc('os')]).references).toEqual(['os.system']); // BINUNICODE8
    expect(module([0x55, 2, ...enc('os')]).references).toEqual(['os.system']); // SHORT_BINSTRING
    expect(module([0x54, ...u32(2), ...enc('os')]).references).toEqual(['os.system']); // BINSTRING
    expect(module([0x56, ...enc('os\n')]).references).toEqual(['os.system']); // UNICODE
  });

  it('a module given as a string and a name that is not one is reported with both', () => {
    const f = only(assemble([['PROTO', 4], ['STR', 'os'], ['NONE'], ['STACK_GLOBAL'], ['STOP']]));
    expect(f.sentence).toBe(
      'STACK_GLOBAL at byte 7 imports a module and name taken from values built while loading (the string "os", a value the scanner does not track), so the scanner cannot tell what it imports.',
    );
  });

  it('strings over 4096 bytes are not kept, so a global named by one is reported as unknown', () => {
    const named = (module: string) =>
      only(assemble([['PROTO', 4], ['STR', module], ['STR', 'x'], ['STACK_GLOBAL'], ['STOP']]));
    expect(named('m'.repeat(1000)).references).toEqual([`${'m'.repeat(1000)}.x`]);
    expect(named('m'.repeat(5000)).sentence).toContain(
      '(a value the scanner does not track, the string "x")',
    );
  });

  it('a quoted STRING must be quoted at both ends; text memo indexes are whole numbers', () => {
    const viaString = (literal: string) =>
      scan(
        cat([0x80, 4, 0x53], enc(`${literal}\n`), assemble([['STR', 'system'], ['STACK_GLOBAL'], ['STOP']])),
      ).findings[0]?.sentence;
    expect(viaString("x'os'")).toContain('(a value the scanner does not track,');
    expect(viaString("'os'x")).toContain('(a value the scanner does not track,');
    expect(lastSentence([0x4e, 0x70, ...enc('1x\n')])).toBe('The memo index "1x" is not a number.');
    expect(verdict([0x4e, 0x70, ...enc('12\n'), 0x67, ...enc('12\n')])).toBe('safe');
    expect(lastSentence([0x4e, 0x70, ...enc('12345678901\n')])).toBe(
      'The memo index "12345678901" is not a number.',
    );
  });
});

describe('numbers in arguments', () => {
  it('EXT4 codes are signed, memo indexes unsigned', () => {
    expect(only(cat([0x80, 2, 0x84, 0xff, 0xff, 0xff, 0xff, STOP])).sentence).toContain('maps code -1 to');
    expect(lastSentence([0x6a, 0, 0, 0, 0x80])).toBe(
      'LONG_BINGET reads memo slot 2147483648, which was never stored.',
    );
  });

  it('a pickle that ends before its STOP is refused where the next opcode should be', () => {
    expect(scan(assemble([['PROTO', 2], ['NONE']])).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 'p.pkl',
        sentence: 'An opcode at byte 3 needs 1 bytes, but only 0 remain.',
      },
    ]);
  });

  it('counts memo entries with the stack against the item cap', () => {
    // NONE, then three BINPUTs of it: one stack item and three memo entries, four items before STOP.
    const bytes = assemble([['PROTO', 2], ['NONE'], ['BINPUT', 0], ['BINPUT', 1], ['BINPUT', 2], ['STOP']]);
    expect(scan(bytes, { maxPickleItems: 4 }).verdict).toBe('safe');
    expect(scan(bytes, { maxPickleItems: 3 }).findings.at(-1)?.sentence).toBe(
      'The pickle holds more than 3 stack or memo items.',
    );
  });
});

describe('which bytes are opened as pickles', () => {
  it('only byte strings that open with PROTO 2 to 5 are scanned as nested pickles', () => {
    const nested = (inner: number[]) =>
      scan(assemble([['PROTO', 2], ['BYTES', Uint8Array.from(inner)], ['STOP']]));
    const global = [0x63, ...enc('os\nsystem\n'), STOP];
    expect(nested([0x80, 2, ...global]).verdict).toBe('unsafe');
    expect(nested([0x80, 1, ...global]).verdict).toBe('safe');
    expect(nested([0x4b, 5, ...global]).verdict).toBe('safe'); // BININT1 5: a protocol 1 pickle whose 2nd byte is 5
    // A text string never is (Python decodes it to str), even when its bytes would be a pickle.
    const text = [0x80, 2, ...global];
    expect(scan(cat([0x80, 2, 0x58], u32(text.length), text, [POP, STOP])).verdict).toBe('safe');
  });

  it('a cap hit inside a nested or a following pickle refuses the file; malformed ones are data', () => {
    const many: Op[] = [['PROTO', 2]];
    for (let i = 0; i < 20; i++) many.push(['NONE'], ['POP']);
    many.push(['STOP']);
    const inner = assemble(many);
    const outer = assemble([['PROTO', 2], ['BYTES', inner], ['STOP']]);
    expect(scan(outer, { maxPickleOps: 50 }).verdict).toBe('safe');
    expect(scan(outer, { maxPickleOps: 30 }).findings.at(-1)).toMatchObject({
      kind: 'limit',
      sentence: 'The pickle has more than 30 opcodes.',
    });
    // A protocol 0 pickle after the first one, over the cap, is refused for the cap, not taken for data.
    const second = cat(assemble([['PROTO', 2], ['NONE'], ['STOP']]), inner.subarray(2));
    expect(scan(second, { maxPickleOps: 30 }).findings.at(-1)?.kind).toBe('limit');
  });

  it('TorchScript archives skip only __torch__ classes, never other globals', () => {
    const code = { 'archive/code/__torch__.py': new TextEncoder().encode('def forward(self): pass\n') };
    const hostile = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
    const result = scanModelFile('t.pt', torchZip(hostile, code));
    expect(result.findings.map((f) => [f.kind, f.severity])).toEqual([
      ['pickle-global', 'critical'],
      ['torchscript', 'medium'],
    ]);
    const own = assemble([['PROTO', 2], ['GLOBAL', '__torch__.Net', 'Net'], ['STOP']]);
    expect(scanModelFile('t.pt', torchZip(own, code)).verdict).toBe('safe');
  });
});

describe('edges found by the second mutation run', () => {
  it('names unknown opcodes in two hex digits and each argument that runs past the end', () => {
    expect(lastSentence([0x05])).toBe('Byte 0x05 is not a pickle opcode.');
    expect(scan(cat([0x80, 4, 0x95, 1, 2, 3])).findings.at(-1)?.sentence).toBe(
      'An 8-byte argument at byte 3 needs 8 bytes, but only 3 remain.',
    );
    expect(scan(cat([0x80, 4, 0x8d, 1, 2, 3])).findings.at(-1)?.sentence).toBe(
      'A length at byte 3 needs 8 bytes, but only 3 remain.',
    );
    expect(lastSentence([0x58, 0xff, 0xff, 0xff, 0xff])).toBe(
      'The BINUNICODE data at byte 7 needs 4294967295 bytes, but only 1 remain.',
    );
    expect(lastSentence([0x54, 0xff, 0xff, 0xff, 0x7f])).toBe(
      'The BINSTRING data at byte 7 needs 2147483647 bytes, but only 1 remain.',
    );
  });

  it('reads 8-byte lengths whole, and opens pickles in SHORT_BINBYTES and BYTEARRAY8 strings', () => {
    expect(verdict([0x8e, 0x2c, 0x01, 0, 0, 0, 0, 0, 0], new Array(300).fill(0), [POP])).toBe('safe'); // 300 bytes
    const inner = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
    expect(only(cat([0x80, 3, 0x43, inner.length], inner, [STOP])).references).toEqual(['os.system']);
    expect(only(cat([0x80, 5, 0x96, inner.length, 0, 0, 0, 0, 0, 0, 0], inner, [STOP])).references).toEqual([
      'os.system',
    ]);
  });

  it('keeps a string of exactly 4096 bytes', () => {
    const f = only(
      assemble([['PROTO', 4], ['STR', 'm'.repeat(4096)], ['STR', 'x'], ['STACK_GLOBAL'], ['STOP']]),
    );
    expect(f.references).toEqual([`${'m'.repeat(4096)}.x`]);
  });

  it('refuses a malformed first pickle of protocol 0, and a malformed pickle inside a legacy PyTorch stream', () => {
    expect(scanModelFile('p.pkl', Uint8Array.from([0x28, 0xff, STOP])).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 'p.pkl, byte 1',
        sentence: 'Byte 0xff is not a pickle opcode.',
      },
    ]);
    expect(scanModelFile('t.pt', torchLegacy(Uint8Array.from([0x28, 0xff, STOP]))).verdict).toBe('refused');
  });
});
