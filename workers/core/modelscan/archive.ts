/**
 * Zip and tar archives: a `.keras` model (config.json, metadata.json, model.weights.h5 or .npz, assets/), a PyTorch
 * checkpoint (…/data.pkl), a TensorFlow SavedModel folder (also in a tar), a NumPy .npz, or another zip, whose entries
 * are scanned by what their bytes are.
 */
import { quote, type ScanContext } from './context';
import { isObject, parseJsonBytes } from './json';
import { walkKerasConfig } from './keras-config';
import { readTar, type TarMember } from './tar';
import { isTorchZip, scanTorchTar, scanTorchZip } from './torch';
import type { ModelFormat } from './types';
import { entryBytes, readZip, type ZipEntry } from './zip';

/** Scans nested bytes (an archive entry) by their own format; supplied by scan.ts to avoid an import cycle. */
export type NestedScan = (bytes: Uint8Array, ctx: ScanContext, where: string, nesting: number) => ModelFormat;

const KERAS_ENTRIES = new Set(['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz']);

export function scanZip(
  bytes: Uint8Array,
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): ModelFormat {
  const entries = readZip(bytes, ctx, where);
  if (entries.some((e) => e.name === 'config.json')) {
    scanKeras(bytes, entries, ctx, where, nesting, nested);
    return 'keras';
  }
  if (isTorchZip(entries)) {
    scanTorchZip(bytes, entries, ctx, where, nesting);
    return 'pytorch';
  }
  const files = entries.map((e) => ({ name: e.name, read: () => entryBytes(bytes, e, ctx, where) }));
  if (scanSavedModelArchive(files, ctx, where, nesting, nested)) return 'tf-savedmodel';
  const npz = entries.length > 0 && entries.every((e) => e.name.endsWith('.npy'));
  for (const entry of entries) scanEntry(bytes, entry, ctx, where, nesting, nested);
  return npz ? 'numpy' : 'zip';
}

/**
 * A tar: PyTorch's oldest checkpoint, a SavedModel folder (as TF Hub ships it), or any other tar, whose files are
 * scanned by their bytes as a plain zip's entries are. Folders and links hold no bytes; the reader names links that
 * point out of the archive's folder.
 */
export function scanTar(
  bytes: Uint8Array,
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): ModelFormat {
  const members = readTar(bytes, ctx, where);
  if (scanTorchTar(bytes, members, ctx, where, nesting)) return 'pytorch-legacy';
  const read = (m: TarMember) => bytes.subarray(m.offset, m.offset + m.size);
  const files = members.filter((m) => m.kind === 'file').map((m) => ({ name: m.name, read: () => read(m) }));
  if (scanSavedModelArchive(files, ctx, where, nesting, nested)) return 'tf-savedmodel';
  for (const member of members) {
    const at = `${where} › ${member.name}`;
    if (member.kind === 'file') {
      ctx.checkNesting(nesting, at);
      nested(read(member), ctx, at, nesting + 1);
    } else if (member.kind === 'other') {
      ctx.add({
        severity: 'medium',
        kind: 'unknown-entry',
        location: at,
        sentence:
          'The member is no file, folder or link (a device or a pipe, say); the scanner did not read it.',
      });
    }
  }
  return 'tar';
}

function scanEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): ModelFormat | null {
  if (entry.name.endsWith('/') && entry.size === 0) return null;
  const at = `${where} › ${entry.name}`;
  ctx.checkNesting(nesting, at);
  return nested(entryBytes(bytes, entry, ctx, where), ctx, at, nesting + 1);
}

function scanKeras(
  bytes: Uint8Array,
  entries: ZipEntry[],
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): void {
  for (const entry of entries) {
    ctx.tick(where, 64);
    const at = `${where} › ${entry.name}`;
    if (entry.name === 'config.json') {
      const config = parseJsonBytes(entryBytes(bytes, entry, ctx, where), ctx, at);
      if (!isObject(config)) ctx.refuse('malformed', at, 'config.json is not a JSON object.');
      walkKerasConfig(config, ctx, at);
    } else if (entry.name === 'metadata.json') {
      const metadata = parseJsonBytes(entryBytes(bytes, entry, ctx, where), ctx, at);
      if (!isObject(metadata)) ctx.refuse('malformed', at, 'metadata.json is not a JSON object.');
    } else if (KERAS_ENTRIES.has(entry.name)) {
      scanEntry(bytes, entry, ctx, where, nesting, nested);
    } else if (entry.name.startsWith('assets/')) {
      // Assets (vocabularies, images) are data; one that is itself a model format is scanned as one.
      const content = entryBytes(bytes, entry, ctx, where);
      if (content.length > 0) nestedIfModel(content, ctx, at, nesting, nested);
    } else {
      ctx.add({
        severity: 'medium',
        kind: 'unknown-entry',
        location: at,
        sentence: `The archive holds ${quote(entry.name)}, which Keras does not write into a .keras file; the scanner read it as its bytes say.`,
      });
      scanEntryLeniently(bytes, entry, ctx, where, nesting, nested);
    }
  }
}

