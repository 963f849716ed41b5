/**
 * What a dropped file is, told by its first bytes rather than its name (a manifest renamed `.csv` is still a
 * manifest, a CSV named `.json` still a CSV): the page reads each dropped file's head and sends it where it belongs,
 * a manifest to verification, a zip to the image import, text to the CSV import. Pure.
 */
import { MANIFEST_FORMAT } from '../manifest/types';

export type DropKind = 'manifest' | 'model-scan-report' | 'json' | 'zip' | 'text' | 'binary';

/** How many bytes of a file `dropKind` needs. */
export const DROP_HEAD_BYTES = 4096;

const MANIFEST = new RegExp(`"format"\\s*:\\s*"${MANIFEST_FORMAT.replace('/', '\\/')}"`);
const SCAN_REPORT = /"format"\s*:\s*"sift-model-scan\/1"/;

/** The kind of a file from its first DROP_HEAD_BYTES bytes. */
export function dropKind(head: Uint8Array): DropKind {
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  )
    return 'zip';
  if (head.includes(0)) return 'binary';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, DROP_HEAD_BYTES));
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) {
    if (MANIFEST.test(text)) return 'manifest';
    if (SCAN_REPORT.test(text)) return 'model-scan-report';
    return 'json';
  }
  return 'text';
}

/** Which dropped files are a manifest and its clean CSV: the first manifest, and the first text file beside it. */
export function verificationPair<T>(files: ReadonlyArray<{ file: T; kind: DropKind }>): {
  manifest: T;
  clean: T | null;
} | null {
  const manifest = files.find((f) => f.kind === 'manifest');
  if (!manifest) return null;
  // The clean set: a CSV (text) or, for an image dataset, a zip.
  const clean = files.find((f) => f.kind === 'text') ?? files.find((f) => f.kind === 'zip');
  return { manifest: manifest.file, clean: clean?.file ?? null };
}
