/**
 * Byte-level helpers for the zip reader's tests (zip-records.test.ts, zip-fields.test.ts): little-endian writes into
 * hand-built records, joining parts, an end record, and the refusal a call ends with.
 */
import { ScanContext, ScanStop } from './context';
import { DEFAULT_LIMITS, type Finding } from './types';
import { readZip } from './zip';

/** A pickle that holds nothing: PROTO 2, NONE, STOP (4 bytes). */
export const PLAIN = Uint8Array.from([0x80, 2, 0x4e, 0x2e]);
export const text = (s: string) => new TextEncoder().encode(s);
export const setU32 = (b: Uint8Array, at: number, v: number) =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
export const setU16 = (b: Uint8Array, at: number, v: number) =>
  new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);

/** The parts one after another, in a fresh array (offset 0). */
export const join = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Whether two byte arrays hold the same bytes (faster than a deep comparison of 200 KB). */
export const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
export const context = () => new ScanContext(DEFAULT_LIMITS, () => 0);
export const read = (bytes: Uint8Array) => readZip(bytes, context(), 'z.zip');

/** The finding a call refuses with (the test fails if it returns or throws anything else). */
export function refusal(run: () => unknown): Finding {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof ScanStop)) throw new Error(`expected a refusal, got ${String(thrown)}`);
  return thrown.finding;
}

/** An end-of-central-directory record: `count` entries, a directory of `size` bytes at `offset`. */
export function endRecord(count: number, size: number, offset: number): Uint8Array {
  const end = new Uint8Array(22);
  setU32(end, 0, 0x06054b50);
  setU16(end, 8, count);
  setU16(end, 10, count);
  setU32(end, 12, size);
  setU32(end, 16, offset);
  return end;
}
