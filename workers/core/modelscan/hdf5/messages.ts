/**
 * Decoders of the HDF5 header messages the scanner needs: dataspace (0x01), datatype (0x03), data layout (0x08),
 * link (0x06), attribute (0x0C), symbol table (0x11), link info (0x02), attribute info (0x15), external data files
 * (0x07). Each reads only inside its message; sizes are checked before use.
 */
import type { ByteReader } from '../bytes';
import { quote } from '../context';
import { address, type Hdf5File, length, type Message, readObjectHeader } from './file';

export interface Dataspace {
  dims: number[];
  /** Product of the dimensions (Infinity past 2^53); 0 for a null dataspace, 1 for a scalar. */
  elements: number;
}

export interface Datatype {
  cls: number;
  size: number;
  /** Variable-length string (class 9, type 1). */
  vlenString: boolean;
}

export type Layout =
  | { kind: 'compact'; size: number }
  | { kind: 'contiguous'; address: number | null; size: number }
  | { kind: 'chunked'; btree: number | null; version: number; index: number; rank: number }
  | { kind: 'virtual' };

export type Link =
  | { name: string; kind: 'hard'; target: number }
  | { name: string; kind: 'soft'; path: string }
  | { name: string; kind: 'external'; file: string; path: string }
  | { name: string; kind: 'user'; type: number };

export interface Attribute {
  name: string;
  type: Datatype;
  space: Dataspace;
  dataAt: number;
  dataSize: number;
}

export function decodeDataspace(file: Hdf5File, at: number, size: number, path: string): Dataspace {
  const r: ByteReader = file.r;
  const version = r.u8(at);
  const rank = r.u8(at + 1);
  const flags = r.u8(at + 2);
  if (rank > 32) r.ctx.refuse('malformed', path, `A dataspace has rank ${rank}; HDF5 allows 32.`);
  let p: number;
  let nullSpace = false;
  if (version === 1) p = at + 8;
  else if (version === 2) {
    nullSpace = r.u8(at + 3) === 2;
    p = at + 4;
  } else r.ctx.refuse('unsupported', path, `A dataspace message is version ${version}.`);
  if (p + rank * file.sl * (flags & 1 ? 2 : 1) > at + size)
    r.ctx.refuse('malformed', path, 'A dataspace runs past its message.');
  const dims: number[] = [];
  let elements = 1;
  for (let i = 0; i < rank; i++) {
    const d = r.uint(p + i * file.sl, file.sl, 'A dimension') ?? Number.POSITIVE_INFINITY;
    dims.push(d);
    elements *= d;
  }
  if (!Number.isSafeInteger(elements)) elements = Number.POSITIVE_INFINITY;
  return { dims, elements: nullSpace ? 0 : elements };
}

export function decodeDatatype(file: Hdf5File, at: number): Datatype {
  const r: ByteReader = file.r;
  const head = r.u8(at, 'A datatype');
  const cls = head & 0x0f;
  const size = r.u32(at + 4, 'A datatype size');
  return { cls, size, vlenString: cls === 9 && (r.u8(at + 1) & 0x0f) === 1 };
}

/** The datatype of a message whose data may be a shared-message reference (flags bit 1): resolved through the
 * committed datatype's object header. */
export function messageDatatype(file: Hdf5File, msg: Message, path: string, depth = 0): Datatype {
  if (!(msg.flags & 0x02)) return decodeDatatype(file, msg.at);
  return sharedDatatype(file, msg.at, path, depth);
}

function sharedDatatype(file: Hdf5File, at: number, path: string, depth: number): Datatype {
  const r: ByteReader = file.r;
  const version = r.u8(at);
  const type = r.u8(at + 1);
  if (depth > 4) r.ctx.refuse('malformed', path, 'Shared datatypes refer to each other in a loop.');
  if (version >= 3 && type === 1) {
    r.ctx.refuse(
      'unsupported',
      path,
      'A datatype is kept in the shared-message heap, which the scanner does not read.',
    );
  }
  const target = address(file, at + (version === 1 ? 8 : 2), 'A shared datatype address');
  if (target === null) r.ctx.refuse('malformed', path, 'A shared datatype has no address.');
  const msg = readObjectHeader(file, target, path).find((m) => m.type === 0x03);
  if (!msg)
    r.ctx.refuse('malformed', path, `The committed datatype at byte ${target} has no datatype message.`);
  return messageDatatype(file, msg, path, depth + 1);
}

export function decodeLayout(file: Hdf5File, at: number, path: string): Layout {
  const r: ByteReader = file.r;
  const version = r.u8(at);
  if (version === 1 || version === 2) {
    const rank = r.u8(at + 1);
    const cls = r.u8(at + 2);
    const addr = cls === 0 ? null : address(file, at + 8);
    if (cls === 2) return { kind: 'chunked', btree: addr, version, index: 0, rank };
    if (cls === 0) return { kind: 'compact', size: r.u32(at + 8 + rank * 4) };
    // Contiguous v1/v2: the size is the product of the dimensions (no size field).
    let size = 1;
    for (let i = 0; i < rank; i++) size *= r.u32(at + 8 + file.so + i * 4);
    return { kind: 'contiguous', address: addr, size };
  }
  if (version !== 3 && version !== 4)
    r.ctx.refuse('unsupported', path, `A data layout message is version ${version}.`);
  const cls = r.u8(at + 1);
  if (cls === 0) return { kind: 'compact', size: r.u16(at + 2) };
  if (cls === 1)
    return { kind: 'contiguous', address: address(file, at + 2), size: length(file, at + 2 + file.so) };
  if (cls === 2) {
    const rank = r.u8(at + 2);
    if (version === 3) return { kind: 'chunked', btree: address(file, at + 3), version, index: 0, rank };
    const rank4 = r.u8(at + 3);
    const width = r.u8(at + 4);
    const index = r.u8(at + 5 + rank4 * width);
    return { kind: 'chunked', btree: null, version, index, rank: rank4 };
  }
  if (cls === 3) return { kind: 'virtual' };
  r.ctx.refuse('malformed', path, `A data layout has class ${cls}.`);
}

