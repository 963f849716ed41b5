/**
 * PyTorch checkpoints: the zip layout of torch.save since 1.6 (`<name>/data.pkl`, raw storages under
 * `<name>/data/`, TorchScript code under `code/`), the legacy stream (five pickles — magic number, protocol,
 * sys_info, the object, storage keys — then raw storages), and the oldest tar layout. Every pickle torch.load
 * would unpickle is scanned; raw storage bytes are not pickles and are skipped by their declared sizes.
 */
import { ByteReader, startsWith } from './bytes';
import { quote, type ScanContext } from './context';
import { opensPickle, scanPickles } from './pickle/scan';
import type { TarMember } from './tar';
import { entryBytes, type ZipEntry } from './zip';

/** The pickle torch.save writes first in its legacy stream: LONG1 of the magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
];

export function isTorchLegacy(bytes: Uint8Array): boolean {
  return startsWith(bytes, LEGACY_MAGIC);
}

export function isTorchZip(entries: readonly ZipEntry[]): boolean {
  return entries.some((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
}

export function scanTorchZip(
  bytes: Uint8Array,
  entries: readonly ZipEntry[],
  ctx: ScanContext,
  where: string,
  nesting: number,
): void {
  const pkl = entries.find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl')) as ZipEntry;
  const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  const torchscript = entries.some((e) => /(^|\/)code\//.test(e.name));
  let noted = false;
  for (const entry of entries) {
    ctx.tick(where, 64);
    const at = `${where} › ${entry.name}`;
    const inData = entry.name.startsWith(`${prefix}data/`);
    if (/(^|\/)code\//.test(entry.name) && !noted) {
      noted = true;
      ctx.add({
        severity: 'medium',
        kind: 'torchscript',
        location: at,
        sentence:
          'The archive holds TorchScript code, which torch.jit.load compiles and runs when the model is called; the scanner lists it but does not analyse TorchScript.',
      });
    }
    if (inData || entry.name.endsWith('/') || entry.size === 0) continue;
    const isPickle = entry.name.endsWith('.pkl');
    if (!isPickle && entry.size < 2) continue;
    const content = entryBytes(bytes, entry, ctx, where);
    if (isPickle || opensPickle(content))
      scanPickles(content, ctx, at, nesting + 1, undefined, { torchscript });
  }
}

export function scanTorchLegacy(bytes: Uint8Array, ctx: ScanContext, where: string, nesting: number): void {
  // Magic, protocol version, sys_info, the object, then the storage keys; raw storage bytes follow.
  scanPickles(bytes, ctx, where, nesting, 5);
}

/** Bytes per element of the legacy storage types (torch.FloatStorage …); a Map, so `constructor` is no type. */
const ELEMENT_SIZE = new Map<string, number>([
  ['Double', 8],
  ['Float', 4],
  ['Half', 2],
  ['BFloat16', 2],
  ['Long', 8],
  ['Int', 4],
  ['Short', 2],
  ['Char', 1],
  ['Byte', 1],
  ['Bool', 1],
  ['ComplexFloat', 8],
  ['ComplexDouble', 16],
]);

export function scanTorchTar(
  bytes: Uint8Array,
  members: readonly TarMember[],
  ctx: ScanContext,
  where: string,
  nesting: number,
): boolean {
  const byName = new Map(members.map((m) => [m.name, m]));
  if (!byName.has('pickle') || !byName.has('storages')) return false;
  for (const name of ['sys_info', 'pickle']) {
    const m = byName.get(name);
    if (m)
      scanPickles(bytes.subarray(m.offset, m.offset + m.size), ctx, `${where} › ${name}`, nesting + 1, 1);
  }
  scanRecords(bytes, byName.get('storages'), 'storages', ctx, where, nesting);
  scanRecords(bytes, byName.get('tensors'), 'tensors', ctx, where, nesting);
  for (const m of members) {
    if (!['sys_info', 'pickle', 'storages', 'tensors'].includes(m.name)) {
      ctx.add({
        severity: 'medium',
        kind: 'unknown-entry',
        location: `${where} › ${quote(m.name)}`,
        sentence: 'The tar holds a member that PyTorch checkpoints do not have.',
      });
    }
  }
  return true;
}

/** `storages`: a count pickle, then per storage an args pickle and 8-byte element count + data; `tensors`: a count
 * pickle, then per tensor an args pickle, ndim (4 bytes), 4 skipped bytes, sizes and strides (8 · ndim each) and
 * an 8-byte offset (torch/serialization.py, legacy_load). */
function scanRecords(
  bytes: Uint8Array,
  member: { offset: number; size: number } | undefined,
  kind: 'storages' | 'tensors',
  ctx: ScanContext,
  where: string,
  nesting: number,
): void {
  if (!member) return;
  const data = bytes.subarray(member.offset, member.offset + member.size);
  const at = `${where} › ${kind}`;
  const r = new ByteReader(data, ctx, at);
  let p = scanPickles(data, ctx, at, nesting + 1, 1).end;
  const count = readSmallInt(data, ctx, at);
  for (let i = 0; i < count; i++) {
    ctx.tick(at, 64);
    const rest = data.subarray(p);
    const summary = scanPickles(rest, ctx, `${at}, record ${i}`, nesting + 1, 1);
    p += summary.end;
    if (kind === 'storages') {
      const type = [...summary.globals].find((g) => /^torch\.\w+Storage$/.test(g));
      const size = ELEMENT_SIZE.get(type?.slice(6, -7) ?? '');
      if (size === undefined)
        ctx.refuse(
          'malformed',
          `${at}, record ${i}`,
          'The storage record names no storage type the scanner knows, so its size cannot be read.',
        );
      const numel = r.defined(p, 8, 'A storage size');
      p += 8 + numel * size;
      r.check(0, p, 'The storage data');
    } else {
      const ndim = r.u32(p, 'A tensor rank');
      if (ndim > 64) ctx.refuse('malformed', `${at}, record ${i}`, `A tensor has rank ${ndim}.`);
      p += 8 + 16 * ndim + 8;
      r.check(0, p, 'The tensor record');
    }
  }
}

/** The count pickled first in `storages`/`tensors` (BININT1, BININT2 or BININT after PROTO). */
function readSmallInt(data: Uint8Array, ctx: ScanContext, at: string): number {
  const r = new ByteReader(data, ctx, at);
  let p = opensPickle(data) ? 2 : 0;
  const op = r.u8(p++);
  const count = op === 0x4b ? r.u8(p) : op === 0x4d ? r.u16(p) : op === 0x4a ? r.u32(p) : -1;
  if (count < 0 || count > ctx.limits.maxEntries)
    ctx.refuse('malformed', at, 'The record count is not a small integer.');
  return count;
}
