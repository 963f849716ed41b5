/**
 * Files scanned one at a time, each as its own: a folder's files (folder.ts), or files dropped or chosen together on
 * the page. A file over the cap on files is refused unread. A file that an ONNX model among them names as external
 * tensor data (its `location`, from the model's folder) is data ONNX reads as raw numbers, never as code: it is safe
 * with a note, where alone it would be refused as no model format (an ONNX model over 2 GB keeps its weights so).
 */
import { formatBytes } from './context';
import { onnxExternalData } from './onnx';
import { type ScanOptions, scanModelFileHashed } from './scan';
import { DEFAULT_LIMITS, type ModelScanResult } from './types';

/** One file of a folder: its `/`-separated path inside the folder, its size, and a way to read it. */
export interface FolderFile {
  path: string;
  size: number;
  read: () => Promise<Uint8Array>;
}

/** A folder's SHA-256 is its listing's: a caller's `sha256` has no place here. */
export interface FolderScanOptions extends Omit<ScanOptions, 'sha256'> {
  /** Called before each file is read (`done` of `total` read so far); false stops the scan, which returns null. */
  beforeFile?: (done: number, total: number, path: string) => Promise<boolean>;
}

/** A result for something refused unread: by its size or entry count (memory stays bounded), or for holding nothing. */
export function refusedUnread(
  name: string,
  bytes: number,
  sentence: string,
  kind: 'limit' | 'malformed' = 'limit',
): ModelScanResult {
  // No digest: the bytes were never read. The report's schema wants 64 hex digits, so zeros stand for "not read".
  return {
    file: name,
    bytes,
    sha256: '0'.repeat(64),
    format: 'unknown',
    verdict: 'refused',
    findings: [{ severity: 'high', kind, location: name, sentence }],
    elapsedMs: 0,
  };
}

/** Scans one file under `name`, or refuses it unread when it is over the cap on files (memory stays bounded). */
async function scanFileAt(
  name: string,
  file: Pick<FolderFile, 'size' | 'read'>,
  options: Omit<ScanOptions, 'sha256'> = {},
): Promise<ModelScanResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (file.size > limits.maxFileBytes) {
    const sentence = `The file is ${formatBytes(file.size)}, over the ${formatBytes(limits.maxFileBytes)} cap on files, so it was not read.`;
    return refusedUnread(name, file.size, sentence);
  }
  return scanModelFileHashed(name, await file.read(), options);
}

/** One of several files scanned together: the name its result carries, and its place among them (`path`). */
export interface NamedFile extends FolderFile {
  name: string;
}

/** A path's steps without empty and `.` ones, so that `/a/./b` and `a/b` are one key. */
function key(steps: readonly string[]): string {
  return steps.filter((step) => step !== '' && step !== '.').join('/');
}

/** `location` (an in-folder path, checked by the ONNX reader) from the folder of the model at `modelPath`. */
function besideModel(modelPath: string, location: string): string {
  return key([...modelPath.split('/').slice(0, -1), ...location.split('/')]);
}

/** Scans `files` one at a time (see the top of this file); null when `beforeFile` stopped it. */
export async function scanFiles(
  files: readonly NamedFile[],
  options: FolderScanOptions = {},
): Promise<ModelScanResult[] | null> {
  const results: Array<{ result: ModelScanResult; read: boolean }> = [];
  const dataOf = new Map<string, string>();
  for (const [i, file] of files.entries()) {
    if (options.beforeFile && !(await options.beforeFile(i, files.length, file.path))) return null;
    let bytes: Uint8Array | null = null;
    const read = async () => {
      bytes = await file.read();
      return bytes;
    };
    const result = await scanFileAt(file.name, { size: file.size, read }, options);
    if (result.format === 'onnx' && bytes)
      for (const location of onnxExternalData(bytes)) dataOf.set(besideModel(file.path, location), file.name);
    results.push({ result, read: bytes !== null });
  }
  return results.map(({ result, read }, i) => {
    const model = dataOf.get(key((files[i] as NamedFile).path.split('/')));
    // Read and hashed, and not unsafe by its own bytes (a file that is also a hostile pickle stays unsafe).
    if (model === undefined || !read || result.verdict === 'unsafe') return result;
    const sentence = `${model} names this file as external data of its tensors; ONNX reads it as raw numbers, never as code, so it was not judged as a model file.`;
    return {
      ...result,
      format: 'onnx-data',
      verdict: 'safe',
      findings: [{ severity: 'info', kind: 'weight-path', location: result.file, sentence }],
    };
  });
}
