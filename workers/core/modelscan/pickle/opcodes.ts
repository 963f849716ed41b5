/**
 * Pickle opcodes of protocols 0–5 (CPython Lib/pickletools.py) and how each one's argument is laid out in the stream.
 * The scanner reads arguments by this table and never by guessing.
 */

/** How an opcode's argument is encoded: none, fixed-size little-endian, one or two newline-terminated lines, or a
 * length-prefixed run of bytes (`len1`: one length byte; `len4`: four; `len8`: eight). */
export type ArgKind =
  | 'none'
  | 'u1'
  | 'u2'
  | 'u4'
  | 'i4'
  | 'u8'
  | 'f8'
  | 'line'
  | 'lines2'
  | 'len1'
  | 'len4'
  | 'len8';

export interface Opcode {
  name: string;
  arg: ArgKind;
}

const TABLE: Record<string, [string, ArgKind]> = {
  '(': ['MARK', 'none'],
  '.': ['STOP', 'none'],
  '0': ['POP', 'none'],
  '1': ['POP_MARK', 'none'],
  '2': ['DUP', 'none'],
  F: ['FLOAT', 'line'],
  I: ['INT', 'line'],
  J: ['BININT', 'i4'],
  K: ['BININT1', 'u1'],
  L: ['LONG', 'line'],
  M: ['BININT2', 'u2'],
  N: ['NONE', 'none'],
  P: ['PERSID', 'line'],
  Q: ['BINPERSID', 'none'],
  R: ['REDUCE', 'none'],
  S: ['STRING', 'line'],
  T: ['BINSTRING', 'len4'],
  U: ['SHORT_BINSTRING', 'len1'],
  V: ['UNICODE', 'line'],
  X: ['BINUNICODE', 'len4'],
  a: ['APPEND', 'none'],
  b: ['BUILD', 'none'],
  c: ['GLOBAL', 'lines2'],
  d: ['DICT', 'none'],
  '}': ['EMPTY_DICT', 'none'],
  e: ['APPENDS', 'none'],
  g: ['GET', 'line'],
  h: ['BINGET', 'u1'],
  i: ['INST', 'lines2'],
  j: ['LONG_BINGET', 'u4'],
  l: ['LIST', 'none'],
  ']': ['EMPTY_LIST', 'none'],
  o: ['OBJ', 'none'],
  p: ['PUT', 'line'],
  q: ['BINPUT', 'u1'],
  r: ['LONG_BINPUT', 'u4'],
  s: ['SETITEM', 'none'],
  t: ['TUPLE', 'none'],
  ')': ['EMPTY_TUPLE', 'none'],
  u: ['SETITEMS', 'none'],
  G: ['BINFLOAT', 'f8'],
  B: ['BINBYTES', 'len4'],
  C: ['SHORT_BINBYTES', 'len1'],
  '\x80': ['PROTO', 'u1'],
  '\x81': ['NEWOBJ', 'none'],
  '\x82': ['EXT1', 'u1'],
  '\x83': ['EXT2', 'u2'],
  '\x84': ['EXT4', 'i4'],
  '\x85': ['TUPLE1', 'none'],
  '\x86': ['TUPLE2', 'none'],
  '\x87': ['TUPLE3', 'none'],
  '\x88': ['NEWTRUE', 'none'],
  '\x89': ['NEWFALSE', 'none'],
  '\x8a': ['LONG1', 'len1'],
  '\x8b': ['LONG4', 'len4'],
  '\x8c': ['SHORT_BINUNICODE', 'len1'],
  '\x8d': ['BINUNICODE8', 'len8'],
  '\x8e': ['BINBYTES8', 'len8'],
  '\x8f': ['EMPTY_SET', 'none'],
  '\x90': ['ADDITEMS', 'none'],
  '\x91': ['FROZENSET', 'none'],
  '\x92': ['NEWOBJ_EX', 'none'],
  '\x93': ['STACK_GLOBAL', 'none'],
  '\x94': ['MEMOIZE', 'none'],
  '\x95': ['FRAME', 'u8'],
  '\x96': ['BYTEARRAY8', 'len8'],
  '\x97': ['NEXT_BUFFER', 'none'],
  '\x98': ['READONLY_BUFFER', 'none'],
};

/** Opcodes by byte value; undefined for bytes that are no opcode. */
export const OPCODES: readonly (Opcode | undefined)[] = (() => {
  const out: (Opcode | undefined)[] = new Array(256).fill(undefined);
  for (const [key, [name, arg]] of Object.entries(TABLE)) out[key.charCodeAt(0)] = { name, arg };
  return out;
})();
