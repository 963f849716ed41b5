import { describe, expect, it } from 'vitest';
import { packIds, unpackIds } from './ids';

describe('packed ids', () => {
  it('round-trip ids with commas, quotes, newlines and empty strings', () => {
    const ids = ['a', '', 'b,c', '"q"', 'line\nbreak', 'ünï'];
    expect(unpackIds(packIds(ids), ids.length)).toEqual(ids);
  });
  it('keep a single empty id apart from zero rows', () => {
    expect(unpackIds(packIds(['']), 1)).toEqual(['']);
    expect(unpackIds(packIds([]), 0)).toEqual([]);
  });
  it('refuse an id holding the separator', () => {
    expect(() => packIds(['a\u0000b'])).toThrow('U+0000');
  });
});
