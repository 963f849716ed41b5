/**
 * A model folder (dropped on the page, chosen with its folder picker, or named to `npm run scan-model`). A folder that
 * holds a TensorFlow SavedModel (a `saved_model.pb` at any depth) is one model, scanned as its zip would be: one
 * result, named `<folder>/`, whose SHA-256 is that of the folder's listing (`folderListing`). Any other folder's files
 * are scanned each as its own file, named `<folder>/<path>`. Files are read one at a time; a SavedModel's checkpoint
 * shards and fingerprint are hashed and let go, never kept or scanned.
 */
import { isSavedModelData, savedModelRoots, scanSavedModelArchive } from './archive';
import { formatBytes } from './context';
import { type FolderFile, type FolderScanOptions, refusedUnread, scanFiles } from './file-set';
import { nativeSha256, scanBytes, scanItem } from './scan';
import { DEFAULT_LIMITS, type ModelScanResult } from './types';

/**
 * The result for a folder of more than `maxEntries` files, refused unread: the page learns the count from its picker;
 * the command line stops listing at the cap, so the sentence gives the cap, and `bytes` what was listed before it.
 */
export function folderOverCap(name: string, maxEntries: number, bytes: number): ModelScanResult {
  const cap = maxEntries.toLocaleString('en');
  return refusedUnread(
    `${name}/`,
    bytes,
    `The folder holds more than ${cap} files (the cap); none was read.`,
  );
}

/**
 * The text whose SHA-256 stands for a folder: a line per file, `<sha256>  <path>`, sorted by path, as `sha256sum`
 * writes them. In a shell: `cd <folder> && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum`.
 */
export function folderListing(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

/** A SavedModel folder's SHA-256: that of its listing. */
function listingSha256(files: ReadonlyArray<{ path: string; sha256: string }>): Promise<string> {
  return nativeSha256(new TextEncoder().encode(folderListing(files)));
}

/**
 * What a report names a folder's models by, for `npm run verify`: a SavedModel folder by its listing's SHA-256 under
 * `<folder>/`, any other folder's files each by its own under `<folder>/<path>`, as `scanModelFolder` reports them.
 */
export async function folderDigests(
  name: string,
  files: readonly FolderFile[],
): Promise<Array<{ name: string; sha256: string }>> {
  const digests: Array<{ path: string; sha256: string }> = [];
  for (const file of files) digests.push({ path: file.path, sha256: await nativeSha256(await file.read()) });
  if (savedModelRoots(files.map((f) => f.path)).length === 0)
    return digests.map((d) => ({ name: `${name}/${d.path}`, sha256: d.sha256 }));
  return [{ name: `${name}/`, sha256: await listingSha256(digests) }];
}

/** Scans a folder's files; null when `beforeFile` stopped it. */
export async function scanModelFolder(
  name: string,
  files: readonly FolderFile[],
  options: FolderScanOptions = {},
): Promise<ModelScanResult[] | null> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const total = files.reduce((s, f) => s + f.size, 0);
  if (files.length === 0) return [refusedUnread(`${name}/`, 0, 'The folder holds no files.', 'malformed')];
  if (files.length > limits.maxEntries) return [folderOverCap(name, limits.maxEntries, total)];
  const roots = savedModelRoots(files.map((f) => f.path));
  if (roots.length === 0)
    return scanFiles(
      files.map((f) => ({ ...f, name: `${name}/${f.path}` })),
      options,
    );
  const folder = `${name}/`;
  if (total > limits.maxFileBytes) {
    const sentence = `The SavedModel folder holds ${formatBytes(total)}, over the ${formatBytes(limits.maxFileBytes)} cap on files, so it was not read.`;
    return [refusedUnread(folder, total, sentence)];
  }
  const kept = new Map<string, Uint8Array>();
  const digests: Array<{ path: string; sha256: string }> = [];
  for (const [i, file] of files.entries()) {
    if (options.beforeFile && !(await options.beforeFile(i, files.length, file.path))) return null;
    const bytes = await file.read();
    digests.push({ path: file.path, sha256: await nativeSha256(bytes) });
    if (!isSavedModelData(file.path, roots)) kept.set(file.path, bytes);
  }
  const listing = await listingSha256(digests);
  const item = { name: folder, bytes: total, sha256: () => listing, sniffed: 'tf-savedmodel' as const };
  const result = scanItem(item, options, (ctx) => {
    const archive = files.map((f) => ({
      name: f.path,
      read: () => {
        const bytes = kept.get(f.path);
        if (!bytes) throw new Error(`${f.path} was not kept`);
        return bytes;
      },
    }));
    scanSavedModelArchive(archive, ctx, name, 0, scanBytes);
    return 'tf-savedmodel';
  });
  return [result];
}
