/**
 * safetensors (huggingface/safetensors): an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {dtype, shape, data_offsets}, then the data. The header is checked as the reference implementation checks it:
 * known dtypes, offsets inside the data, sizes that match dtype × shape, no overlaps and no holes; `__metadata__`
 * holds strings only. The format holds no code, so a well-formed file is safe.
 */
import { ByteReader } from './bytes';
import { formatBytes, quote, type ScanContext } from './context';
import { isObject, parseJsonBytes } from './json';

/** Bytes per element by dtype (sub-byte types in eighths: F4 is 4 bits). */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
};
const MAX_HEADER = 100 * 1024 ** 2;

export function scanSafetensors(bytes: Uint8Array, ctx: ScanContext, where: string): void {
  const r = new ByteReader(bytes, ctx, where);
  const size = r.defined(0, 8, 'The header length');
  if (size > MAX_HEADER)
    ctx.refuse('limit', where, `The header declares ${formatBytes(size)}, over the format's 100 MiB cap.`);
  r.check(8, size, 'The header');
  const at = `${where} (header)`;
  const header = parseJsonBytes(r.slice(8, size), ctx, at);
  if (!isObject(header)) ctx.refuse('malformed', at, 'The header is not a JSON object.');
  const dataStart = 8 + size;
  const dataSize = bytes.length - dataStart;
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    ctx.tick(at);
    const loc = `${where}: tensor ${quote(name)}`;
    if (name === '__metadata__') {
      if (!isObject(entry) || Object.values(entry).some((v) => typeof v !== 'string')) {
        ctx.refuse('malformed', `${where}: __metadata__`, '__metadata__ must map names to strings.');
      }
      continue;
    }
    if (!isObject(entry)) ctx.refuse('malformed', loc, 'The tensor entry is not an object.');
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BITS, dtype)) {
      ctx.refuse(
        'malformed',
        loc,
        `The tensor has dtype ${quote(String(dtype))}, which is not a safetensors dtype.`,
      );
    }
    if (
      !Array.isArray(shape) ||
      shape.length > 64 ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      ctx.refuse('malformed', loc, 'The tensor shape is not a list of non-negative integers.');
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      ctx.refuse('malformed', loc, 'data_offsets is not a pair of non-negative integers.');
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataSize) {
      ctx.refuse(
        'malformed',
        loc,
        `The tensor's data_offsets [${begin}, ${end}] fall outside the ${dataSize} bytes of data.`,
      );
    }
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = (elements * (DTYPE_BITS[dtype as string] as number)) / 8;
    if (expected !== end - begin) {
      ctx.refuse(
        'malformed',
        loc,
        `The tensor's ${dtype} shape [${(shape as number[]).join(', ')}] needs ${expected} bytes, but its offsets span ${end - begin}.`,
      );
    }
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end, name] of spans) {
    if (begin < cursor)
      ctx.refuse(
        'malformed',
        `${where}: tensor ${quote(name)}`,
        `The tensor's bytes [${begin}, ${end}] overlap another tensor's.`,
      );
    if (begin > cursor)
      ctx.refuse(
        'malformed',
        `${where}: tensor ${quote(name)}`,
        `${begin - cursor} bytes before the tensor belong to no tensor (a hole in the data).`,
      );
    cursor = end;
  }
  if (cursor !== dataSize) {
    ctx.refuse(
      'malformed',
      `${where} (data)`,
      `${dataSize - cursor} bytes after the last tensor belong to no tensor.`,
    );
  }
}