/** Scans an entry of unknown purpose when its bytes are a model format; plain data is left alone. */
function scanEntryLeniently(
  bytes: Uint8Array,
  entry: ZipEntry,
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): void {
  if (entry.name.endsWith('/')) return;
  nestedIfModel(entryBytes(bytes, entry, ctx, where), ctx, `${where} › ${entry.name}`, nesting, nested);
}

function nestedIfModel(
  content: Uint8Array,
  ctx: ScanContext,
  at: string,
  nesting: number,
  nested: NestedScan,
): void {
  const first = content[0];
  const looksLikeModel = first === 0x80 || first === 0x50 || first === 0x89 || first === 0x93;
  if (!looksLikeModel) return;
  ctx.checkNesting(nesting, at);
  nested(content, ctx, at, nesting + 1);
}

/** An archive member: its path and, read on demand, its bytes. */
export interface ArchiveFile {
  name: string;
  read: () => Uint8Array;
}

/** What a SavedModel folder holds beside saved_model.pb and keras_metadata.pb, read as data. */
const SAVED_MODEL_DATA = /^(fingerprint\.pb|variables\/.*)$/;

/** Each folder that holds a saved_model.pb (`''` for the top), longest first, so that a file belongs to the deepest. */
export function savedModelRoots(names: readonly string[]): string[] {
  return names
    .filter((name) => /(^|\/)saved_model\.pb$/.test(name))
    .map((name) => name.slice(0, -'saved_model.pb'.length))
    .sort((a, b) => b.length - a.length);
}

/** Whether `name` is a checkpoint shard or the fingerprint of a SavedModel under one of `roots`: data, never read. */
export function isSavedModelData(name: string, roots: readonly string[]): boolean {
  const root = roots.find((r) => name.startsWith(r));
  return root !== undefined && SAVED_MODEL_DATA.test(name.slice(root.length));
}

/**
 * Scans an archive or a folder that holds a SavedModel (any `…/saved_model.pb`); false when it holds none. The graphs
 * and the Keras metadata are scanned; the checkpoint (variables/) and the fingerprint are tensors and hashes
 * TensorFlow reads as data, never read here; assets are scanned when their bytes are a model format; anything else is
 * listed as unknown.
 */
export function scanSavedModelArchive(
  files: readonly ArchiveFile[],
  ctx: ScanContext,
  where: string,
  nesting: number,
  nested: NestedScan,
): boolean {
  const roots = savedModelRoots(files.map((f) => f.name));
  if (roots.length === 0) return false;
  for (const file of files) {
    ctx.tick(where, 64);
    if (file.name.endsWith('/')) continue;
    const at = `${where} › ${file.name}`;
    const root = roots.find((r) => file.name.startsWith(r));
    const inFolder = root === undefined ? file.name : file.name.slice(root.length);
    if (root !== undefined && (inFolder === 'saved_model.pb' || inFolder === 'keras_metadata.pb')) {
      ctx.checkNesting(nesting, at);
      nested(file.read(), ctx, at, nesting + 1);
    } else if (isSavedModelData(file.name, roots)) {
      // Checkpoint shards and the fingerprint: data TensorFlow never runs.
    } else {
      if (root === undefined || !/^assets(\.extra)?\//.test(inFolder)) {
        ctx.add({
          severity: 'medium',
          kind: 'unknown-entry',
          location: at,
          sentence: `${quote(file.name)} is not a file TensorFlow writes into a SavedModel; the scanner read it as its bytes say.`,
        });
      }
      const content = file.read();
      if (content.length > 0) nestedIfModel(content, ctx, at, nesting, nested);
    }
  }
  return true;
}
