/**
 * A symbolic pickle machine: it walks the opcodes of one pickle the way CPython's Unpickler would, keeping only
 * what it needs to name every import: strings (so STACK_GLOBAL and the memo resolve), globals, and what built each
 * object. Nothing is executed. A global whose name is computed at load time, an extension code, or a call on a value
 * the machine cannot name is reported as unsafe; every other global is judged against the allowlist when the pickle
 * ends (pickle/scan.ts).
 */
import type { ByteReader } from '../bytes';
import { globalName } from './allowlist';
import { arrayAfter, isArrayRecord } from './joblib';
import { OPCODES } from './opcodes';
import { describeSym, OTHER, parseIndex, quotedString, type Sym, scalar, setItems, tupleOf } from './sym';

export type { Sym } from './sym';

/** How a global was used: imported (always), called (REDUCE/NEWOBJ/INST/OBJ), or had state set on its object (BUILD). */
export interface GlobalUse {
  name: string;
  /** Byte offsets of the imports and of the calls. */
  importedAt: number[];
  calledAt: number[];
  builtAt: number[];
}

/** What one pickle holds: its globals, the byte strings that may themselves be pickles, and where it ends. */
export interface PickleTrace {
  end: number;
  protocol: number;
  globals: Map<string, GlobalUse>;
  /** [offset, length] of byte strings long enough to be a nested pickle. */
  byteStrings: [number, number][];
  /** Unsafe acts that name no global (sentence and offset). */
  opaque: { at: number; sentence: string }[];
  /** joblib array records whose data the machine read past (joblib.ts). */
  arrays: number;
}
const MAX_STRING = 4096;
const MAX_LINE = 1 << 16;
const MAX_REPORTED_OFFSETS = 5;

function note(list: number[], at: number): void {
  if (list.length < MAX_REPORTED_OFFSETS) list.push(at);
}

/**
 * Runs the machine over one pickle starting at `start`; refuses malformed streams and ones over the caps. With
 * `joblib`, array data after a joblib array record is read past as joblib.load reads it (joblib.ts), and an array of
 * objects' own pickle is traced into this one.
 */
