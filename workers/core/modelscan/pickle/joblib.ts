/**
 * joblib's array records (joblib.dump, the usual way scikit-learn models are saved). joblib pickles each NumPy array
 * as a `joblib.numpy_pickle.NumpyArrayWrapper` whose state names the shape and dtype, and writes the array's bytes
 * straight after that object's BUILD opcode, inside the pickle stream: a padding length byte and that many bytes
 * (joblib 1.2 and later, when the state has `numpy_array_alignment_bytes`), then shape × item size raw bytes; an
 * array of Python objects is instead a whole pickle of its own there, which joblib.load unpickles. The machine reads
 * on after those bytes as joblib.load does (joblib's numpy_pickle.py, NumpyArrayWrapper.read_array).
 */
import type { Sym } from './sym';

export const JOBLIB_ARRAY = 'joblib.numpy_pickle.NumpyArrayWrapper';

/** What follows an array record's BUILD: raw bytes (after a padding byte and padding when `padded`), or a pickle. */
export type JoblibData = { kind: 'raw'; bytes: number; padded: boolean } | { kind: 'pickle' };

/**
 * Whether an object is a joblib array record: made by its class (protocol 2 and later), or by
 * copyreg._reconstructor(NumpyArrayWrapper, object, None), as protocols 0 and 1 make it.
 */
export function isArrayRecord(made: Sym): boolean {
  if (made.k !== 'made') return false;
  if (made.by === JOBLIB_ARRAY) return true;
  const cls = made.args?.k === 'tuple' ? made.args.items[0] : undefined;
  return made.by === 'copyreg._reconstructor' && cls?.k === 'global' && cls.name === JOBLIB_ARRAY;
}

const entry = (state: Sym | undefined, key: string) =>
  state?.k === 'dict' ? state.entries.get(key) : undefined;

/** numpy.dtype's flag for items that hold Python objects (NPY_ITEM_REFCOUNT). */
const HOLDS_OBJECTS = 1;

/** The item size of a dtype made by `numpy.dtype(descr, …)` with its BUILD state, or null; -1: Python objects. */
function itemSize(dtype: Sym | undefined): number | null {
  if (dtype?.k !== 'made' || dtype.by !== 'numpy.dtype' || dtype.args?.k !== 'tuple') return null;
  const descr = dtype.args.items[0];
  if (descr?.k !== 'str') return null;
  // numpy's dtype state: (version, byte order, subarray, names, fields, element size, alignment, flags, …).
  const state = dtype.state?.k === 'tuple' ? dtype.state.items : [];
  const flags = state[7];
  if (descr.v.startsWith('O') || (flags?.k === 'int' && (flags.v & HOLDS_OBJECTS) !== 0)) return -1;
  const size = state[5];
  if (size?.k === 'int' && size.v > 0) return size.v;
  const fixed = /^[biufcmM](\d{1,2})$/.exec(descr.v);
  return fixed ? Number(fixed[1]) : null;
}

/**
 * What follows the BUILD of an array record whose state is `state`, or a sentence saying why the scanner cannot tell
 * where the array's data end (then it cannot read on, and refuses the file).
 */
export function arrayAfter(state: Sym | undefined): JoblibData | string {
  const size = itemSize(entry(state, 'dtype'));
  if (size === null)
    return 'A joblib array record has a dtype the scanner cannot size, so it cannot tell where its data end.';
  if (size === -1) return { kind: 'pickle' };
  const shape = entry(state, 'shape');
  if (shape?.k !== 'tuple' || shape.items.some((d) => d.k !== 'int' || d.v < 0))
    return 'A joblib array record has a shape the scanner cannot read, so it cannot tell where its data end.';
  const count = shape.items.reduce((product, d) => product * (d as { v: number }).v, 1);
  const bytes = count * size;
  if (!Number.isSafeInteger(bytes))
    return `A joblib array record claims ${count} items of ${size} bytes, more than any file holds.`;
  const alignment = entry(state, 'numpy_array_alignment_bytes');
  return { kind: 'raw', bytes, padded: alignment?.k === 'int' };
}
