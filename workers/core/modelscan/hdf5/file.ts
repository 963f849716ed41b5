/**
 * A minimal HDF5 reader (the HDF5 File Format Specification, version 3.0): superblocks v0–v3 and object headers v1
 * and v2 with their continuation blocks. Every address is relative to the superblock's base address and checked
 * against the file before it is read; every object header visited counts against the object cap. Written here
 * rather than taken from h5wasm or jsfive: h5wasm (the HDF5 C library in WebAssembly) must read the whole file
 * into its own heap and trusts the sizes a file declares, and jsfive reads and caches whole datasets; a scanner
 * needs neither data nor decompression, only structure, with every size capped before it is trusted.
 */
import { ByteReader, startsWith } from '../bytes';
import type { ScanContext } from '../context';

export interface Message {
  type: number;
  flags: number;
  /** Absolute file offset of the message's data, and its size. */
  at: number;
  size: number;
}

export interface Hdf5File {
  r: ByteReader;
  /** Size of offsets (addresses) and of lengths, in bytes. */
  so: number;
  sl: number;
  base: number;
  superblockVersion: number;
  /** Object header address of the root group, or, for v0/v1, also its symbol-table scratch (B-tree, heap). */
  root: { header: number; btree: number | null; heap: number | null };
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads the superblock at `at` (where the signature was found). */
export function openHdf5(bytes: Uint8Array, at: number, ctx: ScanContext, where: string): Hdf5File {
  const r = new ByteReader(bytes, ctx, where);
  if (!startsWith(bytes, SIGNATURE, at)) ctx.refuse('malformed', where, 'The HDF5 signature is missing.');
  const version = r.u8(at + 8, 'The superblock version');
  if (version > 3)
    ctx.refuse('unsupported', where, `The HDF5 superblock is version ${version}; the scanner reads 0 to 3.`);
  let so: number;
  let sl: number;
  let p: number;
  if (version <= 1) {
    so = r.u8(at + 13);
    sl = r.u8(at + 14);
    p = at + 24 + (version === 1 ? 4 : 0);
  } else {
    so = r.u8(at + 9);
    sl = r.u8(at + 10);
    p = at + 12;
  }
  if (![2, 4, 8].includes(so) || ![2, 4, 8].includes(sl)) {
    ctx.refuse('malformed', where, `The superblock declares ${so}-byte offsets and ${sl}-byte lengths.`);
  }
  const base = r.defined(p, so, 'The base address');
  const file: Hdf5File = {
    r,
    so,
    sl,
    base,
    superblockVersion: version,
    root: { header: 0, btree: null, heap: null },
  };
  if (version <= 1) {
    // base, free-space address, end-of-file address, driver info address, then the root symbol table entry.
    const eof = r.uint(p + 2 * so, so, 'The end-of-file address');
    checkEnd(file, eof, ctx, where);
    const entry = p + 4 * so;
    file.root.header = r.defined(entry + so, so, 'The root object header address') + base;
    const cache = r.u32(entry + 2 * so);
    if (cache === 1) {
      file.root.btree = address(file, entry + 2 * so + 8);
      file.root.heap = address(file, entry + 3 * so + 8);
    }
  } else {
    const ext = r.uint(p + so, so, 'The superblock extension address');
    if (ext !== null) {
      ctx.add({
        severity: 'info',
        kind: 'unsupported',
        location: `${where} (superblock)`,
        sentence: 'The file has a superblock extension; the scanner does not need it and did not read it.',
      });
    }
    checkEnd(file, r.uint(p + 2 * so, so, 'The end-of-file address'), ctx, where);
    file.root.header = r.defined(p + 3 * so, so, 'The root object header address') + base;
  }
  return file;
}

function checkEnd(file: Hdf5File, eof: number | null, ctx: ScanContext, where: string): void {
  if (eof !== null && eof + file.base > file.r.length) {
    ctx.refuse(
      'malformed',
      `${where} (superblock)`,
      `The superblock says the file ends at byte ${eof + file.base}, but it has ${file.r.length} bytes (truncated).`,
    );
  }
}

/** An address field at `at`: absolute (base added), or null when undefined. */
export function address(file: Hdf5File, at: number, what = 'An address'): number | null {
  const value = file.r.uint(at, file.so, what);
  return value === null ? null : value + file.base;
}

/** A length field at `at`. */
export function length(file: Hdf5File, at: number, what = 'A length'): number {
  return file.r.defined(at, file.sl, what);
}

/** The messages of the object header at `addr`, continuation blocks included, in order. */
export function readObjectHeader(file: Hdf5File, addr: number, path: string): Message[] {
  const r: ByteReader = file.r;
  const ctx: ScanContext = r.ctx;
  if (++ctx.hdf5Objects > ctx.limits.maxHdf5Objects) {
    ctx.refuse('limit', path, `The file has more than ${ctx.limits.maxHdf5Objects} HDF5 objects, the cap.`);
  }
  const messages: Message[] = [];
  const blocks: [number, number][] = [];
  const seenBlocks = new Set<number>();
  let v2 = false;
  let creationOrder = false;
  if (r.u8(addr, 'An object header') === 1) {
    const size = r.u32(addr + 8, 'The object header size');
    blocks.push([addr + 16, size]);
  } else if (r.text(addr, 4, 'An object header', 'latin1') === 'OHDR') {
    v2 = true;
    const flags = r.u8(addr + 5);
    creationOrder = (flags & 0x04) !== 0;
    let p = addr + 6;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const width = 1 << (flags & 0x03);
    const size = r.defined(p, width, 'The object header chunk size');
    blocks.push([p + width, size]);
  } else {
    ctx.refuse('malformed', path, `No object header at byte ${addr}.`);
  }
  while (blocks.length > 0) {
    const [start, size] = blocks.shift() as [number, number];
    if (seenBlocks.has(start))
      ctx.refuse('malformed', path, 'The object header continues into a block it already read (a loop).');
    seenBlocks.add(start);
    if (seenBlocks.size > 10_000)
      ctx.refuse('limit', path, 'The object header has more than 10,000 continuation blocks.');
    r.check(start, size, 'An object header block');
    const end = start + size;
    let p = start;
    while (p + (v2 ? 4 : 8) <= end) {
      ctx.tick(path);
      let type: number;
      let msgSize: number;
      let flags: number;
      if (v2) {
        type = r.u8(p);
        msgSize = r.u16(p + 1);
        flags = r.u8(p + 3);
        p += 4 + (creationOrder ? 2 : 0);
      } else {
        type = r.u16(p);
        msgSize = r.u16(p + 2);
        flags = r.u8(p + 4);
        p += 8;
      }
      if (p + msgSize > end)
        ctx.refuse('malformed', path, `A header message (type ${type}) runs past its block.`);
      if (type === 0x10) {
        const next = address(file, p, 'A continuation address');
        const nextSize = length(file, p + file.so, 'A continuation length');
        if (next !== null) {
          if (v2) {
            if (r.text(next, 4, 'A continuation block', 'latin1') !== 'OCHK') {
              ctx.refuse('malformed', path, 'A continuation block lacks its OCHK signature.');
            }
            blocks.push([next + 4, nextSize - 8]); // signature and checksum around the messages
          } else blocks.push([next, nextSize]);
        }
      } else if (type !== 0) {
        messages.push({ type, flags, at: p, size: msgSize });
      }
      p += msgSize;
      if (!v2) p = start + Math.ceil((p - start) / 8) * 8;
    }
  }
  return messages;
}
