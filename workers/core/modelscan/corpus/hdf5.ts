/**
 * A small HDF5 writer for the test corpus, laid out as h5py writes by default (superblock v0, version 1 object
 * headers, old-style groups with a v1 B-tree, a symbol-table node and a local heap; attributes as fixed or
 * variable-length strings, the latter in a global heap; contiguous float32 datasets). Options add what a hostile
 * file would: external and soft links (link messages), external storage, virtual layouts, chunked datasets and
 * declared sizes beyond the file.
 */

export type H5Attr = { name: string; value: string; vlen?: boolean };
export type H5Node =
  | { kind: 'group'; attrs?: H5Attr[]; children: Record<string, H5Node>; newStyle?: boolean }
  | {
      kind: 'dataset';
      shape: number[];
      data?: Float32Array;
      attrs?: H5Attr[];
      layout?: 'contiguous' | 'external' | 'virtual' | 'chunked';
      declaredBeyondFile?: boolean;
    }
  | { kind: 'external-link'; file: string; path: string }
  | { kind: 'soft-link'; path: string };

const UNDEF = -1;
const enc = new TextEncoder();

class Writer {
  bytes: number[] = [];
  alloc(size: number): number {
    const at = this.bytes.length;
    for (let i = 0; i < size; i++) this.bytes.push(0);
    return at;
  }
  put(at: number, data: ArrayLike<number>): void {
    for (let i = 0; i < data.length; i++) this.bytes[at + i] = data[i] as number;
  }
  append(data: ArrayLike<number>): number {
    const at = this.alloc(data.length);
    this.put(at, data);
    return at;
  }
}

/** `value` as `size` little-endian bytes; -1 (UNDEF) is HDF5's undefined address, all bits set. */
export function le(value: number, size: number): number[] {
  const out: number[] = [];
  if (value === UNDEF) return new Array(size).fill(0xff);
  let v = value;
  for (let i = 0; i < size; i++) {
    out.push(v % 256);
    v = Math.floor(v / 256);
  }
  return out;
}

function pad8(data: number[]): number[] {
  const out = [...data];
  while (out.length % 8 !== 0) out.push(0);
  return out;
}

export const FLOAT32 = [
  0x11,
  0x20,
  0x3f,
  0x00,
  ...le(4, 4),
  ...le(0, 2),
  ...le(32, 2),
  23,
  8,
  0,
  23,
  ...le(127, 4),
];

function stringType(size: number): number[] {
  return [0x13, 0x00, 0x00, 0x00, ...le(size, 4)];
}
export const VLEN_STRING = [
  0x19,
  0x01,
  0x01,
  0x00,
  ...le(16, 4),
  0x10,
  0x00,
  0x00,
  0x00,
  ...le(1, 4),
  ...le(0, 2),
  ...le(8, 2),
];

function dataspace(shape: number[]): number[] {
  return [1, shape.length, 0, 0, 0, 0, 0, 0, ...shape.flatMap((d) => le(d, 8))];
}

function message(type: number, data: number[]): number[] {
  const body = pad8(data);
  return [...le(type, 2), ...le(body.length, 2), 0, 0, 0, 0, ...body];
}

function objectHeader(w: Writer, messages: number[][]): number {
  const body = messages.flat();
  const header = [1, 0, ...le(messages.length, 2), ...le(1, 4), ...le(body.length, 4), 0, 0, 0, 0];
  return w.append([...header, ...body]);
}

function globalHeapString(w: Writer, text: string): [number, number] {
  const data = [...enc.encode(text)];
  const object = [...le(1, 2), ...le(1, 2), 0, 0, 0, 0, ...le(data.length, 8), ...pad8(data)];
  // Collections are at least 4 KiB; the rest is one free-space object (index 0) whose size counts its header.
  const size = Math.max(4096, 16 + object.length + 16);
  const free = size - 16 - object.length;
  const head = [
    ...enc.encode('GCOL'),
    1,
    0,
    0,
    0,
    ...le(size, 8),
    ...object,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...le(free, 8),
  ];
  const at = w.append([...head, ...new Array(size - head.length).fill(0)]);
  return [at, data.length];
}

