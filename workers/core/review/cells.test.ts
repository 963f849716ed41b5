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
});
