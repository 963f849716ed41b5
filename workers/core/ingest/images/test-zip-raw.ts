/**
 * A byte-by-byte zip writer for the zip reader's tests: every header field can be set, including the ones
 * scripts/zip-craft.ts always writes honestly (the UTF-8 flag, "made by", external attributes, extra fields, entry
 * comments, the local name and extra field, the end record's disk numbers and sizes). Entries are stored as given.
 */
import { crc32 } from './crc32';

export interface RawEntry {
  name: string | Uint8Array;
  /** Written after the local header as is (default empty). */
  data?: Uint8Array;
  method?: number;
  flags?: number;
  crc?: number;
  compressedSize?: number;
  declaredSize?: number;
  /** Directory record's local offset (default: where the local header is written). */
  localOffset?: number;
  /** "Version made by" high byte (3 = Unix; default 0 = DOS). */
  madeBy?: number;
  external?: number;
  extra?: Uint8Array;
  comment?: Uint8Array;
  /** The local header's name length (default: the name's) and extra field. */
  localNameLength?: number;
  localExtra?: Uint8Array;
}

export interface RawEnd {
  disk?: number;
  cdDisk?: number;
  count?: number;
  cdSize?: number;
  cdOffset?: number;
  comment?: Uint8Array;
}

export interface RawZip {
  bytes: Uint8Array;
  offsets: number[];
  cdOffset: number;
  cdSize: number;
}

const enc = (s: string | Uint8Array) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

export function le(size: number, value: number): number[] {
  return Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** i) % 256);
}

/** The end-of-central-directory record (22 bytes and its comment). */
export function endRecord(count: number, cdSize: number, cdOffset: number, end: RawEnd = {}): number[] {
  const comment = end.comment ?? new Uint8Array(0);
  const out = [
    ...le(4, 0x06054b50),
    ...le(2, end.disk ?? 0),
    ...le(2, end.cdDisk ?? 0),
    ...le(2, end.count ?? count),
    ...le(2, end.count ?? count),
    ...le(4, end.cdSize ?? cdSize),
    ...le(4, end.cdOffset ?? cdOffset),
    ...le(2, comment.length),
  ];
  for (const b of comment) out.push(b);
  return out;
}

export function rawZip(entries: RawEntry[], end: RawEnd = {}): RawZip {
  const out: number[] = [];
  const put = (...parts: ArrayLike<number>[]) => {
    for (const part of parts) for (let i = 0; i < part.length; i++) out.push(part[i]);
  };
  const offsets: number[] = [];
  for (const e of entries) {
    const name = enc(e.name);
    const data = e.data ?? new Uint8Array(0);
    const localExtra = e.localExtra ?? new Uint8Array(0);
    offsets.push(out.length);
    put(
      le(4, 0x04034b50),
      le(2, 20),
      le(2, e.flags ?? 0),
      le(2, e.method ?? 0),
      le(4, 0),
      le(4, e.crc ?? crc32(data)),
      le(4, data.length),
      le(4, data.length),
      le(2, e.localNameLength ?? name.length),
      le(2, localExtra.length),
      name,
      localExtra,
      data,
    );
  }
  const cdOffset = out.length;
  entries.forEach((e, i) => {
    const name = enc(e.name);
    const data = e.data ?? new Uint8Array(0);
    const extra = e.extra ?? new Uint8Array(0);
    const comment = e.comment ?? new Uint8Array(0);
    put(
      le(4, 0x02014b50),
      le(2, ((e.madeBy ?? 0) << 8) | 20),
      le(2, 20),
      le(2, e.flags ?? 0),
      le(2, e.method ?? 0),
      le(4, 0),
      le(4, e.crc ?? crc32(data)),
      le(4, e.compressedSize ?? data.length),
      le(4, e.declaredSize ?? data.length),
      le(2, name.length),
      le(2, extra.length),
      le(2, comment.length),
      le(2, 0),
      le(2, 0),
      le(4, e.external ?? 0),
      le(4, e.localOffset ?? offsets[i]),
      name,
      extra,
      comment,
    );
  });
  const cdSize = out.length - cdOffset;
  put(endRecord(entries.length, cdSize, cdOffset, end));
  return { bytes: Uint8Array.from(out), offsets, cdOffset, cdSize };
}
