/**
 * In-memory image sources for the catalog and import tests: PNG and JPEG heads written byte by byte from their
 * layouts, entries whose reads are logged (and may return other bytes when read whole), and a decoder that reads
 * the size back from the PNG head. Not mutated (a test helper).
 */
import {
  type EntryKind,
  EntryReadError,
  type ImageDecoder,
  ImageIngestError,
  type ImageProblem,
  type ImageSource,
  type SourceEntry,
} from './types';

/** A PNG's first 33 bytes: signature, IHDR (bit depth 8, grey or RGB); byte 26 (compression) carries `tag`. */
export function pngHead(width: number, height: number, gray = true, tag = 0): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  b[24] = 8;
  b[25] = gray ? 0 : 2;
  b[26] = tag;
  return b;
}

/** A grey JPEG of `total` bytes: SOI, an APP1 segment of `pad` bytes, then SOF0 at byte 6 + pad. */
export function jpegBytes(width: number, height: number, pad: number, total: number): Uint8Array {
  const b = new Uint8Array(total);
  b.set([0xff, 0xd8, 0xff, 0xe1, (pad + 2) >> 8, (pad + 2) & 255]);
  const sof = [0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x01];
  if (6 + pad + sof.length <= total) b.set(sof, 6 + pad);
  return b;
}

export interface FakeFile {
  path: string;
  data?: Uint8Array;
  kind?: EntryKind;
  /** What a whole read (no head) returns instead of `data`. */
  whole?: Uint8Array;
  /** Thrown by every read. */
  fail?: Error;
}

/**
 * A source of `files`. Each read is logged as `path head` (`path *` for a whole read), calls `onRead`, and returns
 * the first `head` bytes of `data` (or `whole`, when read whole); past `maxBytes` it throws an over-cap error.
 */
export function fakeSource(
  files: FakeFile[],
  opts: { name?: string; log?: string[]; onRead?: () => void } = {},
): ImageSource {
  const entries: SourceEntry[] = files.map((f) => ({
    path: f.path,
    kind: f.kind ?? 'file',
    declaredBytes: f.data?.length ?? 0,
    read: async (maxBytes: number, head?: number) => {
      opts.log?.push(`${f.path} ${head ?? '*'}`);
      opts.onRead?.();
      if (f.fail) throw f.fail;
      const data =
        head === undefined ? (f.whole ?? f.data ?? new Uint8Array(0)) : (f.data ?? new Uint8Array(0));
      const bytes = data.subarray(0, head ?? data.length);
      if (bytes.length > maxBytes) throw new EntryReadError('over-cap', 'over the cap');
      return bytes;
    },
  }));
  return { name: opts.name ?? 'a.zip', bytes: 1000, entries };
}

/**
 * Decodes `pngHead` bytes: the declared size, every pixel grey 100. Tag 1 throws `boom`; tag 2 and 3 answer one
 * pixel wider or taller than the head says.
 */
export const headDecoder: ImageDecoder = {
  decode: async (bytes) => {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tag = bytes[26];
    if (tag === 1) throw new Error('boom');
    const width = v.getUint32(16) + (tag === 2 ? 1 : 0);
    const height = v.getUint32(20) + (tag === 3 ? 1 : 0);
    const rgba = new Uint8Array(width * height * 4).fill(100);
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    return { width, height, rgba };
  },
};

/** The problems `run` is refused with; any other outcome (success, another error) throws. */
export async function refusalOf(run: Promise<unknown>): Promise<ImageProblem[]> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ImageIngestError))
    throw new Error(`expected an ImageIngestError, got ${String(error)}`);
  return error.problems;
}
