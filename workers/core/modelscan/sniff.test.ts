import { describe, expect, it } from 'vitest';
import { hdf5SignatureOffset, sniff } from './sniff';

// Which reader a file goes to, from its first bytes only: each format's signature as its specification writes it,
// and the near misses that must not be taken for it.

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

describe('sniffing a file by its bytes', () => {
  it('zip by its local header or an empty archive’s end record', () => {
    expect(sniff(bytes('PK\x03\x04', new Array(30).fill(0)))).toBe('zip');
    expect(sniff(bytes('PK\x05\x06', new Array(18).fill(0)))).toBe('zip');
    expect(sniff(bytes('PK\x01\x02', new Array(30).fill(0)))).toBe('unknown');
  });

  it('HDF5 at byte 0 or after a user block of 512 · 2^k bytes, nowhere else', () => {
    for (const offset of [0, 512, 1024, 2048, 4096]) {
      const file = new Uint8Array(offset + 64);
      file.set(HDF5, offset);
      expect(hdf5SignatureOffset(file), `offset ${offset}`).toBe(offset);
      expect(sniff(file)).toBe('hdf5');
    }
    const at100 = new Uint8Array(700);
    at100.set(HDF5, 100);
    expect(hdf5SignatureOffset(at100)).toBe(-1);
    // The signature must fit: 8 bytes at 512 in a 520-byte file, not in a 519-byte one.
    const fits = new Uint8Array(520);
    fits.set(HDF5, 512);
    expect(hdf5SignatureOffset(fits)).toBe(512);
    expect(hdf5SignatureOffset(fits.subarray(0, 519))).toBe(-1);
  });

  it('NumPy by its magic, safetensors by a small little-endian length before "{"', () => {
    expect(sniff(bytes([0x93], 'NUMPY', [1, 0]))).toBe('numpy');
    expect(sniff(bytes([2, 0, 0, 0, 0, 0, 0, 0], '{}'))).toBe('safetensors');
    expect(sniff(bytes([0, 1, 0, 0, 0, 0, 0, 0], '{"a":1}'))).toBe('safetensors');
    expect(sniff(bytes([1, 0, 0, 0, 0, 0, 0, 0], '{}'))).not.toBe('safetensors'); // a header of 1 byte is no JSON
    expect(sniff(bytes([2, 0, 0, 0, 0, 0, 0, 1], '{}'))).not.toBe('safetensors'); // a length past 2^32
    expect(sniff(bytes([2, 0, 0, 0, 0, 1, 0, 0], '{}'))).not.toBe('safetensors');
    expect(sniff(bytes([2, 0, 0, 0, 0, 0, 0, 0], '[]'))).not.toBe('safetensors');
    expect(sniff(bytes([2, 0, 0, 0, 0, 0, 0, 0], '{'))).not.toBe('safetensors'); // 9 bytes: too short
  });

  it('pickles by PROTO 0 to 5, or a protocol 0/1 opener with a STOP at the end', () => {
    expect(sniff(bytes([0x80, 5, 0x2e]))).toBe('pickle');
    expect(sniff(bytes([0x80, 0]))).toBe('pickle');
    expect(sniff(bytes([0x80, 6, 0x2e]))).toBe('unknown');
    expect(sniff(bytes([0x80]))).toBe('unknown');
    for (const opener of '(}])ciNILFSVJKXUT') expect(sniff(bytes(opener, 'x.')), opener).toBe('pickle');
    expect(sniff(bytes('(x'))).toBe('unknown'); // no STOP at the end
    expect(sniff(bytes('a.'))).toBe('unknown'); // not an opener
    expect(sniff(bytes('.'))).toBe('unknown'); // one byte
  });

  it('tar by "ustar" at byte 257', () => {
    const file = new Uint8Array(263);
    file.set(bytes('ustar'), 257);
    expect(sniff(file)).toBe('tar');
    expect(sniff(file.subarray(0, 262))).toBe('unknown');
  });

  it('JSON after an optional byte-order mark and white space', () => {
    expect(sniff(bytes('{"a": 1}'))).toBe('json');
    expect(sniff(bytes('[1]'))).toBe('json');
    expect(sniff(bytes([0xef, 0xbb, 0xbf], ' \n\r\t{}'))).toBe('json');
    expect(sniff(bytes(' x{}'))).toBe('unknown');
    expect(sniff(bytes([0xef, 0xbb], '{}'))).toBe('unknown');
  });
});
