/**
 * The scanner's entry point: identifies a file's format from its bytes, hands it to that format's reader, and turns
 * the findings into a verdict. A refusal (malformed, over a cap, unreadable) ends the scan with the findings so far;
 * an unexpected error in a reader refuses the file too, so no file ever passes as safe unread.
 */

import { errorText } from '../error-text';
import { hex, sha256Hex } from '../manifest/hash';
import { scanTar, scanZip } from './archive';
import { type Compression, compressionOf, scanCompressed } from './compressed';
import { type Clock, formatBytes, ScanContext, ScanStop, verdictOf } from './context';
import { scanGguf } from './gguf';
import { scanHdf5 } from './h5';
import { parseJsonBytes } from './json';
import { scanNumpy } from './numpy';
import { scanOnnx } from './onnx';
import { scanPickles } from './pickle/scan';
import { scanSafetensors } from './safetensors';
import { scanKerasMetadata, scanSavedModel } from './savedmodel';
import { sniff } from './sniff';
import { scanModelJson } from './tfjs';
import { isTorchLegacy, scanTorchLegacy } from './torch';
import { DEFAULT_LIMITS, type ModelFormat, type ModelScanResult, type ScanLimits } from './types';

/** The scanner's version, written into every signed report (1.1.0: any tar, GGUF, ONNX external data, plain Python
 * values in pickles). */
export const SCANNER_VERSION = '1.1.0';

export interface ScanOptions {
  limits?: Partial<ScanLimits>;
  /** Milliseconds from a fixed point; performance.now by default. */
  clock?: Clock;
  /** The file's hex SHA-256 when the caller has it (scanModelFileHashed); else it is computed here in JS. */
  sha256?: string;
}

/** The format a file is taken for before its reader confirms it (kept when the file is refused midway). */
const SNIFFED_FORMAT: Record<ReturnType<typeof sniff>, ModelFormat> = {
  zip: 'zip',
  hdf5: 'hdf5',
  numpy: 'numpy',
  safetensors: 'safetensors',
  pickle: 'pickle',
  tar: 'tar',
  json: 'json',
  compressed: 'unknown',
  onnx: 'onnx',
  savedmodel: 'tf-savedmodel',
  'keras-metadata': 'tf-savedmodel',
  'graph-def': 'tf-graph',
  gguf: 'gguf',
  unknown: 'unknown',
};

/** Scans `bytes` (already in memory) as its own format; used for files and for archive entries alike. */
export function scanBytes(bytes: Uint8Array, ctx: ScanContext, where: string, nesting: number): ModelFormat {
  const kind = sniff(bytes);
  switch (kind) {
    case 'zip':
      return scanZip(bytes, ctx, where, nesting, scanBytes);
    case 'hdf5':
      return scanHdf5(bytes, ctx, where);
    case 'numpy':
      scanNumpy(bytes, ctx, where, nesting);
      return 'numpy';
    case 'safetensors':
      scanSafetensors(bytes, ctx, where);
      return 'safetensors';
    case 'pickle':
      if (isTorchLegacy(bytes)) {
        scanTorchLegacy(bytes, ctx, where, nesting);
        return 'pytorch-legacy';
      }
      scanPickles(bytes, ctx, where, nesting);
      return 'pickle';
    case 'tar':
      return scanTar(bytes, ctx, where, nesting, scanBytes);
    case 'json':
      return scanModelJson(parseJsonBytes(bytes, ctx, where), ctx, where);
    case 'onnx':
      scanOnnx(bytes, ctx, where);
      return 'onnx';
    case 'savedmodel':
      scanSavedModel(bytes, ctx, where, 'saved-model');
      return 'tf-savedmodel';
    case 'graph-def':
      scanSavedModel(bytes, ctx, where, 'graph');
      return 'tf-graph';
    case 'keras-metadata':
      scanKerasMetadata(bytes, ctx, where);
      return 'tf-savedmodel';
    case 'gguf':
      scanGguf(bytes, ctx, where);
      return 'gguf';
    case 'compressed':
      return scanCompressed(bytes, compressionOf(bytes) as Compression, ctx, where, nesting, scanBytes);
    default:
      ctx.refuse(
        'unsupported',
        where,
        'The bytes are no model format the scanner knows (zip, tar, HDF5, pickle, joblib, NumPy, safetensors, ONNX, TensorFlow SavedModel, GGUF, TF.js or Keras JSON, gzip or zlib), so it cannot say the file is safe.',
      );
  }
}

/**
 * Runs `body` (a scan that may refuse) and turns what it found into a result: a refusal ends it with the findings so
 * far, and an unexpected error refuses the item too, so nothing passes as safe unread. Files and folders alike.
 */
export function scanItem(
  item: { name: string; bytes: number; sha256: () => string; sniffed: ModelFormat },
  options: ScanOptions,
  body: (ctx: ScanContext, limits: ScanLimits) => ModelFormat,
): ModelScanResult {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx = new ScanContext(limits, clock);
  // Until the reader confirms a format, the format the bytes were taken for (kept when the scan is refused midway).
  let format: ModelFormat | null = null;
  try {
    format = body(ctx, limits);
  } catch (error) {
    if (error instanceof ScanStop) ctx.findings.push(error.finding);
    else {
      ctx.findings.push({
        severity: 'high',
        kind: 'malformed',
        location: item.name,
        sentence: `The scanner could not read the file (${errorText(error)}), so it refuses it rather than call it safe.`,
      });
    }
  }
  const findings = ctx.allFindings();
  return {
    file: item.name,
    bytes: item.bytes,
    sha256: options.sha256 ?? item.sha256(),
    format: format ?? item.sniffed,
    verdict: verdictOf(findings),
    findings,
    elapsedMs: Math.round((clock() - started) * 10) / 10,
  };
}

/** Scans one file's bytes and returns its verdict and findings. */
export function scanModelFile(name: string, bytes: Uint8Array, options: ScanOptions = {}): ModelScanResult {
  const item = {
    name,
    bytes: bytes.length,
    sha256: () => sha256Hex(bytes),
    sniffed: 'unknown' as ModelFormat,
  };
  return scanItem(item, options, (ctx, limits) => {
    if (bytes.length > limits.maxFileBytes) {
      ctx.refuse(
        'limit',
        name,
        `The file is ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxFileBytes)} cap on files.`,
      );
    }
    if (bytes.length === 0) ctx.refuse('malformed', name, 'The file is empty.');
    item.sniffed = SNIFFED_FORMAT[sniff(bytes)];
    return scanBytes(bytes, ctx, name, 0);
  });
}

/** The hex SHA-256 of `bytes` by WebCrypto's native digest (several times faster than hashing in JS). */
export async function nativeSha256(bytes: Uint8Array): Promise<string> {
  // A view, not a copy: the file's bytes live in an ArrayBuffer (File.arrayBuffer, readFile).
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** Like scanModelFile, with the SHA-256 from WebCrypto's native digest. */
export async function scanModelFileHashed(
  name: string,
  bytes: Uint8Array,
  options: ScanOptions = {},
): Promise<ModelScanResult> {
  return scanModelFile(name, bytes, { ...options, sha256: await nativeSha256(bytes) });
}
