/**
 * Entry paths of an untrusted archive or folder: the ones refused outright (absolute, drive letters, `..`, control
 * characters), duplicates once letter case and Unicode form are ignored (two entries a case-insensitive file system
 * would write to one file), and the root the classes hang from (a zip of a folder wraps everything in one folder).
 */

const MAX_PATH = 1024;

/** Why `path` is refused, as the end of a sentence ("… is an absolute path"), or null when it is safe. */
export function unsafePath(path: string): string | null {
  if (path.length === 0) return 'has an empty name';
  if (path.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'holds control characters in its name';
  if (path.startsWith('/') || path.startsWith('\\')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  const segments = path.replace(/\/$/, '').split(/[/\\]/);
  if (segments.some((s) => s === '..')) return 'climbs out of the archive with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'has an empty or "." folder in its path';
  return null;
}

/** The key two paths collide on: Unicode NFC, lower case, `\` as `/`, no trailing slash. */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase().replaceAll('\\', '/').replace(/\/$/, '');
}

/** Path segments (`/`-separated). */
export function segments(path: string): string[] {
  return path.split('/');
}

/**
 * How many leading folders every path shares and that only wrap the data: folder levels are stripped while every
 * path lies below the same folder and, under it, every image lies in a subfolder or a labels CSV sits at its top.
 * A single-class zip (`Coat/a.png`, `Coat/b.png`) keeps `Coat` as its class.
 */
export function wrapperDepth(images: readonly string[], csvs: readonly string[]): number {
  let depth = 0;
  const all = [...images, ...csvs];
  if (all.length === 0) return 0;
  for (;;) {
    const first = segments(all[0]);
    if (first.length <= depth + 1) return depth;
    const top = first[depth];
    if (!all.every((p) => segments(p).length > depth + 1 && segments(p)[depth] === top)) return depth;
    const csvAtTop = csvs.some((p) => segments(p).length === depth + 2);
    const imagesInSubfolders = images.every((p) => segments(p).length > depth + 2);
    if (!csvAtTop && !imagesInSubfolders) return depth;
    depth++;
  }
}