export function tracePickle(r: ByteReader, start: number, joblib = false): PickleTrace {
  const ctx = r.ctx;
  const limits = ctx.limits;
  const trace: PickleTrace = {
    end: start,
    protocol: 0,
    globals: new Map(),
    byteStrings: [],
    opaque: [],
    arrays: 0,
  };
  let stack: Sym[] = [];
  const marks: Sym[][] = [];
  const memo = new Map<number, Sym>();
  let ops = 0;
  let p = start;
  const fail = (sentence: string, at: number): never =>
    ctx.refuse('malformed', `${r.where}, byte ${at}`, sentence);
  const pop = (at: number, what: string): Sym => {
    const v = stack.pop();
    if (v === undefined) fail(`${what} finds the stack empty.`, at);
    return v as Sym;
  };
  const popMark = (at: number, what: string): Sym[] => {
    const items = stack;
    const before = marks.pop();
    if (before === undefined) fail(`${what} finds no MARK.`, at);
    stack = before as Sym[];
    return items;
  };
  const recordGlobal = (full: string, at: number): GlobalUse => {
    let use = trace.globals.get(full);
    if (!use) {
      use = { name: full, importedAt: [], calledAt: [], builtAt: [] };
      trace.globals.set(full, use);
    }
    note(use.importedAt, at);
    return use;
  };
  const call = (callee: Sym, at: number, op: string): Sym => {
    if (callee.k === 'global') {
      const use = trace.globals.get(callee.name);
      if (use) note(use.calledAt, at);
      return { k: 'made', by: callee.name };
    }
    trace.opaque.push({
      at,
      sentence: `${op} at byte ${at} calls a value built while loading (${describeSym(callee)}), not a named global, so the scanner cannot tell what runs.`,
    });
    return OTHER;
  };
  const line = (at: number): [string, number] => {
    const nl = r.indexOf(0x0a, at, MAX_LINE);
    if (nl < 0) fail('A text argument has no line end.', at);
    return [r.text(at, nl - at, 'A text argument', 'latin1'), nl + 1];
  };
  // Past a joblib array record's data (joblib.ts): raw bytes, or an array of objects' own pickle, traced into this one.
  const afterArray = (state: Sym, from: number): number => {
    const data = arrayAfter(state);
    if (typeof data === 'string') return fail(data, from);
    trace.arrays++;
    if (data.kind === 'pickle') {
      const inner = tracePickle(r, from);
      for (const use of inner.globals.values()) {
        const mine = recordGlobal(use.name, use.importedAt[0] as number);
        for (const a of use.importedAt.slice(1)) note(mine.importedAt, a);
        for (const c of use.calledAt) note(mine.calledAt, c);
        for (const b of use.builtAt) note(mine.builtAt, b);
      }
      trace.opaque.push(...inner.opaque);
      trace.byteStrings.push(...inner.byteStrings);
      return inner.end;
    }
    const start = data.padded ? from + 1 + r.u8(from, 'A joblib array padding length') : from;
    r.check(start, data.bytes, "A joblib array's data");
    return start + data.bytes;
  };
  for (;;) {
    if (++ops > limits.maxPickleOps)
      ctx.refuse(
        'limit',
        `${r.where}, byte ${p}`,
        `The pickle has more than ${limits.maxPickleOps} opcodes.`,
      );
    ctx.tick(r.where, 4096);
    if (stack.length + memo.size > limits.maxPickleItems || marks.length > limits.maxPickleItems) {
      ctx.refuse(
        'limit',
        `${r.where}, byte ${p}`,
        `The pickle holds more than ${limits.maxPickleItems} stack or memo items.`,
      );
    }
    const at = p;
    const code = r.u8(p, 'An opcode');
    const op = OPCODES[code];
    if (!op) fail(`Byte 0x${code.toString(16).padStart(2, '0')} is not a pickle opcode.`, at);
    const { name, arg } = op as NonNullable<typeof op>;
    p++;
    let n = 0;
    let text = '';
    let text2 = '';
    let dataAt = 0;
    switch (arg) {
      case 'none':
        break;
      case 'u1':
        n = r.u8(p);
        p += 1;
        break;
      case 'u2':
        n = r.u16(p);
        p += 2;
        break;
      case 'u4':
      case 'i4':
        n = r.u32(p);
        if (arg === 'i4') n |= 0;
        p += 4;
        break;
      case 'u8':
        n = r.defined(p, 8, 'An 8-byte argument');
        p += 8;
        break;
      case 'f8':
        p += 8;
        r.check(at, 9, 'A float');
        break;
      case 'line':
        [text, p] = line(p);
        break;
      case 'lines2':
        [text, p] = line(p);
        [text2, p] = line(p);
        break;
      case 'len1':
      case 'len4':
      case 'len8': {
        const size = arg === 'len1' ? 1 : arg === 'len4' ? 4 : 8;
        n = size === 8 ? r.defined(p, 8, 'A length') : size === 4 ? r.u32(p) : r.u8(p);
        if (name === 'BINSTRING' && n > 0x7fffffff) fail('BINSTRING has a negative length.', at);
        dataAt = p + size;
        r.check(dataAt, n, `The ${name} data`);
        p = dataAt + n;
        break;
      }
    }
    switch (name) {
      case 'PROTO':
        if (n > 5) fail(`The pickle asks for protocol ${n}; the highest is 5.`, at);
        trace.protocol = n;
        break;
      case 'FRAME':
        r.check(p, n, 'The FRAME');
        break;
      case 'STOP':
        trace.end = p;
        return trace;
      case 'MARK':
        marks.push(stack);
        stack = [];
        break;
      case 'POP':
        if (stack.length > 0) stack.pop();
        else popMark(at, name);
        break;
      case 'POP_MARK':
        popMark(at, name);
        break;
      case 'DUP': {
        const top = pop(at, name);
        stack.push(top, top);
        break;
      }
      case 'GLOBAL':
      case 'INST': {
        const full = globalName(text, text2);
        recordGlobal(full, at);
        if (name === 'GLOBAL') stack.push({ k: 'global', name: full });
        else {
          popMark(at, name);
          stack.push(call({ k: 'global', name: full }, at, name));
        }
        break;
      }
      case 'STACK_GLOBAL': {
        const qual = pop(at, name);
        const module = pop(at, name);
        if (module.k === 'str' && qual.k === 'str') {
          const full = globalName(module.v, qual.v);
          recordGlobal(full, at);
          stack.push({ k: 'global', name: full });
        } else {
          trace.opaque.push({
            at,
            sentence: `STACK_GLOBAL at byte ${at} imports a module and name taken from values built while loading (${describeSym(module)}, ${describeSym(qual)}), so the scanner cannot tell what it imports.`,
          });
          stack.push(OTHER);
        }
        break;
      }
      case 'EXT1':
      case 'EXT2':
      case 'EXT4':
        trace.opaque.push({
          at,
          sentence: `${name} at byte ${at} imports whatever copyreg's extension registry maps code ${n} to when the file is loaded, which the file does not say.`,
        });
        stack.push(OTHER);
        break;
      case 'REDUCE':
      case 'NEWOBJ': {
        const args = pop(at, name);
        const made = call(pop(at, name), at, name);
        stack.push(made.k === 'made' ? { ...made, args } : made);
        break;
      }
      case 'NEWOBJ_EX':
        pop(at, name);
        pop(at, name);
        stack.push(call(pop(at, name), at, name));
        break;
      case 'OBJ': {
        const items = popMark(at, name);
        const cls = items[0];
        if (!cls) fail('OBJ has no class.', at);
        stack.push(call(cls as Sym, at, name));
        break;
      }
      case 'BUILD': {
        const state = pop(at, name);
        const target = stack[stack.length - 1];
        if (!target) fail('BUILD finds the stack empty.', at);
        if (target?.k === 'made') {
          const use = trace.globals.get(target.by);
          if (use) note(use.builtAt, at);
          target.state = state;
          if (joblib && isArrayRecord(target)) p = afterArray(state, p);
        } else if (target?.k === 'global') {
          const use = trace.globals.get(target.name);
          if (use) note(use.builtAt, at);
        }
        break;
      }
      case 'PUT':
      case 'BINPUT':
      case 'LONG_BINPUT':
      case 'MEMOIZE': {
        const top = stack[stack.length - 1];
        if (!top) fail(`${name} finds the stack empty.`, at);
        const index = name === 'PUT' ? parseIndex(text, at, fail) : name === 'MEMOIZE' ? memo.size : n;
        memo.set(index, top as Sym);
        break;
      }
      case 'GET':
      case 'BINGET':
      case 'LONG_BINGET': {
        const index = name === 'GET' ? parseIndex(text, at, fail) : n;
        const value = memo.get(index);
        if (!value) fail(`${name} reads memo slot ${index}, which was never stored.`, at);
        stack.push(value as Sym);
        break;
      }
      case 'SHORT_BINUNICODE':
      case 'BINUNICODE':
      case 'BINUNICODE8':
      case 'SHORT_BINSTRING':
      case 'BINSTRING':
        stack.push(n <= MAX_STRING ? { k: 'str', v: r.text(dataAt, n) } : OTHER);
        if (name.endsWith('BINSTRING') && n >= 4) trace.byteStrings.push([dataAt, n]);
        break;
      case 'UNICODE':
        stack.push({ k: 'str', v: text });
        break;
      case 'STRING':
        stack.push(quotedString(text));
        break;
      case 'SHORT_BINBYTES':
      case 'BINBYTES':
      case 'BINBYTES8':
      case 'BYTEARRAY8':
        stack.push({ k: 'bytes', at: dataAt, length: n });
        if (n >= 4) trace.byteStrings.push([dataAt, n]);
        break;
      case 'PERSID':
        stack.push(OTHER);
        break;
      case 'BINPERSID':
        pop(at, name);
        stack.push(OTHER);
        break;
      case 'APPEND':
      case 'SETITEM': {
        const value = pop(at, name);
        const key = name === 'SETITEM' ? pop(at, name) : OTHER;
        if (stack.length === 0) fail(`${name} finds no container.`, at);
        setItems(stack[stack.length - 1], [key, value]);
        break;
      }
      case 'APPENDS':
      case 'SETITEMS':
      case 'ADDITEMS': {
        const items = popMark(at, name);
        if (stack.length === 0) fail(`${name} finds no container.`, at);
        if (name === 'SETITEMS') setItems(stack[stack.length - 1], items);
        break;
      }
      case 'LIST':
      case 'TUPLE':
      case 'DICT':
      case 'FROZENSET': {
        const items = popMark(at, name);
        const made: Sym =
          name === 'TUPLE' ? tupleOf(items) : name === 'DICT' ? { k: 'dict', entries: new Map() } : OTHER;
        setItems(made, items);
        stack.push(made);
        break;
      }
      case 'TUPLE1':
      case 'TUPLE2':
      case 'TUPLE3': {
        const count = Number(name.slice(5));
        const items: Sym[] = [];
        for (let i = 0; i < count; i++) items.unshift(pop(at, name));
        stack.push(tupleOf(items));
        break;
      }
      default:
        // Scalars and empty containers (NONE, INT, BININT*, LONG*, FLOAT, BINFLOAT, NEWTRUE/FALSE, EMPTY_*,
        // NEXT_BUFFER, READONLY_BUFFER): only integers and empty tuples and dicts are kept (sym.ts).
        if (name === 'READONLY_BUFFER') pop(at, name);
        stack.push(scalar(name, n, text));
    }
  }
}
