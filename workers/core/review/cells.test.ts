import { describe, expect, it } from 'vitest';
import { featureSources, oneHotFeatures, recordCells, shortestFloat32, writtenCells } from './cells';

describe('cells as written', () => {
  it('splits a record with quotes, doubled quotes and other delimiters', () => {
    expect(recordCells('a,"b,c",3.10,', ',')).toEqual(['a', 'b,c', '3.10', '']);
    expect(recordCells('"say ""hi""";1e3', ';')).toEqual(['say "hi"', '1e3']);
    expect(recordCells('x\t\t7', '\t')).toEqual(['x', '', '7']);
  });

  it('gives the shortest decimal that reads back as the same float32', () => {
    const f = Math.fround(28.11);
    expect(String(f)).toBe('28.110000610351562');
    expect(shortestFloat32(f)).toBe('28.11');
    expect(shortestFloat32(Math.fround(0.1184))).toBe('0.1184');
    expect(shortestFloat32(1001)).toBe('1001');
    expect(shortestFloat32(Math.fround(1e-7))).toBe('1e-7');
    expect(shortestFloat32(Number.NaN)).toBe('NaN');
    expect(shortestFloat32(-Infinity)).toBe('-Infinity');
    for (const v of [Math.fround(Math.PI), Math.fround(-123456.789), Math.fround(3.4e38)]) {
      expect(Math.fround(Number(shortestFloat32(v)))).toBe(v);
    }
  });

  it('maps features to their header columns, one-hot features to their source column', () => {
    const columns = {
      header: ['id', 'colour', 'a=b', 'x', 'label'],
      featureNames: ['a=b', 'x', 'colour=red', 'colour=blue'],
      oneHot: ['colour'],
    };
    const sources = featureSources(columns);
    expect([...sources]).toEqual([2, 3, 1, 1]);
    const hot = oneHotFeatures(columns, sources);
    expect([...hot]).toEqual([0, 0, 1, 1]);
    const cells = writtenCells(['r1', 'red', '', '28.11', 'yes'], sources, hot);
    expect(cells).toEqual([
      { text: '', missing: true },
      { text: '28.11', missing: false },
      { text: 'red', missing: false },
      { text: 'red', missing: false },
    ]);
    expect(writtenCells(['r', 'x', 'NaN', '1e309', 'y'], sources, hot).map((c) => c.missing)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  // Issue 16 (mutation testing).
  it('splits on the delimiter given, never one it guesses', () => {
    expect(recordCells('a;b;c,d', ',')).toEqual(['a;b;c', 'd']);
    expect(recordCells('', ',')).toEqual([]);
  });

  it('writes Infinity by its sign, and takes up to 9 digits for a float32 that needs them', () => {
    expect(shortestFloat32(Infinity)).toBe('Infinity');
    // 10.000154 and 10.000155 are other float32 values: the ninth digit is needed.
    expect(Math.fround(10.000154)).not.toBe(Math.fround(10.0001545));
    expect(Math.fround(10.000155)).not.toBe(Math.fround(10.0001545));
    expect(shortestFloat32(Math.fround(10.0001545))).toBe('10.0001545');
  });

  it('a one-hot feature comes from the longest one-hot column that prefixes it with “=”; unknown ones from -1', () => {
    const columns = {
      header: ['a', 'a=b', 'ab', 'x'],
      featureNames: ['a=b=x', 'a=c', 'ab=1', 'shape=round', 'zzz', 'x'],
      oneHot: ['a=b', 'a', 'shape'],
    };
    const sources = featureSources(columns);
    // 'ab=1': 'ab' is not one-hot and 'a' does not prefix it with '='; 'shape' is one-hot but not in the header.
    expect([...sources]).toEqual([1, 0, -1, -1, -1, 3]);
    expect([...oneHotFeatures(columns, sources)]).toEqual([1, 1, 0, 0, 0, 0]);
    // A feature from header column 0 reads cell 0.
    const first = featureSources({ header: ['v', 'label'], featureNames: ['v'], oneHot: [] });
    expect(writtenCells(['2.5', 'y'], first, new Uint8Array(1))).toEqual([{ text: '2.5', missing: false }]);
    // A short record, and a feature of unknown source, give an empty, missing cell.
    expect(writtenCells(['1'], Int32Array.from([3, -1]), new Uint8Array(2))).toEqual([
      { text: '', missing: true },
      { text: '', missing: true },
    ]);
  });
});
