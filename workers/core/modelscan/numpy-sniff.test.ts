/**
 * From Stryker's survivors in numpy.ts and sniff.ts: .npy headers NumPy does not write but Python reads the same
 * (spaces around colons, a shape with a trailing space, a version 2 header longer than 65,535 bytes), dtypes without
 * an item size, object arrays inside the nesting cap; and the byte tests that tell formats apart (a two-byte pickle,
 * each byte of a safetensors header length). .npy files are written here: magic, version, little-endian header
 * length (2 bytes in version 1, 4 in version 2), the header, the data.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from './corpus/pickle';
import { scanModelFile } from './scan';
import { sniff } from './sniff';
import type { ScanLimits } from './types';

const enc = new TextEncoder();
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const h = enc.encode(header);
  const lengthBytes =
    major === 1 ? [h.length & 0xff, h.length >> 8] : [0, 1, 2, 3].map((k) => (h.length >>> (8 * k)) & 0xff);
  return new Uint8Array(Buffer.concat([Uint8Array.from([...MAGIC, major, 0, ...lengthBytes]), h, data]));
}
const scan = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('a.npy', bytes, { limits, clock: () => 0 });
const last = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) => scan(bytes, limits).findings.at(-1);

describe('.npy headers', () => {
  it('refuses a file that ends inside the version or the header, naming the field', () => {
    expect(last(Uint8Array.from(MAGIC))?.sentence).toBe(
      'The format version at byte 6 needs 1 bytes, but only 0 remain.',
    );
    expect(
      last(
        npy('{')
          .subarray(0, 10)
          .map((b, i) => (i === 8 ? 100 : b)),
      )?.sentence,
    ).toBe('The .npy header at byte 10 needs 100 bytes, but only 0 remain.');
  });

  it('reads descr and shape with or without spaces around the colon, and a shape with a trailing space', () => {
    const four = new Uint8Array(8);
    expect(scan(npy("{'descr' :'<f4', 'fortran_order': False, 'shape' :(2,)}", four)).findings).toEqual([]);
    expect(scan(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, )}", four)).findings).toEqual([]);
  });

  it('reads a version 2 header length of four bytes', () => {
    // 65,606 bytes of header: its low two bytes alone would say 70.
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }${' '.repeat(65_548)}\n`;
    expect(header.length).toBe(65_606);
    expect(scan(npy(header, new Uint8Array(0), 2))).toMatchObject({ verdict: 'safe', findings: [] });
  });

  it('gives booleans and bytes of no stated size one byte, and other kinds without a size no check', () => {
    const three = "{'descr': '|b', 'fortran_order': False, 'shape': (3,), }";
    expect(scan(npy(three, new Uint8Array(3))).findings).toEqual([]);
    expect(last(npy(three, new Uint8Array(2)))?.sentence).toBe(
      'The array declares 3 bytes but the file holds 2 bytes of data.',
    );
    expect(last(npy(three.replace('|b', '|?'), new Uint8Array(2)))?.sentence).toBe(
      'The array declares 3 bytes but the file holds 2 bytes of data.',
    );
    expect(
      scan(npy("{'descr': '<f', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8))).findings,
    ).toEqual([]);
  });

  it('refuses a dtype that does not start with a byte-order mark or a kind letter', () => {
    expect(last(npy("{'descr': '1f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)))).toEqual(
      {
        severity: 'high',
        kind: 'malformed',
        location: 'a.npy',
        sentence: 'The .npy dtype "1f4" is not one NumPy writes.',
      },
    );
  });

  it('scans an object field of a structured dtype, with or without "|", and the pickle one level in', () => {
    const inner = Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]);
    const pickle = assemble([['PROTO', 2], ['BYTES', inner], ['STOP']]);
    const note =
      'The array has dtype object: numpy.load unpickles it only with allow_pickle=True, and its pickle is scanned below.';
    for (const field of ["'O'", "'|O'", "'|O8'"]) {
      const file = npy(`{'descr': [('a', ${field})], 'fortran_order': False, 'shape': (1,), }`, pickle);
      expect(scan(file).findings.map((f) => f.sentence)).toEqual([note]);
    }
    const object = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", pickle);
    expect(scan(object, { maxNesting: 2 }).findings.map((f) => f.kind)).toEqual(['pickle-global']);
    expect(last(object, { maxNesting: 1 })).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'a.npy (object array pickle) › pickle inside the byte string at byte 7',
      sentence: 'Pickles nest deeper than 1 levels, the cap on nesting.',
    });
  });
});

describe('sniff', () => {
  /** 10 bytes: an 8-byte little-endian length, then "{" and a space. */
  const st = (...length: number[]) => Uint8Array.from([...length, 0x7b, 0x20]);

  it('reads every byte of a safetensors header length', () => {
    expect(sniff(st(2, 0, 0, 0, 0, 0, 0, 0))).toBe('safetensors');
    expect(sniff(st(1, 0, 0, 0, 0, 0, 0, 0))).toBe('unknown');
    expect(sniff(st(0, 0, 1, 0, 0, 0, 0, 0))).toBe('safetensors');
    expect(sniff(st(0, 0, 0, 1, 0, 0, 0, 0))).toBe('safetensors');
    // A length of 2^56 + 2 or more: no safetensors file.
    expect(sniff(st(2, 0, 0, 0, 0, 0, 0, 1))).toBe('unknown');
    expect(sniff(st(2, 0, 0, 0, 1, 0, 0, 0))).toBe('unknown');
  });

  it('reads two bytes as a protocol 0 pickle when they open and close like one', () => {
    expect(sniff(Uint8Array.from([0x4e, 0x2e]))).toBe('pickle');
    expect(sniff(Uint8Array.from([0x4e]))).toBe('unknown');
  });
});
