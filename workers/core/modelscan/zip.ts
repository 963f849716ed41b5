/**
 * A zip reader for model archives (.keras, PyTorch, .npz). The central directory is parsed here so that every count,
 * name, size and offset is checked before anything is inflated; entries are inflated with fflate's streaming
 * inflater into a buffer of the declared size, and an entry that inflates past its declared size, or that declares
 * far more than it stores, is refused (zip bombs). Entry names that are absolute, climb out with `..`, or collide
 * are findings.
 */
import { Inflate } from 'fflate';
import { errorText } from '../error-text';
import { ByteReader } from './bytes';
import { formatBytes, quote, type ScanContext } from './context';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the entry's (compressed) data starts. */
  dataOffset: number;
}

const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
/** An entry declaring more than this and more than RATIO × its stored bytes is a bomb (deflate tops out near 1032:1). */
const BOMB_FLOOR = 64 * 1024 ** 2;
const BOMB_RATIO = 200;

/** Whether the bytes end with a zip end-of-central-directory record (searched in the last 64 KiB + 22 bytes). */
export function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const start = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= start; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06)
      return i;
  }
  return -1;
}

/** Reads and checks an archive's directory; `where` names the archive in findings. */
export function readZip(bytes: Uint8Array, ctx: ScanContext, where: string): ZipEntry[] {
  const r = new ByteReader(bytes, ctx, where);
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) ctx.refuse('malformed', where, 'The zip archive has no end-of-central-directory record.');
  let count = r.u16(eocd + 10, 'The entry count');
  let cdSize = r.u32(eocd + 12, 'The central directory size');
  let cdOffset = r.u32(eocd + 16, 'The central directory offset');
  let cdEnd = eocd;
  const saturated = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  // A ZIP64 locator just before the end record counts whether or not the 32-bit fields are saturated: PyTorch's
  // writer always adds one, and the central directory then ends where the ZIP64 record starts (as Python's zipfile reads it).
  const locator = eocd - 20;
  const hasLocator = locator >= 0 && r.u32(locator) === ZIP64_LOCATOR;
  if (saturated || hasLocator) {
    if (!hasLocator) {
      ctx.refuse('malformed', where, 'The zip archive declares ZIP64 sizes but has no ZIP64 locator.');
    }
    const declared = r.defined(locator + 8, 8, 'The ZIP64 record offset');
    // The record sits right before the locator unless a stub before the archive shifts offsets; try both.
    const record = declared + 4 <= bytes.length && r.u32(declared) === ZIP64_EOCD ? declared : locator - 56;
    if (record < 0 || r.u32(record, 'The ZIP64 record') !== ZIP64_EOCD) {
      ctx.refuse('malformed', where, 'The ZIP64 end-of-central-directory record is missing.');
    }
    count = r.defined(record + 32, 8, 'The ZIP64 entry count');
    cdSize = r.defined(record + 40, 8, 'The ZIP64 central directory size');
    cdOffset = r.defined(record + 48, 8, 'The ZIP64 central directory offset');
    cdEnd = record;
  }
  if (count > ctx.limits.maxEntries) {
    ctx.refuse(
      'limit',
      where,
      `The archive lists ${count} entries, over the cap of ${ctx.limits.maxEntries}.`,
    );
  }
  // Bytes before the archive (a self-extracting stub) shift every offset, as Python's zipfile allows.
  const shift = cdEnd - cdSize - cdOffset;
  if (shift < 0) ctx.refuse('malformed', where, 'The central directory overlaps the end record.');
  let p = cdOffset + shift;
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    ctx.tick(where, 256);
    if (r.u32(p, 'A central directory entry') !== CENTRAL) {
      ctx.refuse('malformed', where, `Central directory entry ${i} has a bad signature.`);
    }
    const flags = r.u16(p + 8);
    const method = r.u16(p + 10);
    let compressedSize = r.u32(p + 20);
    let size = r.u32(p + 24);
    const nameLength = r.u16(p + 28);
    const extraLength = r.u16(p + 30);
    const commentLength = r.u16(p + 32);
    let localOffset = r.u32(p + 42);
    const name = r.text(p + 46, nameLength, 'An entry name', flags & 0x800 ? 'utf-8' : 'latin1');
    const extra = p + 46 + nameLength;
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let q = extra;
      while (q + 4 <= extra + extraLength) {
        const id = r.u16(q);
        const len = r.u16(q + 2);
        if (id === 0x0001) {
          let f = q + 4;
          if (size === 0xffffffff) {
            size = r.defined(f, 8, 'A ZIP64 size');
            f += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = r.defined(f, 8, 'A ZIP64 size');
            f += 8;
          }
          if (localOffset === 0xffffffff) localOffset = r.defined(f, 8, 'A ZIP64 offset');
        }
        q += 4 + len;
      }
    }
    localOffset += shift;
    const at = `${where} › ${quote(name)}`;
    if (r.u32(localOffset, `The local header of ${quote(name)}`) !== LOCAL) {
      ctx.refuse('malformed', at, 'The entry has no local header where the central directory points.');
    }
    const localNameLength = r.u16(localOffset + 26);
    const localName = r.text(
      localOffset + 30,
      localNameLength,
      'A local entry name',
      flags & 0x800 ? 'utf-8' : 'latin1',
    );
    if (localName !== name) {
      ctx.refuse(
        'malformed',
        at,
        `The local header names the entry ${quote(localName)}, unlike the central directory.`,
      );
    }
    const dataOffset = localOffset + 30 + localNameLength + r.u16(localOffset + 28);
    r.check(dataOffset, compressedSize, `The data of ${quote(name)}`);
    entries.push({ name, method, flags, compressedSize, size, localOffset, dataOffset });
    p = extra + extraLength + commentLength;
  }
  checkEntries(entries, ctx, where);
  return entries;
}

