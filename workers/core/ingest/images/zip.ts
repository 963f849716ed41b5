/**
 * A zip reader for untrusted archives. The central directory is read first (it alone holds the external attributes
 * that mark symbolic links, and the authoritative entry list), through a windowed reader, entry by entry, stopping
 * at the entry limit: a million empty entries cost a few megabytes of reading, never a million objects. Each entry
 * is then inflated on demand with fflate's streaming `Inflate`, fed 16 kB at a time so the real inflated bytes are
 * counted as they appear and the read stops at the cap (declared sizes are only compared, never trusted), and its
 * size and CRC-32 are checked against the directory. Overlapping entries (the non-recursive zip-bomb construction),
 * encryption, unknown compression methods, spanned archives and damaged records are refused with the entry named.
 * Why fflate and not zip.js: zip.js reads the whole directory into entry objects before the caller can cap the count
 * and inflates through its own worker pool; fflate is 8 kB, has no workers, and its streaming inflate lets this file
 * count every output byte. The directory parsing it lacks (it reads local headers only) is below.
 */
import { Inflate, inflateSync } from 'fflate';
import { errorText } from '../../error-text';
import { crc32 } from './crc32';
import { imageProblems } from './problems';
import {
  type ByteSource,
  type EntryKind,
  EntryReadError,
  ImageIngestError,
  type ImageSource,
  type SourceEntry,
} from './types';

/** One central-directory record, as far as Sift needs it. */
export interface ZipEntryRecord {
  path: string;
  kind: EntryKind;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
  nameBytes: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record (22 bytes) plus the longest comment (65,535). */
const EOCD_SEARCH = 22 + 0xffff;
const WINDOW = 1 << 20;
/** Compressed bytes handed to the inflater at a time: bounds what one push can produce (deflate: ≤ 1032:1). */
const INFLATE_PIECE = 16 * 1024;
/**
 * Entries this small (compressed) whose declared size is under the cap are inflated in one call into a buffer of the
 * declared size plus one: a streaming `Inflate` allocates a 32 kB window each, which for 6,000 small PNGs was most
 * of the reading time. The fixed buffer never grows, so a size that lies shows as a mismatch (or a RangeError).
 */
const ONE_SHOT_COMPRESSED = 64 * 1024;
const ONE_SHOT_DECLARED = 4 * 1024 * 1024;

/** Reads through a cached window: sequential small reads cost one `src.read` per megabyte. */
export class WindowedReader {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;

  constructor(
    readonly src: ByteSource,
    private readonly window = WINDOW,
  ) {}

  /** `length` bytes at `offset`, valid until the next call; fewer only at the end of the source. */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.src.size);
    if (offset < this.start || end > this.start + this.buf.length) {
      this.buf = await this.src.read(offset, Math.max(length, this.window));
      this.start = offset;
    }
    return this.buf.subarray(offset - this.start, end - this.start);
  }
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
/** A little-endian 64-bit size; throws beyond 2^53 (no real archive has one). */
function u64(b: Uint8Array, at: number): number {
  const value = u32(b, at) + u32(b, at + 4) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw new RangeError('a 64-bit size is beyond 2^53');
  return value;
}

// Code page 437, the zip default for names without the UTF-8 flag: bytes 0x80–0xFF.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    if (utf8Flag) return null;
    let s = '';
    for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
    return s;
  }
}

interface EndRecord {
  cdOffset: number;
  cdSize: number;
}

async function findEnd(reader: WindowedReader, file: string): Promise<EndRecord> {
  const size = reader.src.size;
  const from = Math.max(0, size - EOCD_SEARCH);
  const tail = Uint8Array.from(await reader.bytes(from, size - from));
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === EOCD && i + 22 + u16(tail, i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ImageIngestError([imageProblems.notAnArchive(file)]);
  if (u16(tail, at + 4) !== 0 || u16(tail, at + 6) !== 0) {
    throw new ImageIngestError([imageProblems.unsupportedArchive(file, 'it is split over several disks')]);
  }
  let cdSize = u32(tail, at + 12);
  let cdOffset = u32(tail, at + 16);
  const zip64 = u16(tail, at + 10) === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  const locatorAt = from + at - 20;
  if (zip64 && locatorAt >= 0) {
    const loc = Uint8Array.from(await reader.bytes(locatorAt, 20));
    if (u32(loc, 0) === ZIP64_LOCATOR) {
      const recordAt = u64(loc, 8);
      const rec = await reader.bytes(recordAt, 56);
      if (rec.length < 56 || u32(rec, 0) !== ZIP64_EOCD) {
        throw new ImageIngestError([imageProblems.archiveCorrupt(file, 'its zip64 end record is missing')]);
      }
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
    }
  }
  if (cdOffset + cdSize > size) {
    throw new ImageIngestError([
      imageProblems.archiveCorrupt(file, 'its central directory lies past the end of the file (truncated?)'),
    ]);
  }
  return { cdOffset, cdSize };
}

/** Sizes and offset from the zip64 extended-information extra field, for the fields the record left at 0xFFFFFFFF. */
function applyZip64(extra: Uint8Array, rec: ZipEntryRecord): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const take = () => {
        if (q + 8 > p + 4 + len) throw new RangeError('its zip64 field is too short');
        const v = u64(extra, q);
        q += 8;
        return v;
      };
      if (rec.declaredSize === 0xffffffff) rec.declaredSize = take();
      if (rec.compressedSize === 0xffffffff) rec.compressedSize = take();
      if (rec.localOffset === 0xffffffff) rec.localOffset = take();
      return;
    }
    p += 4 + len;
  }
}