function attributeMessage(w: Writer, attr: H5Attr): number[] {
  const name = [...enc.encode(attr.name), 0];
  const value = [...enc.encode(attr.value)];
  let type: number[];
  let data: number[];
  if (attr.vlen) {
    const [heap, length] = globalHeapString(w, attr.value);
    type = VLEN_STRING;
    data = [...le(length, 4), ...le(heap, 8), ...le(1, 4)];
  } else {
    type = stringType(Math.max(1, value.length));
    data = value.length > 0 ? value : [0];
  }
  const space = [1, 0, 0, 0, 0, 0, 0, 0];
  const body = [
    1,
    0,
    ...le(name.length, 2),
    ...le(type.length, 2),
    ...le(space.length, 2),
    ...pad8(name),
    ...pad8(type),
    ...pad8(space),
    ...data,
  ];
  return message(0x0c, body);
}

function writeDataset(w: Writer, node: Extract<H5Node, { kind: 'dataset' }>): number {
  const layout = node.layout ?? 'contiguous';
  const count = layout === 'chunked' ? 0 : node.shape.reduce((a, b) => a * b, 1);
  const data = node.data ?? new Float32Array(count).map((_, i) => i / 10);
  const raw = [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)];
  const messages = [message(0x01, dataspace(node.shape)), message(0x03, FLOAT32)];
  if (layout === 'contiguous') {
    const at = node.declaredBeyondFile ? 1 << 20 : w.append(raw);
    messages.push(message(0x08, [3, 1, ...le(at, 8), ...le(raw.length, 8)]));
  } else if (layout === 'external') {
    const heap = localHeap(w, ['', 'weights.bin']);
    messages.push(
      message(0x07, [
        1,
        0,
        0,
        0,
        ...le(1, 2),
        ...le(1, 2),
        ...le(heap.at, 8),
        ...le(heap.offsets[1] as number, 8),
        ...le(0, 8),
        ...le(raw.length, 8),
      ]),
    );
    messages.push(message(0x08, [3, 1, ...le(UNDEF, 8), ...le(raw.length, 8)]));
  } else if (layout === 'virtual') {
    messages.push(message(0x08, [4, 3, ...le(UNDEF, 8), ...le(0, 4)]));
  } else {
    // One chunk holding 16 stored bytes for the whole (possibly huge) declared shape.
    const chunk = w.append(new Array(16).fill(0));
    const rank = node.shape.length + 1;
    const key = (size: number, offsets: number[]) => [
      ...le(size, 4),
      ...le(0, 4),
      ...offsets.flatMap((o) => le(o, 8)),
    ];
    const tree = w.append([
      ...enc.encode('TREE'),
      1,
      0,
      ...le(1, 2),
      ...le(UNDEF, 8),
      ...le(UNDEF, 8),
      ...key(16, new Array(rank).fill(0)),
      ...le(chunk, 8),
      ...key(0, [...node.shape, 0]),
    ]);
    messages.push(
      message(0x08, [3, 2, rank, ...le(tree, 8), ...node.shape.flatMap(() => le(1, 4)), ...le(4, 4)]),
    );
  }
  for (const attr of node.attrs ?? []) messages.push(attributeMessage(w, attr));
  return objectHeader(w, messages);
}

function localHeap(w: Writer, names: string[]): { at: number; offsets: number[] } {
  const offsets: number[] = [];
  const data: number[] = [];
  for (const name of names) {
    offsets.push(data.length);
    data.push(...pad8([...enc.encode(name), 0]));
  }
  const dataAt = w.append(data);
  // Free-list head 1 is HDF5's "no free block" (H5HL_FREE_NULL).
  const at = w.append([
    ...enc.encode('HEAP'),
    0,
    0,
    0,
    0,
    ...le(data.length, 8),
    ...le(1, 8),
    ...le(dataAt, 8),
  ]);
  return { at, offsets };
}

function linkMessage(name: string, body: number[], type: number | null): number[] {
  const bytes = [...enc.encode(name)];
  const flags = type === null ? 0 : 0x08;
  return message(0x06, [1, flags, ...(type === null ? [] : [type]), bytes.length, ...bytes, ...body]);
}

