/**
 * Walks an HDF5 file's object graph from the root group: old-style groups (v1 B-trees of symbol-table nodes) and
 * new-style compact links, every object once. External links, user-defined links, external storage and virtual
 * datasets are findings; declared dataset sizes are checked against what the file stores; dense (fractal-heap)
 * link and attribute storage, which h5py does not write for Keras models, is refused rather than passed unread.
 */
import type { ByteReader } from '../bytes';
import { formatBytes, quote, type ScanContext } from '../context';
import { address, type Hdf5File, type Message, readObjectHeader } from './file';
import {
  type Attribute,
  decodeAttribute,
  decodeDataspace,
  decodeLayout,
  decodeLink,
  type Link,
  localHeapString,
  messageDatatype,
} from './messages';

/** Called with every attribute of every object. */
export type AttributeVisitor = (objectPath: string, attribute: Attribute) => void;

/** Declared sizes above this, and over RATIO × what is stored, are refused (shape and decompression bombs). */
const BOMB_FLOOR = 64 * 1024 ** 2;
const BOMB_RATIO = 1000;

export function walkHdf5(file: Hdf5File, where: string, onAttribute: AttributeVisitor): void {
  const ctx = file.r.ctx;
  const visited = new Set<number>();
  const queue: { addr: number; path: string }[] = [{ addr: file.root.header, path: '/' }];
  while (queue.length > 0) {
    const { addr, path } = queue.shift() as { addr: number; path: string };
    if (visited.has(addr)) continue;
    visited.add(addr);
    const at = `${where}: ${path}`;
    const messages = readObjectHeader(file, addr, at);
    for (const msg of messages) {
      if (msg.type === 0x0c) onAttribute(path, decodeAttribute(file, msg, at));
      else if (
        msg.type === 0x15 &&
        address(file, msg.at + 2 + (file.r.u8(msg.at + 1) & 1 ? 2 : 0)) !== null
      ) {
        ctx.refuse(
          'unsupported',
          at,
          'The object keeps its attributes in dense (fractal heap) storage, which the scanner does not read; the file is refused rather than passed unread.',
        );
      }
    }
    const symbolTable = messages.find((m) => m.type === 0x11);
    if (symbolTable) {
      const btree = address(file, symbolTable.at, 'A group B-tree address');
      const heap = address(file, symbolTable.at + file.so, 'A group heap address');
      if (btree !== null && heap !== null) {
        for (const link of oldStyleLinks(file, btree, heap, at)) follow(link, path, queue, ctx, where);
      }
    }
    for (const msg of messages) {
      if (msg.type === 0x06) follow(decodeLink(file, msg, at), path, queue, ctx, where);
      if (msg.type === 0x02) {
        const flags = file.r.u8(msg.at + 1);
        if (address(file, msg.at + 2 + (flags & 1 ? 8 : 0)) !== null) {
          ctx.refuse(
            'unsupported',
            at,
            'The group keeps its links in dense (fractal heap) storage, which the scanner does not read; the file is refused rather than passed unread.',
          );
        }
      }
    }
    if (messages.some((m) => m.type === 0x08)) checkDataset(file, messages, at, ctx);
  }
}

function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function follow(
  link: Link,
  parent: string,
  queue: { addr: number; path: string }[],
  ctx: ScanContext,
  where: string,
): void {
  const path = childPath(parent, link.name);
  const at = `${where}: ${path}`;
  switch (link.kind) {
    case 'hard':
      queue.push({ addr: link.target, path });
      return;
    case 'soft':
      ctx.add({
        severity: 'medium',
        kind: 'soft-link',
        location: at,
        sentence: `The soft link points to ${quote(link.path)} in the same file; Keras refuses soft links, and the scanner did not follow it.`,
      });
      return;
    case 'external':
      ctx.add({
        severity: 'high',
        kind: 'external-link',
        location: at,
        sentence: `The external link points to ${quote(link.path)} in the file ${quote(link.file)}; opening it makes the HDF5 library read another file (Keras refuses external links).`,
      });
      return;
    case 'user':
      ctx.add({
        severity: 'high',
        kind: 'external-link',
        location: at,
        sentence: `The link has user-defined type ${link.type}, which the HDF5 library resolves through a plugin of the loading program.`,
      });
  }
}

/** Links of an old-style group: a v1 B-tree (type 0) of symbol-table nodes, names in the local heap. */
function oldStyleLinks(file: Hdf5File, root: number, heap: number, at: string): Link[] {
  const r: ByteReader = file.r;
  const ctx: ScanContext = r.ctx;
  const links: Link[] = [];
  const nodes = [root];
  const seen = new Set<number>();
  while (nodes.length > 0) {
    const node = nodes.pop() as number;
    if (seen.has(node)) ctx.refuse('malformed', at, 'The group B-tree visits a node twice (a loop).');
    seen.add(node);
    if (++ctx.hdf5Objects > ctx.limits.maxHdf5Objects) {
      ctx.refuse('limit', at, `The file has more than ${ctx.limits.maxHdf5Objects} HDF5 objects, the cap.`);
    }
    if (r.text(node, 4, 'A group B-tree node', 'latin1') !== 'TREE' || r.u8(node + 4) !== 0) {
      ctx.refuse('malformed', at, `No group B-tree node at byte ${node}.`);
    }
    const level = r.u8(node + 5);
    const used = r.u16(node + 6);
    let p = node + 8 + 2 * file.so + file.sl;
    for (let i = 0; i < used; i++) {
      const child = address(file, p, 'A B-tree child address');
      if (child === null) ctx.refuse('malformed', at, 'A group B-tree child has no address.');
      if (level > 0) nodes.push(child);
      else links.push(...symbolNode(file, child, heap, at));
      p += file.so + file.sl;
    }
  }
  return links;
}

