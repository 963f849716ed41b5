/** A model folder on disk as the scanner's `FolderFile`s (`npm run scan-model` and `npm run verify`). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FolderFile } from '../workers/core/modelscan/file-set';
import { DEFAULT_LIMITS } from '../workers/core/modelscan/types';

/** A folder of more than the cap's files: listing stopped at the cap, `bytes` being what was listed before it. */
export class FolderOverCap extends Error {
  constructor(
    readonly maxEntries: number,
    readonly bytes: number,
  ) {
    super(`the folder holds more than ${maxEntries} files (the cap)`);
  }
}

/**
 * Every file under `root` with its path inside it, in path order. A link to a file is read through (as a loader
 * would); a link to a folder is an error, and so is a folder of more than `maxEntries` files (`FolderOverCap`).
 */
export async function folderFiles(
  root: string,
  maxEntries: number = DEFAULT_LIMITS.maxEntries,
): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(full, path);
      else {
        const info = await stat(full);
        if (info.isDirectory())
          throw new Error(`${path} links to a folder, which the scanner does not follow`);
        if (!info.isFile()) continue;
        out.push({ path, size: info.size, read: async () => new Uint8Array(await readFile(full)) });
      }
      if (out.length > maxEntries)
        throw new FolderOverCap(
          maxEntries,
          out.reduce((sum, f) => sum + f.size, 0),
        );
    }
  };
  await walk(root, '');
  return out;
}
