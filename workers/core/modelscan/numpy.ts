/**
 * NumPy `.npy` files (numpy/lib/format.py): magic, version, a header dict literal, then the array. An array of
 * dtype object is a pickle that numpy.load(allow_pickle=True) unpickles, so that pickle is scanned like any other;
 * other arrays must hold exactly the bytes their shape declares.
 */
import { ByteReader } from './bytes';
import { formatBytes, quote, type ScanContext } from './context';
import { scanPickles } from './pickle/scan';

const DTYPE_KINDS = new Set(['b', 'i', 'u', 'f', 'c', '?', 'S', 'U', 'V', 'M', 'm']);

export function scanNumpy(bytes: Uint8Array, ctx: ScanContext, where: string, nesting: number): void {
  const r = new ByteReader(bytes, ctx, where);
  const major = r.u8(6, 'The format version');
  const headerLength = major === 1 ? r.u16(8) : r.u32(8);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3)
    ctx.refuse('unsupported', where, `The .npy format version is ${major}; the scanner reads 1 to 3.`);
  const header = r.text(start, headerLength, 'The .npy header', 'latin1');
  const dataStart = start + headerLength;
  const descr = /'descr'\s*:\s*('([^']*)'|\[)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape)
    ctx.refuse('malformed', where, `The .npy header ${quote(header, 80)} lacks its descr or shape.`);
  const structured = descr[1] === '[';
  if (structured ? /'\|?O\d*'/.test(header) : /O/.test(descr[2] ?? '')) {
    ctx.add({
      severity: 'medium',
      kind: 'pickle-global',
      location: where,
      sentence:
        'The array has dtype object: numpy.load unpickles it only with allow_pickle=True, and its pickle is scanned below.',
    });
    scanPickles(bytes.subarray(dataStart), ctx, `${where} (object array pickle)`, nesting + 1, 1);
    return;
  }
  if (structured) return;
  const m = /^[<>|=]?([a-zA-Z?])(\d*)/.exec(descr[2] ?? '');
  const kind = m?.[1] ?? '';
  if (!DTYPE_KINDS.has(kind))
    ctx.refuse('malformed', where, `The .npy dtype ${quote(descr[2] ?? '')} is not one NumPy writes.`);
  const digits = Number(m?.[2] || 0);
  const itemSize = digits > 0 ? digits * (kind === 'U' ? 4 : 1) : kind === 'b' || kind === '?' ? 1 : 0;
  if (itemSize === 0) return;
  const dims = (shape[1] as string)
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    ctx.refuse('malformed', where, 'The .npy shape is not a tuple of integers.');
  const declared = dims.reduce((a, b) => a * b, 1) * itemSize;
  if (declared !== bytes.length - dataStart) {
    ctx.refuse(
      'malformed',
      where,
      `The array declares ${formatBytes(declared)} but the file holds ${formatBytes(bytes.length - dataStart)} of data.`,
    );
  }
}