/**
 * Reads the central directory: every entry's record, in directory order. Throws ImageIngestError past `maxEntries`
 * entries (before reading further), on damaged records, and on entries that overlap or run into the directory.
 */
export async function readCentralDirectory(
  src: ByteSource,
  file: string,
  maxEntries: number,
): Promise<ZipEntryRecord[]> {
  const reader = new WindowedReader(src);
  const { cdOffset, cdSize } = await findEnd(reader, file);
  const end = cdOffset + cdSize;
  const entries: ZipEntryRecord[] = [];
  for (let pos = cdOffset; pos < end; ) {
    if (entries.length >= maxEntries)
      throw new ImageIngestError([imageProblems.tooManyEntries(file, maxEntries)]);
    const head = await reader.bytes(pos, 46);
    if (head.length < 46 || u32(head, 0) !== CENTRAL) {
      throw new ImageIngestError([
        imageProblems.archiveCorrupt(file, `central directory record ${entries.length + 1} is damaged`),
      ]);
    }
    const madeBy = u16(head, 4) >> 8;
    const flags = u16(head, 8);
    const method = u16(head, 10);
    const external = u32(head, 38);
    const rec: ZipEntryRecord = {
      path: '',
      kind: 'file',
      method,
      flags,
      crc: u32(head, 16),
      compressedSize: u32(head, 20),
      declaredSize: u32(head, 24),
      localOffset: u32(head, 42),
      nameBytes: u16(head, 28),
    };
    const extraLen = u16(head, 30);
    const commentLen = u16(head, 32);
    const varLen = rec.nameBytes + extraLen;
    const variable = Uint8Array.from(await reader.bytes(pos + 46, varLen));
    if (variable.length < varLen) {
      throw new ImageIngestError([
        imageProblems.archiveCorrupt(file, `central directory record ${entries.length + 1} is cut short`),
      ]);
    }
    const name = decodeName(variable.subarray(0, rec.nameBytes), (flags & 0x800) !== 0);
    if (name === null) {
      throw new ImageIngestError([
        imageProblems.archiveCorrupt(file, `entry ${entries.length + 1}'s name is marked UTF-8 but is not`),
      ]);
    }
    rec.path = name;
    try {
      applyZip64(variable.subarray(rec.nameBytes), rec);
    } catch (error) {
      throw new ImageIngestError([imageProblems.archiveCorrupt(file, errorText(error), name)]);
    }
    const unixMode = external >>> 16;
    if (madeBy === 3 && (unixMode & 0xf000) === 0xa000) rec.kind = 'symlink';
    else if (
      name.endsWith('/') ||
      (madeBy === 3 && (unixMode & 0xf000) === 0x4000) ||
      (external & 0x10) !== 0
    )
      rec.kind = 'directory';
    entries.push(rec);
    pos += 46 + varLen + commentLen;
  }
  checkLayout(entries, file, cdOffset);
  return entries;
}

/** Entries must lie before the directory and must not share bytes (Fifield's overlapping-file zip bomb). */
function checkLayout(entries: ZipEntryRecord[], file: string, cdOffset: number): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].localOffset - entries[b].localOffset);
  for (let k = 0; k < order.length; k++) {
    const e = entries[order[k]];
    const minEnd = e.localOffset + 30 + e.nameBytes + e.compressedSize;
    if (minEnd > cdOffset) {
      throw new ImageIngestError([
        imageProblems.archiveCorrupt(
          file,
          'its data runs into the central directory (truncated or forged)',
          e.path,
        ),
      ]);
    }
    const next = k + 1 < order.length ? entries[order[k + 1]] : undefined;
    if (next && next.localOffset < minEnd) {
      throw new ImageIngestError([imageProblems.overlappingEntries(file, e.path, next.path)]);
    }
  }
}

