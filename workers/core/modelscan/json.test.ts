import { describe, expect, it } from 'vitest';
import { ScanContext, ScanStop } from './context';
import { childPath, isObject, jsonDepth, parseJsonBytes, parseJsonText } from './json';
import { DEFAULT_LIMITS, type Finding } from './types';

const enc = new TextEncoder();
const context = (maxJsonBytes = DEFAULT_LIMITS.maxJsonBytes, maxJsonDepth = DEFAULT_LIMITS.maxJsonDepth) =>
  new ScanContext({ ...DEFAULT_LIMITS, maxJsonBytes, maxJsonDepth }, () => 0);

/** The refusal `run` throws (it must throw one). */
function refusal(run: () => unknown): Finding {
  try {
    run();
  } catch (error) {
    if (error instanceof ScanStop) return error.finding;
    throw error;
  }
  throw new Error('no refusal');
}

describe('jsonDepth', () => {
  it('counts the deepest nesting of brackets and braces outside strings', () => {
    expect(jsonDepth('', 9)).toBe(0);
    expect(jsonDepth('1', 9)).toBe(0);
    expect(jsonDepth('[]', 9)).toBe(1);
    expect(jsonDepth('{"a":[{}]}', 9)).toBe(3);
    expect(jsonDepth('[[]][]', 9)).toBe(2); // closing brackets bring the count back down
    expect(jsonDepth('[][][][]', 9)).toBe(1);
    expect(jsonDepth('{}{}{}', 9)).toBe(1);
    expect(jsonDepth('["[[[{{{"]', 9)).toBe(1);
    expect(jsonDepth('["\\"[[[", "]"]', 9)).toBe(1); // an escaped quote does not end the string
    expect(jsonDepth('["\\\\", []]', 9)).toBe(2); // an escaped backslash does not escape the closing quote
    expect(jsonDepth('"]]" [[', 9)).toBe(2);
  });

  it('stops counting one level past the cap', () => {
    expect(jsonDepth('[[[[[[', 2)).toBe(3);
    expect(jsonDepth('[[', 2)).toBe(2);
    expect(jsonDepth('[[[', 3)).toBe(3);
  });
});

describe('parseJsonBytes and parseJsonText', () => {
  it('parses UTF-8 JSON, with or without a byte-order mark', () => {
    expect(parseJsonBytes(enc.encode('{"é":[1]}'), context(), 'f')).toEqual({ é: [1] });
    expect(parseJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('[2]')]), context(), 'f')).toEqual([
      2,
    ]);
    expect(parseJsonBytes(enc.encode('"\ufeff"'), context(), 'f')).toBe('\ufeff');
    // TextDecoder drops the first mark; a second one is dropped before parsing too.
    const twice = new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...enc.encode('[3]')]);
    expect(parseJsonBytes(twice, context(), 'f')).toEqual([3]);
  });

  it('refuses text over the size cap before reading it, and reads text at the cap', () => {
    expect(parseJsonBytes(enc.encode('[1,2,3,45]'), context(10), 'f')).toEqual([1, 2, 3, 45]);
    expect(refusal(() => parseJsonBytes(enc.encode('[1,2,3,456]'), context(10), 'f.json'))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'f.json',
      sentence: 'The JSON is 11 bytes, over the 10 bytes cap on JSON text.',
    });
    expect(refusal(() => parseJsonBytes(new Uint8Array(2048), context(1024), 'f')).sentence).toBe(
      'The JSON is 2.0 KiB, over the 1.0 KiB cap on JSON text.',
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(refusal(() => parseJsonBytes(new Uint8Array([0x5b, 0xff, 0x5d]), context(), 'c.json'))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'c.json',
      sentence: 'The JSON is not valid UTF-8 text.',
    });
  });

  it('refuses nesting past the depth cap before parsing, and parses nesting at the cap', () => {
    expect(parseJsonText('[[0]]', context(100, 2), 'f')).toEqual([[0]]);
    expect(refusal(() => parseJsonText('[[[0]]]', context(100, 2), 'm.json'))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'm.json',
      sentence: 'The JSON nests deeper than 2 levels, the cap on JSON depth.',
    });
    expect(refusal(() => parseJsonBytes(enc.encode('[[[0]]]'), context(100, 2), 'b')).kind).toBe('limit');
  });

  it('refuses text that does not parse, with the parser message', () => {
    const found = refusal(() => parseJsonText('{"a":', context(), 'x.json'));
    expect([found.kind, found.location]).toEqual(['malformed', 'x.json']);
    let message = '';
    try {
      JSON.parse('{"a":');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(found.sentence).toBe(`The JSON does not parse: ${message}.`);
  });
});

describe('isObject and childPath', () => {
  it('is true only for plain objects', () => {
    expect([{}, { a: 1 }, [], null, 'x', 1, undefined].map(isObject)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('appends identifiers with a dot, indices and other keys in brackets', () => {
    expect(childPath('', 'a')).toBe('a');
    expect(childPath('a', 'b')).toBe('a.b');
    expect(childPath('a', 3)).toBe('a[3]');
    expect(childPath('', 0)).toBe('[0]');
    expect(childPath('a', '_x$1')).toBe('a._x$1');
    expect(childPath('a', '$')).toBe('a.$');
    expect(childPath('a', 'b c')).toBe('a["b c"]');
    expect(childPath('a', '1x')).toBe('a["1x"]');
    expect(childPath('a', 'x-')).toBe('a["x-"]');
    expect(childPath('', '')).toBe('[""]');
    expect(childPath('a', 'q"')).toBe('a["q\\""]');
  });
});
