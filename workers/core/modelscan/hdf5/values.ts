/**
 * The text of string attributes (fixed-length strings, and variable-length strings kept in the global heap), which
 * is where Keras's legacy .h5 files keep `model_config` and `training_config`. Sizes are capped before bytes are
 * decoded.
 */
import type { ByteReader } from '../bytes';
import { formatBytes, quote, type ScanContext } from '../context';
import { address, type Hdf5File } from './file';
import { type Attribute, globalHeapObject } from './messages';

const utf8 = new TextDecoder('utf-8');

/** The attribute's strings, or null when it holds no strings. */
export function attributeStrings(file: Hdf5File, attr: Attribute, path: string): string[] | null {
  const r: ByteReader = file.r;
  const ctx: ScanContext = r.ctx;
  const where = `${path} (attribute ${quote(attr.name)})`;
  const count = attr.space.elements;
  const cap = ctx.limits.maxJsonBytes;
  if (attr.type.cls === 3) {
    if (count * attr.type.size > cap)
      ctx.refuse('limit', where, `The attribute holds over ${formatBytes(cap)} of text, the cap.`);
    if (count * attr.type.size > attr.dataSize)
      ctx.refuse('malformed', where, 'The attribute declares more text than its message holds.');
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const bytes = r.slice(attr.dataAt + i * attr.type.size, attr.type.size);
      let end = bytes.indexOf(0);
      if (end < 0) end = bytes.length;
      out.push(utf8.decode(bytes.subarray(0, end)).trimEnd());
    }
    return out;
  }
  if (attr.type.vlenString) {
    const element = 4 + file.so + 4;
    if (count * element > attr.dataSize)
      ctx.refuse('malformed', where, 'The attribute declares more strings than its message holds.');
    const out: string[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const p = attr.dataAt + i * element;
      const size = r.u32(p);
      const heap = address(file, p + 4);
      if (heap === null || size === 0) {
        out.push('');
        continue;
      }
      total += size;
      if (total > cap)
        ctx.refuse('limit', where, `The attribute holds over ${formatBytes(cap)} of text, the cap.`);
      const bytes = globalHeapObject(file, heap, r.u32(p + 4 + file.so), where);
      out.push(utf8.decode(bytes.subarray(0, Math.min(size, bytes.length))));
    }
    return out;
  }
  return null;
}
