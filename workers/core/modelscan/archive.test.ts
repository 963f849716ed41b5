import { describe, expect, it } from 'vitest';
import { craftZip } from '../../../scripts/zip-craft';
import { plainSequential } from './corpus/common';
import { writeHdf5 } from './corpus/hdf5';
import { kerasArchive } from './corpus/keras';
import { assemble } from './corpus/pickle';
import { scanModelFile } from './scan';
import { NUMPY_FILES } from './test-numpy-files';
import type { ScanLimits } from './types';

// What a .keras archive may hold and how each other entry is read: Keras writes config.json, metadata.json, the
// weights and assets/; anything else is noted, and any entry whose bytes are a model format is scanned as one.

const HOSTILE = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
const text = (s: string) => new TextEncoder().encode(s);
const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const HOSTILE_NPY = bytesOf(NUMPY_FILES.find((f) => f.what.includes('os.system'))?.base64 ?? '');
const scan = (extra: Record<string, Uint8Array>, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('m.keras', kerasArchive(plainSequential(), extra), { limits });

describe('.keras entries', () => {
  it('a plain archive passes and is read as Keras', () => {
    const result = scan({});
    expect(result.findings).toEqual([]);
    expect(result.format).toBe('keras');
  });

  it('an entry Keras does not write is a medium note, and scanned when its bytes are a pickle', () => {
    const result = scan({ 'notes.txt': text('hello'), 'extra.bin': HOSTILE, 'folder/': new Uint8Array(0) });
    expect(result.findings.map((f) => [f.severity, f.kind, f.location])).toEqual([
      ['medium', 'unknown-entry', 'm.keras › notes.txt'],
      ['medium', 'unknown-entry', 'm.keras › extra.bin'],
      ['critical', 'pickle-global', 'm.keras › extra.bin, byte 2'],
      ['medium', 'unknown-entry', 'm.keras › folder/'],
    ]);
    expect(result.findings[0]?.sentence).toBe(
      'The archive holds "notes.txt", which Keras does not write into a .keras file; the scanner read it as its bytes say.',
    );
  });

  it('assets are data unless their first byte opens a pickle, a zip, an HDF5 file or a .npy', () => {
    const hdf5 = writeHdf5({
      kind: 'group',
      children: {
        g: {
          kind: 'group',
          newStyle: true,
          children: { e: { kind: 'external-link', file: 'x.h5', path: '/p' } },
        },
      },
    });
    const result = scan({
      'assets/vocab.txt': text('a\nb\n'),
      'assets/empty': new Uint8Array(0),
      'assets/a.pkl': HOSTILE,
      'assets/b.zip': craftZip([{ name: 'p.pkl', data: HOSTILE }]),
      'assets/c.h5': hdf5,
      'assets/d.npy': HOSTILE_NPY,
    });
    expect(result.findings.filter((f) => f.severity !== 'medium').map((f) => [f.kind, f.location])).toEqual([
      ['pickle-global', 'm.keras › assets/a.pkl, byte 2'],
      ['pickle-global', 'm.keras › assets/b.zip › p.pkl, byte 2'],
      ['external-link', 'm.keras › assets/c.h5: /g/e'],
      ['pickle-call', expect.stringMatching(/^m\.keras › assets\/d\.npy \(object array pickle\), byte \d+$/)],
    ]);
  });

  it('weights in .npz form are scanned like the .h5', () => {
    const npz = craftZip([{ name: 'w.npy', data: HOSTILE_NPY }]);
    const result = scan({ 'model.weights.npz': npz });
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.some((f) => f.location.startsWith('m.keras › model.weights.npz › w.npy'))).toBe(
      true,
    );
  });

  it('config.json and metadata.json must be JSON objects', () => {
    const refusal = (extra: Record<string, Uint8Array>) => {
      const result = scan(extra);
      expect(result.verdict).toBe('refused');
      return result.findings.at(-1);
    };
    expect(refusal({ 'config.json': text('[1]') })).toMatchObject({
      location: 'm.keras › config.json',
      sentence: 'config.json is not a JSON object.',
    });
    expect(refusal({ 'metadata.json': text('"x"') })).toMatchObject({
      location: 'm.keras › metadata.json',
      sentence: 'metadata.json is not a JSON object.',
    });
  });

  it('refuses entries and assets nested deeper than the cap', () => {
    const nested = { 'assets/b.zip': craftZip([{ name: 'p.pkl', data: HOSTILE }]) };
    expect(scan(nested, { maxNesting: 2 }).verdict).toBe('unsafe');
    expect(scan(nested, { maxNesting: 1 }).findings.at(-1)).toMatchObject({
      kind: 'limit',
      location: 'm.keras › assets/b.zip › p.pkl',
      sentence: 'Archives nest deeper than 1 levels, the cap on nesting.',
    });
    const assetFirst = craftZip([
      { name: 'config.json', data: text(JSON.stringify(plainSequential())) },
      { name: 'assets/a.pkl', data: HOSTILE },
    ]);
    expect(scanModelFile('m.keras', assetFirst, { limits: { maxNesting: 0 } }).findings.at(-1)).toMatchObject(
      {
        location: 'm.keras › assets/a.pkl',
        sentence: 'Archives nest deeper than 0 levels, the cap on nesting.',
      },
    );
    expect(scan({}, { maxNesting: 0 }).findings.at(-1)).toMatchObject({
      location: 'm.keras › model.weights.h5',
      sentence: 'Archives nest deeper than 0 levels, the cap on nesting.',
    });
  });
});
