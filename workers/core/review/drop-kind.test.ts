import { describe, expect, it } from 'vitest';
import { dropKind, verificationPair } from './drop-kind';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('drop kind', () => {
  it('tells a manifest by its format field, whatever the file is called', () => {
    expect(dropKind(bytes('{\n "format": "sift-manifest/1",\n "createdAt": "x"'))).toBe('manifest');
    expect(dropKind(bytes('\uFEFF  {"createdAt":1,"format":"sift-manifest/1"}'))).toBe('manifest');
    expect(dropKind(bytes('{"format":"sift-model-scan/1"}'))).toBe('model-scan-report');
    expect(dropKind(bytes('{"format":"other"}'))).toBe('json');
  });

  it('tells a CSV, a zip and binary apart', () => {
    expect(dropKind(bytes('id,label,x\n1,0,3.5\n'))).toBe('text');
    expect(dropKind(Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0]))).toBe('zip');
    expect(dropKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBe('binary');
    // A CSV whose first cell holds a brace is still text unless it is JSON from its first character on.
    expect(dropKind(bytes('label,{x}\n1,2\n'))).toBe('text');
  });

  it('pairs a manifest with the text file dropped beside it', () => {
    const files = [
      { file: 'clean.csv', kind: 'text' as const },
      { file: 'm.json', kind: 'manifest' as const },
    ];
    expect(verificationPair(files)).toEqual({ manifest: 'm.json', clean: 'clean.csv' });
    expect(verificationPair([{ file: 'a.csv', kind: 'text' as const }])).toBeNull();
  });

  it("pairs a manifest with an image dataset's clean zip, and never with a binary file", () => {
    const zip = [
      { file: 'm.json', kind: 'manifest' as const },
      { file: 'clean.zip', kind: 'zip' as const },
    ];
    expect(verificationPair(zip)).toEqual({ manifest: 'm.json', clean: 'clean.zip' });
    const binary = [
      { file: 'x.bin', kind: 'binary' as const },
      { file: 'm.json', kind: 'manifest' as const },
    ];
    expect(verificationPair(binary)).toEqual({ manifest: 'm.json', clean: null });
  });

  // Issue 16 (mutation testing).
  it('tells a zip by all four signature bytes (PK, 3 or 5, 4 or 6), and text with a near miss', () => {
    const head = (b: number[]) => dropKind(Uint8Array.from([...b, 0x41, 0x42]));
    for (const b of [
      [0x50, 0x4b, 3, 4],
      [0x50, 0x4b, 5, 6],
      [0x50, 0x4b, 3, 6],
      [0x50, 0x4b, 5, 4],
    ])
      expect(head(b), String(b)).toBe('zip');
    for (const b of [
      [0x51, 0x4b, 3, 4],
      [0x50, 0x4c, 3, 4],
      [0x50, 0x4b, 4, 4],
      [0x50, 0x4b, 3, 5],
    ])
      expect(head(b), String(b)).toBe('text');
  });

  it('reads a head cut inside a character (or not UTF-8) without throwing', () => {
    const manifest = bytes('{"format":"sift-manifest/1","x":"é');
    expect(dropKind(manifest.subarray(0, manifest.length - 1))).toBe('manifest');
    expect(dropKind(Uint8Array.from([0x7b, 0xff, 0x7d]))).toBe('json');
  });
});
