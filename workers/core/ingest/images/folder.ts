/**
 * A dropped or chosen folder as an image source: in the browser a `File[]` whose `webkitRelativePath`s start with
 * the folder's name, in Node a directory walk. Paths are taken inside the folder (its own name dropped), `/`-separated.
 * A file's size is real here (not declared), so an oversized file is refused before a byte of it is read.
 */
import { EntryReadError, type ImageSource, type SourceEntry } from './types';

/** One file of a folder: its path inside the folder, its size, and random access to its bytes. */
export interface FolderFile {
  path: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The folder's entries as an ImageSource named `name`. */
export function folderSource(name: string, files: readonly FolderFile[]): ImageSource {
  const entries: SourceEntry[] = files.map((f) => ({
    path: f.path,
    kind: 'file',
    declaredBytes: f.size,
    async read(maxBytes, head) {
      if (head !== undefined) return f.read(0, Math.min(head, f.size, maxBytes));
      if (f.size > maxBytes) throw new EntryReadError('over-cap', `it is ${f.size} bytes, over ${maxBytes}`);
      const bytes = await f.read(0, f.size);
      if (bytes.length !== f.size) throw new EntryReadError('corrupt', 'it changed size while being read');
      return bytes;
    },
  }));
  return { name, bytes: files.reduce((s, f) => s + f.size, 0), entries };
}

/**
 * Splits browser-style relative paths (`folder/Coat/x.png`) into the folder's name and the paths inside it. Throws
 * when the files do not share one top folder (they were not chosen as one folder).
 */
export function splitTopFolder(relativePaths: readonly string[]): { name: string; paths: string[] } {
  const first = relativePaths[0]?.split('/')[0] ?? '';
  if (!first || relativePaths.some((p) => p.split('/')[0] !== first || !p.includes('/'))) {
    throw new RangeError(
      'The files do not come from one folder (their relative paths differ in the top folder).',
    );
  }
  return { name: first, paths: relativePaths.map((p) => p.slice(first.length + 1)) };
}
