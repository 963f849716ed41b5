/**
 * Image exports (issue 11): the clean set and the quarantined files as zips holding each file byte for byte under
 * its original path, streamed with fflate (stored, not deflated again: images are compressed already). Every file
 * is read back from the source the dataset was imported from and checked against the SHA-256 recorded at import,
 * so a stored archive that changed since is caught instead of exported.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { type ByteBudget, readCapped } from '../ingest/images/catalog';
import type { ImageLimits, ImageSource } from '../ingest/images/types';
import { hex, sha256Hex } from './hash';

/** A fixed modification time, so the same files make the same zip. */
const MTIME = new Date(Date.UTC(2026, 0, 1));

/** Thrown when a file to export is missing from the source or no longer has its recorded SHA-256. */
export class ExportMismatchError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExportMismatchError';
  }
}

/** One file to write: its path inside the zip and the SHA-256 it must have (32 bytes). */
export interface ExportFile {
  path: string;
  sha256: Uint8Array;
}

/**
 * Writes a zip of `files`, read from `source` by path, to `onChunk` as it goes (chunks in order); resolves when the
 * last chunk is written. Rejects with ExportMismatchError naming the file that is missing or changed.
 */
export async function writeImageZip(
  source: ImageSource,
  files: readonly ExportFile[],
  limits: ImageLimits,
  budget: ByteBudget,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const index = new Map(source.entries.map((e, i) => [e.path, i]));
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else onChunk(chunk);
  });
  for (const file of files) {
    const at = index.get(file.path);
    if (at === undefined)
      throw new ExportMismatchError(file.path, `"${file.path}" is no longer in ${source.name}.`);
    const bytes = await readCapped(source, at, limits, budget);
    if (sha256Hex(bytes) !== hex(file.sha256)) {
      throw new ExportMismatchError(
        file.path,
        `"${file.path}" in ${source.name} no longer has the SHA-256 it had when it was imported; nothing was exported.`,
      );
    }
    const entry = new ZipPassThrough(file.path);
    entry.mtime = MTIME;
    zip.add(entry);
    entry.push(bytes, true);
    if (failure) throw failure;
  }
  zip.end();
  if (failure) throw failure;
}

/** `writeImageZip` into one buffer (for files small enough to hold, and for tests). */
export async function imageZipBytes(
  source: ImageSource,
  files: readonly ExportFile[],
  limits: ImageLimits,
  budget: ByteBudget,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await writeImageZip(source, files, limits, budget, (c) => parts.push(c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The rows of a dataset as export files: `rows` in ascending order. */
export function exportFiles(
  ids: readonly string[],
  fileSha256: Uint8Array,
  rows: Iterable<number>,
): ExportFile[] {
  return [...rows].map((r) => ({ path: ids[r], sha256: fileSha256.subarray(r * 32, r * 32 + 32) }));
}
