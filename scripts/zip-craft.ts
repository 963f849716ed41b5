/**
 * A zip writer that can lie: each entry's name, method, flags, declared size, CRC, external attributes and
 * offset can be set by hand, so tests and `make-hostile-archives.ts` can build the archives a hostile party would
 * (symbolic links, sizes that lie, overlapping entries, zip64 directories). Honest entries get true values.
 * For tests and fixture generators only; Sift's own exports go through fflate (workers/core/manifest/image-zip.ts).
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../workers/core/ingest/images/crc32';
import type { ByteSource } from '../workers/core/ingest/images/types';

export interface CraftEntry {
  name: string;
  data?: Uint8Array;
  /** 0 stored, 8 deflate (default), anything else is written as is with the data stored. */
  method?: number;
  flags?: number;
  /** Declared uncompressed size (default: the real one). */
  declaredSize?: number;
  crc?: number;
  /** Unix mode (e.g. 0o120777 for a symbolic link); sets "made by Unix". */
  unixMode?: number;
  /** Point this entry's directory record at another entry's local header (overlap). */
  sameOffsetAs?: number;
  /** Already-deflated data with its real size and CRC (to repeat one large bomb body without deflating it again). */
  deflated?: { body: Uint8Array; size: number; crc: number };
}

const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;

/** The bytes of a zip holding `entries`; `zip64` writes zip64 end records (as tools do past 65,535 entries). */
export function craftZip(
  entries: CraftEntry[],
  options: { zip64?: boolean; comment?: string } = {},
): Uint8Array<ArrayBuffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data ?? new Uint8Array(0));
    const method = e.deflated ? 8 : (e.method ?? 8);
    const body = e.deflated ? Buffer.from(e.deflated.body) : method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(e.name, 'utf8');
    const crc = e.crc ?? e.deflated?.crc ?? crc32(data);
    const size = e.declaredSize ?? e.deflated?.size ?? data.length;
    const flags = (e.flags ?? 0) | 0x800;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(DOS_DATE, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const at = e.sameOffsetAs === undefined ? offset : (offsets[e.sameOffsetAs] ?? 0);
    offsets.push(at);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(e.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(DOS_DATE, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(e.unixMode === undefined ? 0 : (e.unixMode << 16) >>> 0, 38);
    ch.writeUInt32LE(at, 42);
    centrals.push(ch, name);
    if (e.sameOffsetAs === undefined) {
      locals.push(lh, name, body);
      offset += 30 + name.length + body.length;
    }
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = options.zip64 ? 0xffff : entries.length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : cd.length, 12);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  end.writeUInt16LE(comment.length, 20);
  const tail: Buffer[] = [];
  if (options.zip64) tail.push(...zip64End(entries.length, cd.length, offset));
  return Uint8Array.from(Buffer.concat([...locals, cd, ...tail, end, comment]));
}

function zip64End(count: number, cdSize: number, cdOffset: number): Buffer[] {
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(cdSize), 40);
  rec.writeBigUInt64LE(BigInt(cdOffset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  loc.writeUInt32LE(1, 16);
  return [rec, loc];
}

/**
 * A zip of `count` empty stored entries (`e/0000000` …) as a ByteSource computed on demand: a million entries make
 * a 100 MB file, which a test can read without writing or holding it. Layout: local headers (30 + 16 bytes each),
 * the central directory (46 + 16 each), zip64 end records, the end record.
 */
export function emptyEntriesSource(count: number): ByteSource {
  const NAME = 16;
  const local = 30 + NAME;
  const central = 46 + NAME;
  const cdOffset = count * local;
  const cdSize = count * central;
  const tail = Buffer.concat([...zip64End(count, cdSize, cdOffset), endRecord()]);
  const size = cdOffset + cdSize + tail.length;
  const name = (i: number) => Buffer.from(`e/${String(i).padStart(14, '0')}`, 'utf8');
  const localRecord = (i: number) => {
    const b = Buffer.alloc(local);
    b.writeUInt32LE(0x04034b50, 0);
    b.writeUInt16LE(20, 4);
    b.writeUInt16LE(NAME, 26);
    name(i).copy(b, 30);
    return b;
  };
  const centralRecord = (i: number) => {
    const b = Buffer.alloc(central);
    b.writeUInt32LE(0x02014b50, 0);
    b.writeUInt16LE(20, 4);
    b.writeUInt16LE(20, 6);
    b.writeUInt16LE(NAME, 28);
    b.writeUInt32LE(i * local, 42);
    name(i).copy(b, 46);
    return b;
  };
  function endRecord(): Buffer {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
    return end;
  }
  const byteAt = (pos: number, out: Buffer, at: number, len: number) => {
    // Fills out[at..at+len) with the file's bytes from pos, record by record.
    let p = pos;
    let o = at;
    while (o < at + len) {
      let chunk: Buffer;
      let start: number;
      if (p < cdOffset) {
        const i = Math.floor(p / local);
        chunk = localRecord(i);
        start = p - i * local;
      } else if (p < cdOffset + cdSize) {
        const i = Math.floor((p - cdOffset) / central);
        chunk = centralRecord(i);
        start = p - cdOffset - i * central;
      } else {
        chunk = tail;
        start = p - cdOffset - cdSize;
      }
      const n = Math.min(chunk.length - start, at + len - o);
      chunk.copy(out, o, start, start + n);
      o += n;
      p += n;
    }
  };
  return {
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const out = Buffer.alloc(n);
      byteAt(offset, out, 0, n);
      return new Uint8Array(out.buffer, out.byteOffset, n);
    },
  };
}