function symbolNode(file: Hdf5File, node: number, heap: number, at: string): Link[] {
  const r: ByteReader = file.r;
  if (r.text(node, 4, 'A symbol table node', 'latin1') !== 'SNOD')
    r.ctx.refuse('malformed', at, `No symbol table node at byte ${node}.`);
  const count = r.u16(node + 6);
  const size = 2 * file.so + 24;
  r.check(node + 8, count * size, 'The symbol table entries');
  const links: Link[] = [];
  for (let i = 0; i < count; i++) {
    const e = node + 8 + i * size;
    const name = localHeapString(file, heap, r.defined(e, file.so, 'A link name offset'), at);
    const cache = r.u32(e + 2 * file.so);
    if (cache === 2) {
      links.push({ name, kind: 'soft', path: localHeapString(file, heap, r.u32(e + 2 * file.so + 8), at) });
    } else {
      const target = address(file, e + file.so, 'An object header address');
      if (target === null) r.ctx.refuse('malformed', at, `The link ${quote(name)} has no object header.`);
      links.push({ name, kind: 'hard', target });
    }
  }
  return links;
}

function checkDataset(file: Hdf5File, messages: Message[], at: string, ctx: ScanContext): void {
  const layoutMsg = messages.find((m) => m.type === 0x08) as Message;
  const spaceMsg = messages.find((m) => m.type === 0x01);
  const typeMsg = messages.find((m) => m.type === 0x03);
  if (!spaceMsg || !typeMsg)
    ctx.refuse('malformed', at, 'The dataset lacks its dataspace or datatype message.');
  const space = decodeDataspace(file, spaceMsg.at, spaceMsg.size, at);
  const type = messageDatatype(file, typeMsg, at);
  const declared = space.elements * type.size;
  if (messages.some((m) => m.type === 0x07)) {
    ctx.add({
      severity: 'high',
      kind: 'external-storage',
      location: at,
      sentence:
        'The dataset keeps its data in external files named in the file; reading it makes the HDF5 library open those files (Keras refuses external datasets).',
    });
    return;
  }
  const layout = decodeLayout(file, layoutMsg.at, at);
  let stored = file.r.length;
  if (layout.kind === 'virtual') {
    ctx.add({
      severity: 'high',
      kind: 'virtual-dataset',
      location: at,
      sentence:
        'The dataset is virtual: its data is mapped from other datasets, possibly in other files, which the HDF5 library opens when it is read (Keras refuses virtual datasets).',
    });
    return;
  }
  if (layout.kind === 'contiguous') {
    stored = layout.address === null ? 0 : layout.size;
    if (layout.address !== null && layout.address + layout.size > file.r.length) {
      ctx.refuse(
        'malformed',
        at,
        `The dataset's ${formatBytes(layout.size)} of data at byte ${layout.address} run past the end of the file (${formatBytes(file.r.length)}).`,
      );
    }
  } else if (layout.kind === 'compact') stored = layout.size;
  else if (layout.btree !== null) stored = chunkBytes(file, layout.btree, layout.rank, at);
  if (declared > BOMB_FLOOR && declared > BOMB_RATIO * Math.max(1, stored)) {
    ctx.refuse(
      'limit',
      at,
      `The dataset declares ${Number.isFinite(declared) ? formatBytes(declared) : 'more than 2^53 bytes'} but the file stores ${formatBytes(stored)} for it, a shape or decompression bomb.`,
    );
  }
}

/** The stored bytes of a chunked dataset indexed by a v1 B-tree (type 1), each chunk checked against the file. */
function chunkBytes(file: Hdf5File, root: number, rank: number, at: string): number {
  const r: ByteReader = file.r;
  const ctx: ScanContext = r.ctx;
  let total = 0;
  const nodes = [root];
  const seen = new Set<number>();
  const keySize = 8 + 8 * rank;
  while (nodes.length > 0) {
    const node = nodes.pop() as number;
    if (seen.has(node)) ctx.refuse('malformed', at, 'The chunk B-tree visits a node twice (a loop).');
    seen.add(node);
    if (++ctx.hdf5Objects > ctx.limits.maxHdf5Objects)
      ctx.refuse('limit', at, `The file has more than ${ctx.limits.maxHdf5Objects} HDF5 objects, the cap.`);
    if (r.text(node, 4, 'A chunk B-tree node', 'latin1') !== 'TREE' || r.u8(node + 4) !== 1)
      ctx.refuse('malformed', at, `No chunk B-tree node at byte ${node}.`);
    const level = r.u8(node + 5);
    const used = r.u16(node + 6);
    let p = node + 8 + 2 * file.so;
    for (let i = 0; i < used; i++) {
      const size = r.u32(p, 'A chunk size');
      const child = address(file, p + keySize, 'A chunk address');
      if (child === null) ctx.refuse('malformed', at, 'A chunk has no address.');
      if (level > 0) nodes.push(child);
      else {
        r.check(child, size, 'A chunk');
        total += size;
      }
      p += keySize + file.so;
    }
  }
  return total;
}
