/**
 * The high bytes of SHA-256's 64-bit bit length (FIPS 180-4 §5.1.1), which only a message of 128 GiB or more sets:
 * no test can hash one, so the incremental hasher is handed "abc" and then told its message was far longer (its
 * private byte count set through a cast). The expected digest is one block compressed by a plain reference of the
 * standard's compression function (§6.2.2), written here, over the padding the standard prescribes.
 */
import { describe, expect, it } from 'vitest';
import { Sha256 } from './sha256';

const K = Uint32Array.from(
  // The first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2).
  Array.from({ length: 64 }, (_, i) => {
    const primes: number[] = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
    const root = Math.cbrt(primes[i] as number);
    return Math.floor((root - Math.floor(root)) * 2 ** 32);
  }),
);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;

/** One 64-byte block compressed from the initial hash value, as big-endian bytes. */
function referenceDigest(block: Uint8Array): string {
  const w = new Uint32Array(64);
  for (let t = 0; t < 16; t++)
    w[t] =
      ((block[4 * t] as number) * 2 ** 24 +
        ((block[4 * t + 1] as number) << 16) +
        ((block[4 * t + 2] as number) << 8) +
        (block[4 * t + 3] as number)) >>>
      0;
  for (let t = 16; t < 64; t++) {
    const a = w[t - 15] as number;
    const b = w[t - 2] as number;
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) >>> 0;
  }
  let [a, b, c, d, e, f, g, h] = IV as [number, number, number, number, number, number, number, number];
  for (let t = 0; t < 64; t++) {
    const t1 =
      (h +
        (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
        ((e & f) ^ (~e & g)) +
        (K[t] as number) +
        (w[t] as number)) >>>
      0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
  }
  return [a, b, c, d, e, f, g, h]
    .map((v, i) => ((v + (IV[i] as number)) >>> 0).toString(16).padStart(8, '0'))
    .join('');
}

describe('the bit length of a message of 128 GiB or more', () => {
  it('writes the bytes of the length’s high word that only 128 GiB and more set', () => {
    // (0x000b0c0d · 2^29 + 3) bytes are 0x000b0c0d_00000018 bits: the high word's three low bytes differ from each
    // other and from 0. Its top byte would need 2^53 bytes or more, past what a number counts exactly (and the length
    // in bits, bytes × 8, is exact only below 2^50 bytes), so no message sets it.
    const bytes = 0x000b0c0d * 2 ** 29 + 3;
    const hash = new Sha256();
    hash.update(new TextEncoder().encode('abc'));
    (hash as unknown as { length: number }).length = bytes;
    const block = new Uint8Array(64);
    block.set([0x61, 0x62, 0x63, 0x80]);
    block.set([0x00, 0x0b, 0x0c, 0x0d, 0x00, 0x00, 0x00, 0x18], 56);
    expect(hash.hex()).toBe(referenceDigest(block));
  });

  it('the reference gives the standard’s digest of "abc" (FIPS 180-4, appendix B.1)', () => {
    const block = new Uint8Array(64);
    block.set([0x61, 0x62, 0x63, 0x80]);
    block[63] = 0x18;
    expect(referenceDigest(block)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