function writeGroup(
  w: Writer,
  node: Extract<H5Node, { kind: 'group' }>,
): { header: number; btree: number; heap: number } {
  const names = Object.keys(node.children).sort();
  const targets = new Map<string, number>();
  for (const name of names) {
    const child = node.children[name] as H5Node;
    if (child.kind === 'group') targets.set(name, writeGroup(w, child).header);
    else if (child.kind === 'dataset') targets.set(name, writeDataset(w, child));
  }
  const attrs = (node.attrs ?? []).map((a) => attributeMessage(w, a));
  if (node.newStyle) {
    const links = names.map((name) => {
      const child = node.children[name] as H5Node;
      if (child.kind === 'external-link') {
        return linkMessage(
          name,
          [
            ...le(child.file.length + child.path.length + 3, 2),
            0,
            ...enc.encode(child.file),
            0,
            ...enc.encode(child.path),
            0,
          ],
          64,
        );
      }
      if (child.kind === 'soft-link')
        return linkMessage(name, [...le(child.path.length, 2), ...enc.encode(child.path)], 1);
      return linkMessage(name, le(targets.get(name) as number, 8), null);
    });
    const info = message(0x02, [0, 0, ...le(UNDEF, 8), ...le(UNDEF, 8)]);
    return { header: objectHeader(w, [info, ...links, ...attrs]), btree: UNDEF, heap: UNDEF };
  }
  const heap = localHeap(w, ['', ...names]);
  const entries = names.map((name, i) => {
    const child = node.children[name] as H5Node;
    const nameOffset = heap.offsets[i + 1] as number;
    if (child.kind === 'soft-link') {
      // An old-style soft link: cache type 2, its value's heap offset in the scratch pad.
      return [
        ...le(nameOffset, 8),
        ...le(UNDEF, 8),
        ...le(2, 4),
        0,
        0,
        0,
        0,
        ...le(nameOffset, 4),
        ...new Array(12).fill(0),
      ];
    }
    return [
      ...le(nameOffset, 8),
      ...le(targets.get(name) as number, 8),
      ...le(0, 4),
      0,
      0,
      0,
      0,
      ...new Array(16).fill(0),
    ];
  });
  // h5py's defaults: leaf K 4 (8 entries a node), internal K 16 (32 children a B-tree node); nodes are full-size.
  const children: number[] = [];
  const keys: number[] = [0];
  for (let i = 0; i < entries.length; i += 8) {
    const part = entries.slice(i, i + 8);
    const node = [...enc.encode('SNOD'), 1, 0, ...le(part.length, 2), ...part.flat()];
    children.push(w.append([...node, ...new Array(8 + 8 * 40 - node.length).fill(0)]));
    keys.push(heap.offsets[Math.min(names.length, i + 8)] ?? 0);
  }
  if (children.length > 32) throw new Error('the corpus writer puts at most 256 links in a group');
  const used = names.length > 0 ? children.length : 0;
  const body = [
    ...enc.encode('TREE'),
    0,
    0,
    ...le(used, 2),
    ...le(UNDEF, 8),
    ...le(UNDEF, 8),
    ...le(keys[0] as number, 8),
  ];
  for (const [i, child] of children.entries()) body.push(...le(child, 8), ...le(keys[i + 1] as number, 8));
  const btree = w.append([...body, ...new Array(544 - body.length).fill(0)]);
  const table = message(0x11, [...le(btree, 8), ...le(heap.at, 8)]);
  return { header: objectHeader(w, [table, ...attrs]), btree, heap: heap.at };
}

/** Writes an HDF5 file whose root group is `root`. */
export function writeHdf5(root: Extract<H5Node, { kind: 'group' }>): Uint8Array {
  const w = new Writer();
  const sb = w.alloc(96);
  const group = writeGroup(w, root);
  const eof = w.bytes.length;
  w.put(sb, [
    0x89,
    0x48,
    0x44,
    0x46,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    0,
    0,
    8,
    8,
    0,
    ...le(4, 2),
    ...le(16, 2),
    ...le(0, 4),
    ...le(0, 8),
    ...le(UNDEF, 8),
    ...le(eof, 8),
    ...le(UNDEF, 8),
    ...le(0, 8),
    ...le(group.header, 8),
    ...le(root.newStyle ? 0 : 1, 4),
    0,
    0,
    0,
    0,
    ...le(group.btree, 8),
    ...le(group.heap, 8),
  ]);
  return new Uint8Array(w.bytes);
}