export function decodeLink(file: Hdf5File, msg: Message, path: string): Link {
  const r: ByteReader = file.r;
  const at = msg.at;
  const flags = r.u8(at + 1);
  let p = at + 2;
  let type = 0;
  if (flags & 0x08) type = r.u8(p++);
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p++;
  const width = 1 << (flags & 0x03);
  const nameLength = r.defined(p, width, 'A link name length');
  p += width;
  if (p + nameLength > msg.at + msg.size)
    r.ctx.refuse('malformed', path, 'A link name runs past its message.');
  const name = r.text(p, nameLength, 'A link name');
  p += nameLength;
  if (type === 0) {
    const target = address(file, p, 'A hard link address');
    if (target === null) r.ctx.refuse('malformed', `${path}/${name}`, 'A hard link has no target.');
    return { name, kind: 'hard', target };
  }
  const infoLength = r.u16(p);
  if (p + 2 + infoLength > msg.at + msg.size)
    r.ctx.refuse('malformed', `${path}/${name}`, 'A link value runs past its message.');
  if (type === 1) return { name, kind: 'soft', path: r.text(p + 2, infoLength) };
  if (type === 64) {
    const value = r.text(p + 3, Math.max(0, infoLength - 1)).split('\u0000');
    return { name, kind: 'external', file: value[0] ?? '', path: value[1] ?? '' };
  }
  return { name, kind: 'user', type };
}

export function decodeAttribute(file: Hdf5File, msg: Message, path: string): Attribute {
  const r: ByteReader = file.r;
  const at = msg.at;
  const version = r.u8(at);
  const flags = r.u8(at + 1);
  const nameSize = r.u16(at + 2);
  const typeSize = r.u16(at + 4);
  const spaceSize = r.u16(at + 6);
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  let p = at + 8 + (version === 3 ? 1 : 0);
  if (version < 1 || version > 3)
    r.ctx.refuse('unsupported', path, `An attribute message is version ${version}.`);
  const name = r.text(p, Math.max(0, nameSize - 1), 'An attribute name');
  p += pad(nameSize);
  const typeMsg: Message = { type: 3, flags: flags & 0x01 ? 0x02 : 0, at: p, size: typeSize };
  const type = messageDatatype(file, typeMsg, `${path} (attribute ${quote(name)})`);
  p += pad(typeSize);
  if (flags & 0x02)
    r.ctx.refuse(
      'unsupported',
      path,
      `Attribute ${quote(name)} has a shared dataspace, which the scanner does not read.`,
    );
  const space = decodeDataspace(file, p, spaceSize, path);
  p += pad(spaceSize);
  const dataSize = msg.at + msg.size - p;
  if (dataSize < 0) r.ctx.refuse('malformed', path, `Attribute ${quote(name)} runs past its message.`);
  return { name, type, space, dataAt: p, dataSize };
}

/** A null-terminated string at `offset` in the local heap at `heapAddr`. */
export function localHeapString(file: Hdf5File, heapAddr: number, offset: number, path: string): string {
  const r: ByteReader = file.r;
  if (r.text(heapAddr, 4, 'A local heap', 'latin1') !== 'HEAP')
    r.ctx.refuse('malformed', path, `No local heap at byte ${heapAddr}.`);
  const size = length(file, heapAddr + 8);
  const data = address(file, heapAddr + 8 + 2 * file.sl, 'The local heap data address');
  if (data === null) r.ctx.refuse('malformed', path, 'The local heap has no data segment.');
  r.check(data, size, 'The local heap data');
  if (offset >= size)
    r.ctx.refuse('malformed', path, `A name points past its local heap (offset ${offset} of ${size}).`);
  const end = r.indexOf(0, data + offset, size - offset);
  if (end < 0) r.ctx.refuse('malformed', path, 'A name in the local heap has no terminating NUL.');
  return r.text(data + offset, end - data - offset);
}

/** Object `index` of the global heap collection at `addr` (variable-length data). */
export function globalHeapObject(file: Hdf5File, addr: number, index: number, path: string): Uint8Array {
  const r: ByteReader = file.r;
  if (r.text(addr, 4, 'A global heap', 'latin1') !== 'GCOL')
    r.ctx.refuse('malformed', path, `No global heap at byte ${addr}.`);
  const size = length(file, addr + 8);
  r.check(addr, size, 'The global heap collection');
  let p = addr + 8 + file.sl;
  const end = addr + size;
  while (p + 8 + file.sl <= end) {
    const id = r.u16(p);
    const objectSize = length(file, p + 8);
    if (id === 0) break;
    if (p + 8 + file.sl + objectSize > end)
      r.ctx.refuse('malformed', path, 'A global heap object runs past its collection.');
    if (id === index) return r.slice(p + 8 + file.sl, objectSize);
    p += 8 + file.sl + Math.ceil(objectSize / 8) * 8;
  }
  r.ctx.refuse('malformed', path, `The global heap at byte ${addr} has no object ${index}.`);
}
