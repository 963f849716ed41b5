/**
 * Byte builders for HDF5 layouts the corpus writer (corpus/hdf5.ts, h5py's defaults) does not produce: superblocks
 * v2/v3, version 2 object headers (`OHDR`, continuation blocks `OCHK`), link, link-info and attribute-info messages,
 * version 2 dataspaces and version 3/4 layouts and attributes, laid out by the HDF5 File Format Specification 3.0.
 * Checksums are written as zeros (the scanner does not verify them). Addresses are 8 bytes, lengths 8 bytes.
 */

import { expect } from 'vitest';
import { FLOAT32, le, VLEN_STRING } from '../corpus/hdf5';
import { scanModelFile } from '../scan';
import type { Finding } from '../types';

export { FLOAT32, le, VLEN_STRING };

const enc = new TextEncoder();

export const text = (s: string): number[] => [...enc.encode(s)];

export interface Msg {
  type: number;
  data: number[];
  flags?: number;
}

/** A file under construction: 48 bytes kept for a version 2 superblock, objects appended after it. */
export class H5v2 {
  bytes: number[] = new Array(48).fill(0);

  add(data: number[]): number {
    const at = this.bytes.length;
    for (const b of data) this.bytes.push(b);
    return at;
  }

  /** Appends a version 2 object header holding `messages` (object header flags `flags`: bits 0-1 the size width). */
  object(messages: Msg[], flags = 0x02): number {
    return this.add(ohdr(messages, flags));
  }

  /** The file with a superblock of `version` (2 or 3) pointing at `root`. */
  finish(
    root: number,
    options: { version?: number; ext?: number; eof?: number; so?: number } = {},
  ): Uint8Array {
    const sb = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, options.version ?? 2, options.so ?? 8, 8, 0];
    sb.push(
      ...le(0, 8),
      ...le(options.ext ?? -1, 8),
      ...le(options.eof ?? this.bytes.length, 8),
      ...le(root, 8),
    );
    const out = [...this.bytes];
    for (let i = 0; i < sb.length; i++) out[i] = sb[i] as number;
    return new Uint8Array(out);
  }
}

/** The message bytes of a version 2 object header (4-byte prefix, 6 with creation order). */
export function v2Messages(messages: Msg[], creationOrder = false): number[] {
  return messages.flatMap((m) => [
    m.type,
    ...le(m.data.length, 2),
    m.flags ?? 0,
    ...(creationOrder ? [0, 0] : []),
    ...m.data,
  ]);
}

export function ohdr(messages: Msg[], flags = 0x02): number[] {
  const body = v2Messages(messages, (flags & 0x04) !== 0);
  const width = 1 << (flags & 0x03);
  return [
    ...text('OHDR'),
    2,
    flags,
    ...(flags & 0x20 ? new Array(16).fill(0) : []),
    ...(flags & 0x10 ? [8, 0, 6, 0] : []),
    ...le(body.length, width),
    ...body,
    0,
    0,
    0,
    0,
  ];
}

/** A hard link (message 0x06) named `name` to the object header at `target`. */
export function hardLink(name: string, target: number): Msg {
  return { type: 0x06, data: [1, 0, name.length, ...text(name), ...le(target, 8)] };
}

/** A link of `type` (1 soft, 64 external, others user-defined) carrying `value`. */
export function typedLink(name: string, type: number, value: number[]): Msg {
  return { type: 0x06, data: [1, 0x08, type, name.length, ...text(name), ...le(value.length, 2), ...value] };
}

/** A version 2 dataspace: `shape` (null for a null dataspace, [] for a scalar). */
export function space(shape: number[] | null): number[] {
  const dims = shape ?? [];
  return [
    2,
    dims.length,
    0,
    shape === null ? 2 : dims.length === 0 ? 0 : 1,
    ...dims.flatMap((d) => le(d, 8)),
  ];
}

export const fixedString = (size: number): number[] => [0x13, 0, 0, 0, ...le(size, 4)];

/** A version 3 attribute message (no padding, an encoding byte) of datatype `type` and dataspace `sp`. */
export function attribute(name: string, type: number[], sp: number[], data: number[]): Msg {
  const nameBytes = [...text(name), 0];
  const head = [3, 0, ...le(nameBytes.length, 2), ...le(type.length, 2), ...le(sp.length, 2), 0];
  return { type: 0x0c, data: [...head, ...nameBytes, ...type, ...sp, ...data] };
}

/** A fixed-length string attribute holding `count` copies of `value`. */
export function stringAttribute(name: string, value: string, count = 1): Msg {
  const type = fixedString(Math.max(1, text(value).length));
  const data = Array.from({ length: count }, () => text(value)).flat();
  return attribute(name, type, count === 1 ? space([]) : space([count]), data);
}

/** A global heap collection (GCOL) holding `objects` as objects 1, 2, …, at least 4 KiB as HDF5 writes it. */
export function globalHeap(objects: number[][]): number[] {
  const body = objects.flatMap((data, i) => {
    const padded = [...data, ...new Array((8 - (data.length % 8)) % 8).fill(0)];
    return [...le(i + 1, 2), ...le(1, 2), 0, 0, 0, 0, ...le(data.length, 8), ...padded];
  });
  const size = Math.max(4096, 16 + body.length + 16);
  const head = [...text('GCOL'), 1, 0, 0, 0, ...le(size, 8), ...body];
  return [...head, ...new Array(size - head.length).fill(0)];
}

/** A dataset of float32 `shape` with the layout message `layout` (and `extra` messages). */
export function dataset(shape: number[] | null, layout: number[], extra: Msg[] = []): Msg[] {
  return [
    { type: 0x01, data: space(shape) },
    { type: 0x03, data: FLOAT32 },
    { type: 0x08, data: layout },
    ...extra,
  ];
}

/** A version 1 message; `size` may differ from the data's length, as in a hostile file. */
export const v1msg = (type: number, data: number[], flags = 0, size = data.length): number[] => [
  ...le(type, 2),
  ...le(size, 2),
  flags,
  0,
  0,
  0,
  ...data,
];
/** A version 1 object header whose one block holds `body` (its size field `size`). */
export const v1header = (body: number[], size = body.length): number[] => [
  1,
  0,
  1,
  0,
  ...le(1, 4),
  ...le(size, 4),
  0,
  0,
  0,
  0,
  ...body,
];

/** A file whose root object (at 48) is the bytes `root`, the end of file wherever they end. */
export function rootOf(root: number[]): Uint8Array {
  const h = new H5v2();
  h.add(root);
  return h.finish(48);
}

/** The scan of `bytes` as x.h5. */
export const scanH5 = (bytes: Uint8Array) => scanModelFile('x.h5', bytes);

/** The last finding of a scan that must refuse the file. */
export function refusalOf(bytes: Uint8Array): Finding | undefined {
  const result = scanH5(bytes);
  expect(result.verdict).toBe('refused');
  return result.findings.at(-1);
}

/** A malformed-file refusal at `location` (the reader's own bounds checks name the file alone, `x.h5`). */
export const malformed = (sentence: string, location: string) => ({
  severity: 'high',
  kind: 'malformed',
  location,
  sentence,
});
