/**
 * The one message builder per image problem code. Messages are whole sentences naming the archive or folder and
 * the entry (its path inside it), so an analyst can find the file; every string from the archive is quoted as text.
 */
import type { ImageProblem, ImageProblemCode } from './types';

/** Bytes as an analyst reads them: 64 MB, 2 GB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Number((bytes / 1024 ** 3).toPrecision(3))} GB`;
  if (bytes >= 1024 ** 2) return `${Number((bytes / 1024 ** 2).toPrecision(3))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toPrecision(3))} kB`;
  return `${bytes} bytes`;
}

/** Up to `max` names, quoted, with an ellipsis when there are more. */
export function nameList(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  return names.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

function problem(
  code: ImageProblemCode,
  file: string,
  message: string,
  extra: Partial<ImageProblem> = {},
  severity: ImageProblem['severity'] = 'error',
): ImageProblem {
  return { severity, code, file, message, ...extra };
}

export const imageProblems = {
  notAnArchive: (file: string) =>
    problem(
      'not-an-archive',
      file,
      `${file} is not a zip archive, or it was cut short: it has no end-of-central-directory record.`,
    ),
  archiveCorrupt: (file: string, detail: string, entry?: string) =>
    problem(
      'archive-corrupt',
      file,
      `${file} is a damaged zip${entry ? ` at entry "${entry}"` : ''}: ${detail}.`,
      entry ? { entry } : {},
    ),
  unsupportedArchive: (file: string, detail: string) =>
    problem('unsupported-archive', file, `${file} cannot be read: ${detail}.`),
  tooManyEntries: (file: string, limit: number) =>
    problem(
      'too-many-entries',
      file,
      `${file} holds more than ${limit.toLocaleString('en')} entries (the limit); Sift stopped reading it and stored nothing. Raise the entry limit in the import settings if the archive is genuine.`,
    ),
  entryTooLarge: (file: string, entry: string, limit: number) =>
    problem(
      'entry-too-large',
      file,
      `${file}: entry "${entry}" inflates to more than ${formatBytes(limit)} (the per-file limit); Sift stopped reading it and stored nothing.`,
      { entry },
    ),
  tooManyBytes: (file: string, entry: string, limit: number) =>
    problem(
      'too-many-bytes',
      file,
      `${file}: the entries inflate to more than ${formatBytes(limit)} in all (the limit), passed at entry "${entry}"; Sift stopped reading and stored nothing.`,
      { entry },
    ),
  overlappingEntries: (file: string, a: string, b: string) =>
    problem(
      'overlapping-entries',
      file,
      `${file}: entries "${a}" and "${b}" share the same bytes in the archive (a zip-bomb construction); the archive is refused.`,
      { entry: b },
    ),
  encrypted: (file: string, entry: string) =>
    problem(
      'encrypted-entry',
      file,
      `${file}: entry "${entry}" is encrypted; Sift cannot read encrypted entries.`,
      { entry },
    ),
  unsupportedCompression: (file: string, entry: string, method: number) =>
    problem(
      'unsupported-compression',
      file,
      `${file}: entry "${entry}" uses compression method ${method}; Sift reads stored and deflated entries only.`,
      { entry },
    ),
  unsafePath: (file: string, entry: string, why: string) =>
    problem('unsafe-path', file, `${file}: entry "${entry}" ${why}; archives with such paths are refused.`, {
      entry,
    }),
  symlink: (file: string, entry: string) =>
    problem(
      'symlink',
      file,
      `${file}: entry "${entry}" is a symbolic link; archives holding links are refused.`,
      { entry },
    ),
  duplicatePath: (file: string, first: string, second: string) =>
    problem(
      'duplicate-path',
      file,
      first === second
        ? `${file}: the path "${second}" appears twice; every file must have its own path.`
        : `${file}: entries "${first}" and "${second}" name the same file once letter case and Unicode form are ignored; every file must have its own path.`,
      { entry: second },
    ),
  nestedArchive: (file: string, entry: string, kind: string) =>
    problem(
      'nested-archive',
      file,
      `${file}: entry "${entry}" is itself an archive (${kind}); Sift does not open archives inside archives.`,
      { entry },
    ),
  notImages: (file: string, entries: string[], skipped: boolean) =>
    problem(
      'not-an-image',
      file,
      skipped
        ? `${file}: ${entries.length} ${entries.length === 1 ? 'file is' : 'files are'} not an image and ${entries.length === 1 ? 'was' : 'were'} left out: ${nameList(entries)}.`
        : `${file}: ${entries.length} ${entries.length === 1 ? 'file is' : 'files are'} not a PNG, JPEG, GIF, BMP or WebP image: ${nameList(entries)}. Choose "skip files that are not images" to import without ${entries.length === 1 ? 'it' : 'them'}.`,
      { entry: entries[0], count: entries.length },
      skipped ? 'warning' : 'error',
    ),
  corruptImage: (file: string, entry: string, detail: string, skipped: boolean) =>
    problem(
      'corrupt-image',
      file,
      skipped
        ? `${file}: image "${entry}" could not be read (${detail}) and was left out.`
        : `${file}: image "${entry}" could not be read (${detail}). Choose "skip images that do not decode" to import without it.`,
      { entry },
      skipped ? 'warning' : 'error',
    ),
  tooManyPixels: (file: string, entry: string, width: number, height: number, limit: number) =>
    problem(
      'too-many-pixels',
      file,
      `${file}: image "${entry}" declares ${width} × ${height} pixels, over the limit of ${limit.toLocaleString('en')} pixels per image (a decompression bomb, or a very large photo); it was not decoded and nothing was stored. Raise the pixel limit in the import settings if it is genuine.`,
      { entry },
    ),
  noClassFolder: (file: string, entry: string) =>
    problem(
      'no-class-folder',
      file,
      `${file}: image "${entry}" is not inside a class folder. Put each image in a folder named after its class, or add a labels CSV with the columns path,label.`,
      { entry },
    ),
  labelsCsv: (file: string, csv: string, detail: string) =>
    problem('labels-csv', file, `${file}: the labels CSV "${csv}" ${detail}.`, { entry: csv }),
  unlabelled: (file: string, csv: string, entries: string[]) =>
    problem(
      'unlabelled-image',
      file,
      `${file}: ${entries.length} ${entries.length === 1 ? 'image is' : 'images are'} not listed in the labels CSV "${csv}": ${nameList(entries)}.`,
      { entry: entries[0], count: entries.length },
    ),
  noImages: (file: string) => problem('no-images', file, `${file} holds no images.`),
  singleClass: (file: string, label: string) =>
    problem(
      'single-class',
      file,
      `${file}: every image has the class "${label}"; finding poisoned samples needs at least two classes.`,
    ),
  tooManyClasses: (file: string, limit: number) =>
    problem(
      'too-many-classes',
      file,
      `${file} has more than ${limit.toLocaleString('en')} classes (the limit). Raise the class limit in the import settings if that is right.`,
    ),
};
