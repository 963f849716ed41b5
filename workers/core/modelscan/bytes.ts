/**
 * Bounds-checked little-endian reads over a file's bytes. Every read outside the bytes refuses the file as malformed,
 * naming where, so no parser trusts an offset or a size before it is checked against the file.
 */
import type { ScanContext } from './context';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    readonly ctx: ScanContext,
    /** Names the bytes in refusals (a member name, "HDF5 object header at 0x60"). */
    readonly where: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /** Refuses unless [offset, offset + size) lies inside the bytes. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) {
      this.ctx.refuse(
        'malformed',
        this.where,
        `${what} has an impossible offset or size (${offset}, ${size}).`,
      );
    }
    if (offset + size > this.bytes.length) {
      this.ctx.refuse(
        'malformed',
        this.where,
        `${what} at byte ${offset} needs ${size} bytes, but only ${Math.max(0, this.bytes.length - offset)} remain.`,
      );
    }
  }

  u8(offset: number, what = 'A field'): number {
    this.check(offset, 1, what);
    return this.bytes[offset] as number;
  }

  u16(offset: number, what = 'A field'): number {
    this.check(offset, 2, what);
    const b = this.bytes;
    return (b[offset] as number) | ((b[offset + 1] as number) << 8);
  }

  u32(offset: number, what = 'A field'): number {
    this.check(offset, 4, what);
    const b = this.bytes;
    return (
      ((b[offset] as number) |
        ((b[offset + 1] as number) << 8) |
        ((b[offset + 2] as number) << 16) |
        ((b[offset + 3] as number) << 24)) >>>
      0
    );
  }

  /** An unsigned little-endian integer of `size` bytes (1–8); null for all-ones (HDF5's undefined address);
   * values beyond 2^53 are refused. */
  uint(offset: number, size: number, what = 'A field'): number | null {
    this.check(offset, size, what);
    let allOnes = true;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      const byte = this.bytes[offset + i] as number;
      if (byte !== 0xff) allOnes = false;
      value = value * 256 + byte;
    }
    if (allOnes && size > 1) return null;
    if (!Number.isSafeInteger(value)) {
      this.ctx.refuse('malformed', this.where, `${what} at byte ${offset} is larger than 2^53.`);
    }
    return value;
  }

  /** Like `uint`, but refuses an undefined (all-ones) value. */
  defined(offset: number, size: number, what: string): number {
    const value = this.uint(offset, size, what);
    if (value === null) this.ctx.refuse('malformed', this.where, `${what} at byte ${offset} is undefined.`);
    return value;
  }

  f64(offset: number, what = 'A field'): number {
    this.check(offset, 8, what);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, 8).getFloat64(0, true);
  }

  slice(offset: number, size: number, what = 'A field'): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }

  /** Bytes as text: UTF-8 (invalid sequences replaced) or Latin-1. */
  text(offset: number, size: number, what = 'A string', encoding: 'utf-8' | 'latin1' = 'utf-8'): string {
    const part = this.slice(offset, size, what);
    return (encoding === 'utf-8' ? utf8 : latin1).decode(part);
  }

  /** The index of the first `byte` at or after `offset`, searching at most `max` bytes; -1 if none. */
  indexOf(byte: number, offset: number, max: number): number {
    const end = Math.min(this.bytes.length, offset + max);
    for (let i = offset; i < end; i++) if (this.bytes[i] === byte) return i;
    return -1;
  }
}

/** Strict UTF-8 decoding: null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return null; // not UTF-8: the caller reports it where it knows the location
  }
}

/** Whether `bytes` begins with `prefix` at `offset`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false;
  return true;
}
