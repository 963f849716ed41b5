import { describe, expect, it } from 'vitest';
import { assemble } from '../corpus/pickle';
import { cat, scan } from './test-helpers';

// The words and places of every refusal of the pickle machine: a malformed pickle is refused, never passed.

describe('refusals name the opcode, the byte and the reason', () => {
  const refused = (bytes: Uint8Array, sentence: string, location = 'p.pkl, byte ') => {
    const result = scan(bytes);
    expect(result.verdict).toBe('refused');
    const last = result.findings.at(-1);
    expect(last?.kind).toBe('malformed');
    expect(last?.sentence).toBe(sentence);
    if (location) expect(last?.location.startsWith(location)).toBe(true);
    return last;
  };

  it('an unknown opcode, a protocol above 5, a missing line end', () => {
    expect(refused(cat([0x80, 2, 0xff, 0x2e]), 'Byte 0xff is not a pickle opcode.')?.location).toBe(
      'p.pkl, byte 2',
    );
    expect(
      refused(cat([0x80, 2, 0x80, 6, 0x2e]), 'The pickle asks for protocol 6; the highest is 5.')?.location,
    ).toBe('p.pkl, byte 2');
    refused(cat([0x80, 2, 0x63], new TextEncoder().encode('os\nsystem')), 'A text argument has no line end.');
  });

  it('stack and mark underflows', () => {
    refused(assemble([['PROTO', 2], ['DUP'], ['STOP']]), 'DUP finds the stack empty.');
    refused(cat([0x80, 2, 0x31, 0x2e]), 'POP_MARK finds no MARK.');
    refused(assemble([['PROTO', 2], ['POP'], ['STOP']]), 'POP finds no MARK.');
    refused(assemble([['PROTO', 2], ['MARK'], ['OBJ'], ['STOP']]), 'OBJ has no class.');
    refused(assemble([['PROTO', 2], ['EMPTY_DICT'], ['BUILD'], ['STOP']]), 'BUILD finds the stack empty.');
    refused(assemble([['PROTO', 2], ['NONE'], ['APPEND'], ['STOP']]), 'APPEND finds no container.');
    refused(
      assemble([['PROTO', 2], ['NONE'], ['NONE'], ['SETITEM'], ['STOP']]),
      'SETITEM finds no container.',
    );
    refused(assemble([['PROTO', 2], ['MARK'], ['APPENDS'], ['STOP']]), 'APPENDS finds no container.');
    refused(
      assemble([['PROTO', 2], ['NONE'], ['NONE'], ['TUPLE3'], ['STOP']]),
      'TUPLE3 finds the stack empty.',
    );
    refused(assemble([['PROTO', 2], ['BINPUT', 1], ['STOP']]), 'BINPUT finds the stack empty.');
    refused(cat([0x80, 5, 0x98, 0x2e]), 'READONLY_BUFFER finds the stack empty.');
    refused(assemble([['PROTO', 2], ['BINPERSID'], ['STOP']]), 'BINPERSID finds the stack empty.');
  });

  it('POP at an empty stack after MARK pops the mark, as CPython does', () => {
    // The first POP drops the mark and gives back the stack below it, whose NONE the second POP takes; the mark is
    // gone, so a POP_MARK after it has none to pop.
    expect(scan(assemble([['PROTO', 2], ['NONE'], ['MARK'], ['POP'], ['POP'], ['STOP']])).verdict).toBe(
      'safe',
    );
    refused(cat(assemble([['PROTO', 2], ['MARK'], ['POP']]), [0x31, 0x2e]), 'POP_MARK finds no MARK.');
  });

  it('memo indexes: text ones must be numbers, reads must find a stored slot', () => {
    refused(
      cat([0x80, 2, 0x4e, 0x70], new TextEncoder().encode('x1\n'), [0x2e]),
      'The memo index "x1" is not a number.',
    );
    refused(
      assemble([['PROTO', 2], ['NONE'], ['PUT', 3], ['GET', 4], ['STOP']]),
      'GET reads memo slot 4, which was never stored.',
    );
    refused(
      assemble([['PROTO', 2], ['NONE'], ['LONG_BINPUT', 70000], ['LONG_BINGET', 70001], ['STOP']]),
      'LONG_BINGET reads memo slot 70001, which was never stored.',
    );
    expect(scan(assemble([['PROTO', 2], ['NONE'], ['PUT', 3], ['GET', 3], ['STOP']])).verdict).toBe('safe');
  });

  it('lengths and arguments past the end of the bytes', () => {
    refused(cat([0x80, 2, 0x54, 0xff, 0xff, 0xff, 0xff, 0x2e]), 'BINSTRING has a negative length.');
    refused(
      cat([0x80, 2, 0x58, 9, 0, 0, 0, 0x61, 0x2e]),
      'The BINUNICODE data at byte 7 needs 9 bytes, but only 2 remain.',
      'p.pkl',
    );
    refused(cat([0x80, 2, 0x47, 0, 0, 0x2e]), 'A float at byte 2 needs 9 bytes, but only 4 remain.', 'p.pkl');
    refused(
      cat([0x80, 4, 0x95, 100, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e]),
      'The FRAME at byte 11 needs 100 bytes, but only 2 remain.',
      'p.pkl',
    );
  });
});
