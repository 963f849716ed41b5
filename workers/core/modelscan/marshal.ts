/**
 * A reader of Python's marshal format (CPython Python/marshal.c), enough to list what a marshalled code object — a
 * Keras Lambda's bytecode — refers to: its `co_names` (globals and attributes it loads, e.g. `system`) and its
 * `co_consts` (e.g. `'os'`), with those of nested code objects. Nothing is executed; the code object's layout
 * differs by Python version, so each known layout is tried and the one that reads the whole payload wins.
 */

/** What a code object refers to, and the code objects nested in its constants. */
export interface CodeListing {
  name: string;
  names: string[];
  consts: string[];
  nested: CodeListing[];
}

export interface MarshalListing {
  /** The Python versions whose code-object layout read the payload. */
  python: string;
  code: CodeListing;
}

type Value =
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'code'; v: CodeListing }
  | { t: 'seq'; v: Value[] }
  | { t: 'other'; v: string };

interface Layout {
  python: string;
  /** int32 fields before `co_code`. */
  intsBefore: number;
  /** objects from `co_code` to `co_name`/`co_qualname` (inclusive), then firstlineno, then objects after. */
  objects: readonly string[];
  objectsAfter: number;
}

const LAYOUTS: readonly Layout[] = [
  {
    python: '3.11 or later',
    intsBefore: 5,
    objects: [
      'code',
      'consts',
      'names',
      'localsplusnames',
      'localspluskinds',
      'filename',
      'name',
      'qualname',
    ],
    objectsAfter: 2,
  },
  {
    python: '3.8 to 3.10',
    intsBefore: 6,
    objects: ['code', 'consts', 'names', 'varnames', 'freevars', 'cellvars', 'filename', 'name'],
    objectsAfter: 1,
  },
  {
    python: '3.0 to 3.7',
    intsBefore: 5,
    objects: ['code', 'consts', 'names', 'varnames', 'freevars', 'cellvars', 'filename', 'name'],
    objectsAfter: 1,
  },
  {
    python: '2.x',
    intsBefore: 4,
    objects: ['code', 'consts', 'names', 'varnames', 'freevars', 'cellvars', 'filename', 'name'],
    objectsAfter: 1,
  },
];

const MAX_OBJECTS = 200_000;
const MAX_DEPTH = 64;

class Bad extends Error {}

class Reader {
  pos = 0;
  refs: Value[] = [];
  count = 0;
  private readonly latin1 = new TextDecoder('latin1');
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(
    private readonly b: Uint8Array,
    private readonly layout: Layout,
  ) {}

