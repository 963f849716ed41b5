/**
 * GGUF (llama.cpp's single-file format, ggml/docs/gguf.md): "GGUF", a version (2 or 3), the tensor and metadata
 * counts, the metadata as typed key–value pairs, the tensor infos (name, dimensions, ggml type, offset), then the
 * tensor data from the next multiple of `general.alignment`. Every length and count is checked against the bytes
 * left before it is trusted, and every tensor must lie inside the data. The format holds no code, with one
 * exception: a chat template (`tokenizer.chat_template`, and its named variants) is a Jinja2 template that the
 * loading program renders, and a renderer that is not sandboxed runs Python through it (CVE-2024-34359,
 * llama-cpp-python before 0.2.72). A template that reaches Python's internals is unsafe.
 */
import { ByteReader } from './bytes';
import { formatBytes, quote, type ScanContext } from './context';
import type { Finding } from './types';

/** Metadata value types, by id: the size in bytes of a fixed-size value, or 'string' / 'array'. */
const VALUE_SIZE: ReadonlyMap<number, number | 'string' | 'array'> = new Map<
  number,
  number | 'string' | 'array'
>([
  [0, 1],
  [1, 1],
  [2, 2],
  [3, 2],
  [4, 4],
  [5, 4],
  [6, 4],
  [7, 1],
  [8, 'string'],
  [9, 'array'],
  [10, 8],
  [11, 8],
  [12, 8],
]);

/** ggml tensor types: [elements per block, bytes per block] (gguf-py's GGML_QUANT_SIZES, gguf 0.19). */
const GGML_BLOCKS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [1, 4]],
  [1, [1, 2]],
  [2, [32, 18]],
  [3, [32, 20]],
  [6, [32, 22]],
  [7, [32, 24]],
  [8, [32, 34]],
  [9, [32, 40]],
  [10, [256, 84]],
  [11, [256, 110]],
  [12, [256, 144]],
  [13, [256, 176]],
  [14, [256, 210]],
  [15, [256, 292]],
  [16, [256, 66]],
  [17, [256, 74]],
  [18, [256, 98]],
  [19, [256, 50]],
  [20, [32, 18]],
  [21, [256, 110]],
  [22, [256, 82]],
  [23, [256, 136]],
  [24, [1, 1]],
  [25, [1, 2]],
  [26, [1, 4]],
  [27, [1, 8]],
  [28, [1, 8]],
  [29, [256, 56]],
  [30, [1, 2]],
  [34, [256, 54]],
  [35, [256, 66]],
  [39, [32, 17]],
  [40, [64, 36]],
  [41, [128, 18]],
]);

const MAX_DIMS = 4; // GGML_MAX_DIMS
const MAX_ARRAY_NESTING = 8;