/**
 * Inflates one entry: at most `maxBytes` real bytes (EntryReadError 'over-cap' past that), checked against the
 * directory's size and CRC-32 (EntryReadError 'corrupt'). With `head`, returns the first `head` bytes unchecked.
 */
export async function readEntry(
  reader: WindowedReader,
  rec: ZipEntryRecord,
  maxBytes: number,
  head?: number,
): Promise<Uint8Array> {
  const local = await reader.bytes(rec.localOffset, 30);
  if (local.length < 30 || u32(local, 0) !== LOCAL) {
    throw new EntryReadError('corrupt', 'its local header is missing');
  }
  const nameLen = u16(local, 26);
  const dataStart = rec.localOffset + 30 + nameLen + u16(local, 28);
  if (nameLen !== rec.nameBytes) throw new EntryReadError('corrupt', 'its local header names another file');
  if (dataStart + rec.compressedSize > reader.src.size) {
    throw new EntryReadError('corrupt', 'its data is cut short (truncated archive)');
  }
  const want = head === undefined ? maxBytes : Math.min(head, maxBytes);
  const parts: Uint8Array[] = [];
  let produced = 0;
  let over = false;
  const take = (chunk: Uint8Array) => {
    if (produced + chunk.length > maxBytes) over = true;
    const keep = Math.min(chunk.length, want - produced);
    if (keep > 0) parts.push(chunk.slice(0, keep));
    produced += chunk.length;
  };
  if (rec.method === 0) {
    take(await reader.bytes(dataStart, Math.min(rec.compressedSize, want + 1)));
  } else if (
    rec.compressedSize <= ONE_SHOT_COMPRESSED &&
    rec.declaredSize < Math.min(maxBytes, ONE_SHOT_DECLARED)
  ) {
    let out: Uint8Array;
    try {
      const compressed = await reader.bytes(dataStart, rec.compressedSize);
      out = inflateSync(compressed, { out: new Uint8Array(rec.declaredSize + 1) });
    } catch (error) {
      throw new EntryReadError('corrupt', `its compressed data is damaged (${errorText(error)})`);
    }
    take(out);
  } else {
    const inflater = new Inflate((chunk) => take(chunk));
    try {
      for (let p = 0; p < rec.compressedSize && !over && produced < want + (head ? 0 : 1); ) {
        const n = Math.min(INFLATE_PIECE, rec.compressedSize - p);
        const piece = await reader.bytes(dataStart + p, n);
        p += n;
        inflater.push(piece, p >= rec.compressedSize);
      }
    } catch (error) {
      throw new EntryReadError('corrupt', `its compressed data is damaged (${errorText(error)})`);
    }
  }
  if (over && head === undefined) {
    throw new EntryReadError('over-cap', `it inflates to more than ${maxBytes} bytes`);
  }
  const out = concat(parts, Math.min(produced, want));
  if (head !== undefined) return out;
  if (out.length !== rec.declaredSize) {
    throw new EntryReadError(
      'corrupt',
      `it holds ${out.length} bytes where the archive says ${rec.declaredSize} (truncated or forged)`,
    );
  }
  if (crc32(out) !== rec.crc) throw new EntryReadError('corrupt', 'its CRC-32 does not match (damaged)');
  return out;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0].length === length) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, length - at), at);
    at += p.length;
    if (at >= length) break;
  }
  return out;
}

/** An ImageSource over a zip: the directory read and checked now, entries inflated on demand. */
export async function zipSource(
  src: ByteSource,
  name: string,
  maxEntries: number,
  sha256?: () => Promise<string>,
): Promise<ImageSource> {
  const records = await readCentralDirectory(src, name, maxEntries);
  for (const rec of records) {
    if (rec.kind !== 'file') continue;
    if (rec.flags & 1) throw new ImageIngestError([imageProblems.encrypted(name, rec.path)]);
    if (rec.method !== 0 && rec.method !== 8) {
      throw new ImageIngestError([imageProblems.unsupportedCompression(name, rec.path, rec.method)]);
    }
  }
  const reader = new WindowedReader(src);
  const entries: SourceEntry[] = records.map((rec) => ({
    path: rec.path,
    kind: rec.kind,
    declaredBytes: rec.declaredSize,
    read: (maxBytes, head) => readEntry(reader, rec, maxBytes, head),
  }));
  return { name, bytes: src.size, entries, ...(sha256 ? { sha256 } : {}) };
}

/** A ByteSource over bytes in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}