  need(n: number): void {
    if (n < 0 || this.pos + n > this.b.length) throw new Bad('past the end');
  }
  byte(): number {
    this.need(1);
    return this.b[this.pos++] as number;
  }
  int32(): number {
    this.need(4);
    const b = this.b;
    const p = this.pos;
    this.pos += 4;
    return (
      (b[p] as number) |
      ((b[p + 1] as number) << 8) |
      ((b[p + 2] as number) << 16) |
      ((b[p + 3] as number) << 24)
    );
  }
  raw(n: number): Uint8Array {
    if (n < 0) throw new Bad('negative length');
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  read(depth: number): Value {
    if (depth > MAX_DEPTH || ++this.count > MAX_OBJECTS) throw new Bad('too deep or too many objects');
    const code = this.byte();
    const flag = (code & 0x80) !== 0;
    const type = String.fromCharCode(code & 0x7f);
    let slot = -1;
    if (flag) {
      slot = this.refs.length;
      this.refs.push({ t: 'other', v: '…' });
    }
    const value = this.readType(type, depth);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private readType(type: string, depth: number): Value {
    switch (type) {
      case '0':
      case 'N':
        return { t: 'other', v: 'None' };
      case 'F':
        return { t: 'num', v: 'False' };
      case 'T':
        return { t: 'num', v: 'True' };
      case 'S':
        return { t: 'other', v: 'StopIteration' };
      case '.':
        return { t: 'other', v: 'Ellipsis' };
      case 'i':
        return { t: 'num', v: String(this.int32()) };
      case 'l': {
        const n = this.int32();
        const digits = Math.abs(n);
        if (digits > 100_000) throw new Bad('long too long');
        let value = 0n;
        for (let i = 0; i < digits; i++) {
          this.need(2);
          const d = (this.b[this.pos] as number) | ((this.b[this.pos + 1] as number) << 8);
          this.pos += 2;
          value += BigInt(d) << BigInt(15 * i);
        }
        return { t: 'num', v: (n < 0 ? -value : value).toString() };
      }
      case 'f':
        return { t: 'num', v: this.latin1.decode(this.raw(this.byte())) };
      case 'g': {
        const bytes = this.raw(8);
        return { t: 'num', v: String(new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true)) };
      }
      case 'x':
        return {
          t: 'num',
          v: `complex(${this.latin1.decode(this.raw(this.byte()))}, ${this.latin1.decode(this.raw(this.byte()))})`,
        };
      case 'y':
        this.raw(16);
        return { t: 'num', v: 'complex' };
      case 's':
        return { t: 'other', v: `bytes(${this.raw(this.int32()).length})` };
      case 't':
      case 'u':
        return { t: 'str', v: this.utf8.decode(this.raw(this.int32())) };
      case 'a':
      case 'A':
        return { t: 'str', v: this.latin1.decode(this.raw(this.int32())) };
      case 'z':
      case 'Z':
        return { t: 'str', v: this.latin1.decode(this.raw(this.byte())) };
      case '(':
      case '[':
      case '<':
      case '>':
        return this.sequence(this.int32(), depth);
      case ')':
        return this.sequence(this.byte(), depth);
      case '{': {
        const items: Value[] = [];
        for (;;) {
          if (this.b[this.pos] === 0x30) {
            this.pos++;
            return { t: 'seq', v: items };
          }
          items.push(this.read(depth + 1), this.read(depth + 1));
        }
      }
      case ':':
        return this.sequence(3, depth);
      case 'r': {
        const index = this.int32();
        const ref = this.refs[index];
        if (!ref || index < 0) throw new Bad('bad reference');
        return ref;
      }
      case 'c':
        return { t: 'code', v: this.codeObject(depth) };
      default:
        throw new Bad(`unknown type ${type}`);
    }
  }

  private sequence(n: number, depth: number): Value {
    if (n < 0 || n > this.b.length - this.pos) throw new Bad('bad length');
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(this.read(depth + 1));
    return { t: 'seq', v: items };
  }

  private codeObject(depth: number): CodeListing {
    const ints: number[] = [];
    for (let i = 0; i < this.layout.intsBefore; i++) ints.push(this.int32());
    if (ints.some((v) => v < 0) || (ints[0] as number) > 0xffff) throw new Bad('implausible counts');
    const fields = new Map<string, Value>();
    for (const field of this.layout.objects) fields.set(field, this.read(depth + 1));
    this.int32(); // co_firstlineno
    for (let i = 0; i < this.layout.objectsAfter; i++) this.read(depth + 1);
    const kinds = fields.get('localspluskinds');
    const plus = fields.get('localsplusnames');
    if (kinds && (kinds.t !== 'other' || !kinds.v.startsWith('bytes(') || plus?.t !== 'seq')) {
      throw new Bad('not a 3.11 code object');
    }
    if (fields.get('code')?.t !== 'other') throw new Bad('co_code is not bytes');
    const names = fields.get('names');
    const consts = fields.get('consts');
    if (names?.t !== 'seq' || consts?.t !== 'seq') throw new Bad('co_names or co_consts is not a tuple');
    const listing: CodeListing = { name: textOf(fields.get('name')), names: [], consts: [], nested: [] };
    for (const name of names.v) {
      if (name.t !== 'str') throw new Bad('a name is not a string');
      listing.names.push(name.v);
    }
    flattenConsts(consts.v, listing);
    return listing;
  }
}

function textOf(value: Value | undefined): string {
  return value && (value.t === 'str' || value.t === 'num' || value.t === 'other') ? value.v : '?';
}

function flattenConsts(values: Value[], into: CodeListing): void {
  for (const value of values) {
    if (value.t === 'code') into.nested.push(value.v);
    else if (value.t === 'seq') flattenConsts(value.v, into);
    else if (value.t === 'str') into.consts.push(JSON.stringify(value.v));
    else if (value.t === 'num') into.consts.push(value.v);
  }
}

/** Lists the code object marshalled in `bytes`, or null when no known layout reads the whole payload as one. */
export function listMarshalledCode(bytes: Uint8Array): MarshalListing | null {
  for (const layout of LAYOUTS) {
    const reader = new Reader(bytes, layout);
    try {
      const value = reader.read(0);
      if (value.t === 'code' && reader.pos === bytes.length) return { python: layout.python, code: value.v };
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      // this layout does not read it: try the next
    }
  }
  return null;
}

/** Every name and constant of a listing and its nested code objects, each once, in order of appearance. */
export function referencesOf(code: CodeListing): string[] {
  const out = new Set<string>();
  const visit = (c: CodeListing) => {
    for (const name of c.names) out.add(name);
    for (const value of c.consts) out.add(value);
    for (const child of c.nested) visit(child);
  };
  visit(code);
  return [...out];
}