/** What in a chat template reaches Python's internals or fetches attributes by a computed name. */
const TEMPLATE_ESCAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/__[A-Za-z_]\w*?__/, 'names a Python internal'],
  [/\|\s*attr\b/, 'fetches attributes by name with the attr filter'],
  [/\\x5f|\\u005f|\\137/i, 'writes an underscore as an escape, as attacks that hide a Python internal do'],
  [/\b(?:lipsum|cycler|joiner)\b\s*[.[|]/, 'reaches into a Jinja global that leads to Python modules'],
  [/(['"])_\1\s*\*/, 'builds a run of underscores, as attacks that hide a Python internal do'],
];

/** Why a template is unsafe (its first escape, with the text around it), or null. */
export function templateEscape(template: string): { why: string; near: string } | null {
  for (const [pattern, why] of TEMPLATE_ESCAPES) {
    const match = pattern.exec(template);
    if (match) return { why, near: template.slice(Math.max(0, match.index - 20), match.index + 40) };
  }
  return null;
}

export function scanGguf(bytes: Uint8Array, ctx: ScanContext, where: string): void {
  const r = new ByteReader(bytes, ctx, where);
  const version = r.u32(4, 'The version');
  if (version < 2 || version > 3)
    ctx.refuse(
      'unsupported',
      where,
      `The file is GGUF version ${version}; the scanner reads versions 2 and 3.`,
    );
  const tensors = r.defined(8, 8, 'The tensor count');
  const pairs = r.defined(16, 8, 'The metadata count');
  // A pair takes at least 13 bytes (an empty key, a type, a one-byte value) and a tensor info at least 24.
  if (pairs * 13 + tensors * 24 > bytes.length - 24)
    ctx.refuse(
      'malformed',
      where,
      `The header declares ${pairs} metadata pairs and ${tensors} tensors, more than the file holds.`,
    );
  let p = 24;
  const string = (what: string): string => {
    const size = r.defined(p, 8, `${what}'s length`);
    const text = r.text(p + 8, size, what);
    p += 8 + size;
    return text;
  };
  /** Skips (or, for a string, returns) one value of `type`; arrays nest at most MAX_ARRAY_NESTING deep. */
  const value = (type: number, at: string, depth: number): string | null => {
    const size = VALUE_SIZE.get(type);
    if (size === undefined)
      ctx.refuse('malformed', at, `The value has type ${type}, which GGUF does not define.`);
    if (size === 'string') return string(`The value of ${at}`);
    if (size === 'array') {
      if (depth >= MAX_ARRAY_NESTING)
        ctx.refuse('limit', at, `Arrays nest deeper than ${MAX_ARRAY_NESTING} levels, the cap on nesting.`);
      const itemType = r.u32(p, 'An array type');
      const count = r.defined(p + 4, 8, 'An array length');
      p += 12;
      const itemSize = VALUE_SIZE.get(itemType);
      if (typeof itemSize === 'number') {
        r.check(p, count * itemSize, 'An array');
        p += count * itemSize;
        return null;
      }
      // Strings and arrays take at least 8 bytes each.
      r.check(p, count * 8, 'An array');
      for (let i = 0; i < count; i++) {
        ctx.tick(where, 4096);
        value(itemType, `${at}[${i}]`, depth + 1);
      }
      return null;
    }
    r.check(p, size, `The value of ${at}`);
    p += size;
    return null;
  };
  let alignment = 32;
  for (let i = 0; i < pairs; i++) {
    ctx.tick(where, 1024);
    const key = string('A metadata key');
    const type = r.u32(p, 'A metadata type');
    p += 4;
    const at = `${where}: ${quote(key, 80)}`;
    const start = p;
    const text = value(type, at, 0);
    if (key === 'general.alignment') {
      alignment = type === 4 ? r.u32(start) : 0;
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
        ctx.refuse('malformed', at, 'general.alignment is not a power of two held as a uint32.');
    }
    const finding = text !== null && key.includes('chat_template') ? templateFinding(text, at) : null;
    if (finding) ctx.add(finding);
  }
  const infos: Array<{ name: string; offset: number; size: number | null }> = [];
  for (let i = 0; i < tensors; i++) {
    ctx.tick(where, 1024);
    const name = string('A tensor name');
    const at = `${where}: tensor ${quote(name, 80)}`;
    const dims = r.u32(p, 'A tensor rank');
    if (dims === 0 || dims > MAX_DIMS)
      ctx.refuse('malformed', at, `The tensor has ${dims} dimensions; GGUF allows 1 to ${MAX_DIMS}.`);
    let elements = 1;
    for (let d = 0; d < dims; d++) elements *= r.defined(p + 4 + d * 8, 8, 'A tensor dimension');
    p += 4 + dims * 8;
    const type = r.u32(p, 'A tensor type');
    const offset = r.defined(p + 4, 8, 'A tensor offset');
    p += 12;
    const block = GGML_BLOCKS.get(type);
    if (offset % alignment !== 0)
      ctx.refuse(
        'malformed',
        at,
        `The tensor's data starts at ${offset}, not a multiple of the alignment ${alignment}.`,
      );
    if (block === undefined) {
      ctx.add({
        severity: 'medium',
        kind: 'unknown-entry',
        location: at,
        sentence: `The tensor has ggml type ${type}, which the scanner does not know, so its size was not checked.`,
      });
      infos.push({ name, offset, size: null });
      continue;
    }
    if (!Number.isSafeInteger(elements) || elements % block[0] !== 0)
      ctx.refuse('malformed', at, `The tensor's ${elements} elements do not fill whole blocks of its type.`);
    infos.push({ name, offset, size: (elements / block[0]) * block[1] });
  }
  const dataStart = Math.ceil(p / alignment) * alignment;
  for (const info of infos) {
    const end = dataStart + info.offset + (info.size ?? 0);
    if (end > bytes.length) {
      ctx.refuse(
        'malformed',
        `${where}: tensor ${quote(info.name, 80)}`,
        `The tensor's data ends at byte ${end}, past the end of the file (${formatBytes(bytes.length)}).`,
      );
    }
  }
}

/** The finding for a chat template at `location` that reaches Python's internals, or null (GGUF and Hugging Face). */
export function templateFinding(template: string, location: string): Finding | null {
  const found = templateEscape(template);
  if (!found) return null;
  return {
    severity: 'critical',
    kind: 'template',
    location,
    sentence: `The chat template ${found.why} (near ${quote(found.near)}). A Jinja renderer that is not sandboxed runs Python through it when the model formats a chat (CVE-2024-34359, llama-cpp-python before 0.2.72); no chat template needs this.`,
  };
}
