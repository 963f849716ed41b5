/** The hand-written SHA-256 against node:crypto, at every length around the block and padding boundaries. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Into, toHex } from './sha256';

const reference = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Deterministic test bytes: every value 0..255 appears. */
function bytesOf(length: number, salt = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + salt * 17 + (i >> 3)) & 0xff;
  return out;
}

describe('sha256', () => {
  it('matches node:crypto for lengths 0..300 (one-shot, from an offset into a larger buffer)', () => {
    const out = new Uint8Array(40);
    for (let length = 0; length <= 300; length++) {
      const buffer = bytesOf(length + 10, length);
      sha256Into(buffer, 5, 5 + length, out, 3);
      expect(toHex(out, 3, 35), `length ${length}`).toBe(reference(buffer.subarray(5, 5 + length)));
    }
  });

  it('matches node:crypto incrementally, whatever the update sizes', () => {
    const data = bytesOf(1000);
    const hash = new Sha256();
    for (const step of [1, 3, 63, 64, 65, 127, 500]) {
      hash.reset();
      for (let at = 0; at < data.length; at += step) hash.update(data, at, Math.min(data.length, at + step));
      expect(hash.hex(), `step ${step}`).toBe(reference(data));
    }
  });

  it('matches node:crypto for a message whose bit length has four non-zero low bytes', () => {
    // 0x202021 bytes (about 2 MiB) are 0x01010108 bits.
    const data = bytesOf(0x202021, 7);
    const out = new Uint8Array(32);
    sha256Into(data, 0, data.length, out, 0);
    expect(toHex(out)).toBe(reference(data));
    const hash = new Sha256();
    hash.update(data, 0, 1000);
    hash.update(data, 1000);
    expect(hash.hex()).toBe(reference(data));
  });

  it('matches node:crypto past 512 MiB (the default import limit), where the bit length needs its high word', () => {
    // 2^29 + 3 bytes are 2^32 + 24 bits: the high word of the length is 1.
    const chunk = bytesOf(1 << 22, 3);
    const hash = new Sha256();
    const node = createHash('sha256');
    for (let k = 0; k < 128; k++) {
      hash.update(chunk);
      node.update(chunk);
    }
    hash.update(chunk, 0, 3);
    node.update(chunk.subarray(0, 3));
    expect(hash.hex()).toBe(node.digest('hex'));
  });

  it('writes the 32 digest bytes at the offset and nothing around them', () => {
    const data = bytesOf(100, 1);
    const out = new Uint8Array(40).fill(0xaa);
    sha256Into(data, 0, data.length, out, 3);
    expect(toHex(out, 3, 35)).toBe(reference(data));
    expect(Array.from(out.subarray(0, 3))).toEqual([0xaa, 0xaa, 0xaa]);
    expect(Array.from(out.subarray(35))).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    const hash = new Sha256();
    hash.update(data);
    const into = new Uint8Array(40).fill(0xaa);
    hash.digestInto(into, 3);
    expect(toHex(into, 3, 35)).toBe(reference(data));
    expect(Array.from(into.subarray(0, 3))).toEqual([0xaa, 0xaa, 0xaa]);
    expect(Array.from(into.subarray(35))).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
  });

  it('matches known vectors', () => {
    const hash = new Sha256();
    expect(hash.hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    hash.reset();
    hash.update(new TextEncoder().encode('abc'));
    expect(hash.hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
