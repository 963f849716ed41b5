/** CRC-32 (IEEE) against its published check value and node:zlib, whole and continued. */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';

describe('crc32', () => {
  it('gives the check value of "123456789", 0xCBF43926, and zlib’s value, whole or continued', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(crc32(digits)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = Uint8Array.from({ length: 1000 }, (_, k) => (k * 37) & 255);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(300), crc32(bytes.subarray(0, 300)))).toBe(zlibCrc32(bytes));
  });
});