function checkEntries(entries: ZipEntry[], ctx: ScanContext, where: string): void {
  const names = new Map<string, string>();
  for (const entry of entries) {
    const at = `${where} › ${quote(entry.name)}`;
    const problem = entryNameProblem(entry.name);
    if (problem) {
      ctx.add({
        severity: 'high',
        kind: 'entry-name',
        location: at,
        sentence: `The entry name ${problem}, so extracting the archive could write outside its folder.`,
      });
    }
    const folded = entry.name.normalize('NFC').toLowerCase();
    const earlier = names.get(folded);
    if (earlier !== undefined) {
      ctx.refuse(
        'malformed',
        at,
        earlier === entry.name
          ? 'Two entries have this name, so a loader and a scanner may read different ones.'
          : `The entry name collides with ${quote(earlier)} on case-insensitive file systems, so a loader and a scanner may read different entries.`,
      );
    }
    names.set(folded, entry.name);
    if (entry.flags & 0x1)
      ctx.refuse('unsupported', at, 'The entry is encrypted, so its content cannot be checked.');
    if (entry.size > BOMB_FLOOR && entry.size > BOMB_RATIO * Math.max(1, entry.compressedSize)) {
      ctx.refuse(
        'limit',
        at,
        `The entry declares ${formatBytes(entry.size)} but stores ${formatBytes(entry.compressedSize)}, a ratio no real model needs (a zip bomb).`,
      );
    }
  }
  // Entries whose data overlap let a few stored bytes inflate many times over (overlapping zip bombs).
  const spans = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < spans.length; i++) {
    const before = spans[i - 1] as ZipEntry;
    const entry = spans[i] as ZipEntry;
    if (entry.localOffset < before.dataOffset + before.compressedSize) {
      ctx.refuse(
        'malformed',
        `${where} › ${quote(entry.name)}`,
        `The entry's bytes overlap those of ${quote(before.name)}, a trick of zip bombs.`,
      );
    }
  }
}

/** Why an entry name is dangerous to extract (absolute, drive letter, `..`, backslash, NUL), or null. */
export function entryNameProblem(name: string): string | null {
  if (name.includes('\u0000')) return 'holds a NUL character';
  if (name.startsWith('/') || name.startsWith('\\')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split(/[\\/]/).includes('..')) return 'contains a ".." step';
  return null;
}

/**
 * Feeds `bytes` to a streaming inflater 64 KiB at a time, keeping to the time budget; a stream that does not inflate
 * is refused as `what` (zip entries and compressed files alike).
 */
export function inflateInSteps(
  stream: { push(chunk: Uint8Array, final: boolean): void },
  bytes: Uint8Array,
  ctx: ScanContext,
  at: string,
  what: string,
): void {
  const step = 1 << 16;
  try {
    for (let p = 0; p < bytes.length; p += step) {
      ctx.tick(at, 16);
      stream.push(bytes.subarray(p, Math.min(bytes.length, p + step)), p + step >= bytes.length);
    }
    if (bytes.length === 0) stream.push(bytes, true);
  } catch (error) {
    if (error instanceof Error && error.name === 'ScanStop') throw error;
    ctx.refuse('malformed', at, `${what} does not inflate: ${errorText(error)}.`);
  }
}

/** The entry's content: stored bytes as a view, deflated bytes inflated under the caps. */
export function entryBytes(bytes: Uint8Array, entry: ZipEntry, ctx: ScanContext, where: string): Uint8Array {
  const at = `${where} › ${quote(entry.name)}`;
  const stored = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) {
      ctx.refuse('malformed', at, 'The stored entry declares a size unlike the bytes it stores.');
    }
    return stored;
  }
  if (entry.method !== 8) {
    ctx.refuse(
      'unsupported',
      at,
      `The entry uses compression method ${entry.method}, which the scanner does not read.`,
    );
  }
  ctx.addInflated(entry.size, at);
  const out = new Uint8Array(entry.size);
  let filled = 0;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.length > out.length) {
      ctx.refuse('limit', at, `The entry inflates past its declared ${formatBytes(entry.size)}.`);
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  inflateInSteps(inflater, stored, ctx, at, 'The entry');
  if (filled !== entry.size) {
    ctx.refuse('malformed', at, `The entry inflates to ${filled} bytes, not the ${entry.size} it declares.`);
  }
  return out;
}
