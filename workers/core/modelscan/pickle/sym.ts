/**
 * The values the symbolic pickle machine (machine.ts) keeps on its stack and memo: enough to name every import
 * (strings, globals, what built each object) and to size a joblib array (small integers, tuples, string-keyed dicts,
 * the arguments and state of an object; joblib.ts). Everything else is `other`.
 */
import { quote } from '../context';

export type Sym =
  | { k: 'str'; v: string }
  | { k: 'bytes'; at: number; length: number }
  | { k: 'int'; v: number }
  | { k: 'tuple'; items: Sym[] }
  | { k: 'dict'; entries: Map<string, Sym> }
  | { k: 'global'; name: string }
  /** An object made by calling a global, with the arguments it was called with and the state BUILD gave it. */
  | { k: 'made'; by: string; args?: Sym; state?: Sym }
  | { k: 'other' };

export const OTHER: Sym = { k: 'other' };

/**
 * Most items a kept tuple or dict holds: a NumPy shape has at most 64 dimensions, and the records joblib.ts reads
 * have six keys. A larger tuple is `other`, and a dict keeps its first 64 string keys, so a pickle cannot make the
 * machine hold its containers.
 */
export const MAX_KEPT = 64;

/** A tuple of `items`, or `other` when it holds more than MAX_KEPT. */
export function tupleOf(items: Sym[]): Sym {
  return items.length <= MAX_KEPT ? { k: 'tuple', items } : OTHER;
}

/** What a scalar or empty-container opcode pushes: integers (as joblib's shapes are written), empty tuples and dicts. */
export function scalar(name: string, n: number, text: string): Sym {
  if (name === 'BININT' || name === 'BININT1' || name === 'BININT2') return { k: 'int', v: n };
  // Protocol 0 writes an integer as its digits (and True and False as 01 and 00).
  if (name === 'INT' && /^-?\d{1,15}$/.test(text)) return { k: 'int', v: Number(text) };
  if (name === 'EMPTY_TUPLE') return { k: 'tuple', items: [] };
  if (name === 'EMPTY_DICT') return { k: 'dict', entries: new Map() };
  return OTHER;
}

/** Sets `pairs` (key, value, key, value, …) on `target` when it is a dict; string keys only. */
export function setItems(target: Sym | undefined, pairs: readonly Sym[]): void {
  if (target?.k !== 'dict') return;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const key = pairs[i] as Sym;
    if (key.k === 'str' && (target.entries.size < MAX_KEPT || target.entries.has(key.v)))
      target.entries.set(key.v, pairs[i + 1] as Sym);
  }
}

export function parseIndex(text: string, at: number, fail: (s: string, at: number) => never): number {
  if (!/^\d{1,10}$/.test(text)) fail(`The memo index ${quote(text)} is not a number.`, at);
  return Number(text);
}

/** A protocol 0 STRING argument (a quoted Python literal): its text when it holds no escapes, else unknown. */
export function quotedString(text: string): Sym {
  const m = /^(['"])(.*)\1$/s.exec(text);
  if (!m || (m[2] as string).includes('\\')) return OTHER;
  return { k: 'str', v: m[2] as string };
}

export function describeSym(value: Sym): string {
  switch (value.k) {
    case 'str':
      return `the string ${quote(value.v, 40)}`;
    case 'bytes':
      return 'a byte string';
    case 'global':
      return `the global ${value.name}`;
    case 'made':
      return `an object made by ${value.by}`;
    default:
      return 'a value the scanner does not track';
  }
}
