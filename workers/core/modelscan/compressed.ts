/**
 * Compressed model files: a pickle written through gzip.open, or joblib.dump(…, compress=…), whose default is zlib.
 * gzip and zlib streams are inflated under the file's cap on inflated bytes (counted as they come, never trusting a
 * declared size) and what they hold is scanned as its own format. bz2, xz, lzma and lz4, joblib's other compressors,
 * are named and refused: the scanner cannot open them, so it cannot say what they hold.
 */
import { Gunzip, Unzlib } from 'fflate';
import type { NestedScan } from './archive';
import { startsWith } from './bytes';
import type { ScanContext } from './context';
import type { ModelFormat } from './types';
import { inflateInSteps } from './zip';

export type Compression = 'gzip' | 'zlib' | 'bz2' | 'xz' | 'lzma' | 'lz4';

/** The compression a file's first bytes announce, or null. */
export function compressionOf(bytes: Uint8Array): Compression | null {
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return 'gzip';
  // zlib: deflate with a 32 KiB window (0x78), and a header check that makes the two bytes a multiple of 31.
  if (bytes.length >= 2 && bytes[0] === 0x78 && (0x7800 + (bytes[1] as number)) % 31 === 0) return 'zlib';
  if (startsWith(bytes, [0x42, 0x5a, 0x68]) && (bytes[3] as number) >= 0x31 && (bytes[3] as number) <= 0x39)
    return 'bz2';
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(bytes, [0x5d, 0x00, 0x00])) return 'lzma';
  if (startsWith(bytes, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  return null;
}

/** How to decompress each kind the scanner cannot open itself, for its refusal. */
const COMMAND: Record<Exclude<Compression, 'gzip' | 'zlib'>, string> = {
  bz2: 'bunzip2',
  xz: 'xz -d',
  lzma: 'lzma -d',
  lz4: 'lz4 -d',
};

/** Inflates a gzip or zlib file under the caps and scans what it holds; refuses the other compressions. */
export function scanCompressed(
  bytes: Uint8Array,
  kind: Compression,
  ctx: ScanContext,
  where: string,
  nesting: number,
  scanBytes: NestedScan,
): ModelFormat {
  if (kind !== 'gzip' && kind !== 'zlib') {
    return ctx.refuse(
      'unsupported',
      where,
      `The file is compressed with ${kind}, which the scanner cannot open, so it cannot say what the file holds. Decompress it (for example with \`${COMMAND[kind]}\`) and scan the result.`,
    );
  }
  const at = `${where} › ${kind === 'gzip' ? 'gunzipped' : 'inflated from zlib'}`;
  ctx.checkNesting(nesting, at);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const collect = (chunk: Uint8Array) => {
    ctx.addInflated(chunk.length, at);
    chunks.push(chunk);
    total += chunk.length;
  };
  inflateInSteps(
    kind === 'gzip' ? new Gunzip(collect) : new Unzlib(collect),
    bytes,
    ctx,
    at,
    `The ${kind} stream`,
  );
  if (total === 0) ctx.refuse('malformed', at, `The ${kind} stream holds no bytes.`);
  const inner = new Uint8Array(total);
  let filled = 0;
  for (const chunk of chunks) {
    inner.set(chunk, filled);
    filled += chunk.length;
  }
  return scanBytes(inner, ctx, at, nesting + 1);
}
