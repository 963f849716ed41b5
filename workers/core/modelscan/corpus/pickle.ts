/**
 * A small pickle assembler for the test corpus: opcodes by name with their arguments, written as CPython writes
 * them. Tests build benign and hostile pickles with it instead of committing binary files.
 */

export type Op =
  | ['PROTO', number]
  | ['FRAME', number]
  | ['GLOBAL', string, string]
  | ['INST', string, string]
  | ['STR', string]
  | ['STRING', string]
  | ['BINSTRING', string]
  | ['BYTES', Uint8Array]
  | ['BININT', number]
  | ['BINPUT', number]
  | ['BINGET', number]
  | ['LONG_BINPUT', number]
  | ['LONG_BINGET', number]
  | ['PUT', number]
  | ['GET', number]
  | ['EXT1', number]
  | ['PERSID', string]
  | [
      | 'MARK'
      | 'STOP'
      | 'POP'
      | 'DUP'
      | 'REDUCE'
      | 'BUILD'
      | 'NEWOBJ'
      | 'OBJ'
      | 'TUPLE'
      | 'TUPLE1'
      | 'TUPLE2'
      | 'TUPLE3'
      | 'EMPTY_TUPLE'
      | 'EMPTY_DICT'
      | 'EMPTY_LIST'
      | 'SETITEM'
      | 'SETITEMS'
      | 'APPEND'
      | 'APPENDS'
      | 'NONE'
      | 'NEWTRUE'
      | 'NEWFALSE'
      | 'STACK_GLOBAL'
      | 'MEMOIZE'
      | 'BINPERSID'
      | 'DICT'
      | 'LIST',
    ];

const SIMPLE: Record<string, number> = {
  MARK: 0x28,
  STOP: 0x2e,
  POP: 0x30,
  DUP: 0x32,
  REDUCE: 0x52,
  BUILD: 0x62,
  NEWOBJ: 0x81,
  OBJ: 0x6f,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_TUPLE: 0x29,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  APPEND: 0x61,
  APPENDS: 0x65,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  BINPERSID: 0x51,
  DICT: 0x64,
  LIST: 0x6c,
};

const enc = new TextEncoder();

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** Assembles opcodes into pickle bytes. */
export function assemble(ops: readonly Op[]): Uint8Array {
  const out: number[] = [];
  const push = (...bytes: number[]) => {
    for (const b of bytes) out.push(b);
  };
  const pushBytes = (bytes: Uint8Array) => {
    for (const b of bytes) out.push(b);
  };
  for (const op of ops) {
    switch (op[0]) {
      case 'PROTO':
        push(0x80, op[1]);
        break;
      case 'FRAME':
        push(0x95, ...u32(op[1]), 0, 0, 0, 0);
        break;
      case 'GLOBAL':
      case 'INST':
        push(op[0] === 'GLOBAL' ? 0x63 : 0x69);
        pushBytes(enc.encode(`${op[1]}\n${op[2]}\n`));
        break;
      case 'STR': {
        const bytes = enc.encode(op[1]);
        if (bytes.length < 256) push(0x8c, bytes.length);
        else push(0x58, ...u32(bytes.length));
        pushBytes(bytes);
        break;
      }
      case 'STRING':
        push(0x53);
        pushBytes(enc.encode(`'${op[1]}'\n`));
        break;
      case 'BINSTRING': {
        const bytes = enc.encode(op[1]);
        push(0x55, bytes.length);
        pushBytes(bytes);
        break;
      }
      case 'BYTES':
        push(0x42, ...u32(op[1].length));
        pushBytes(op[1]);
        break;
      case 'BININT':
        push(0x4a, ...u32(op[1]));
        break;
      case 'BINPUT':
        push(0x71, op[1]);
        break;
      case 'BINGET':
        push(0x68, op[1]);
        break;
      case 'LONG_BINPUT':
        push(0x72, ...u32(op[1]));
        break;
      case 'LONG_BINGET':
        push(0x6a, ...u32(op[1]));
        break;
      case 'PUT':
        push(0x70);
        pushBytes(enc.encode(`${op[1]}\n`));
        break;
      case 'GET':
        push(0x67);
        pushBytes(enc.encode(`${op[1]}\n`));
        break;
      case 'EXT1':
        push(0x82, op[1]);
        break;
      case 'PERSID':
        push(0x50);
        pushBytes(enc.encode(`${op[1]}\n`));
        break;
      default:
        push(SIMPLE[op[0]] as number);
    }
  }
  return new Uint8Array(out);
}

/** `os.system(command)` as protocol 2 GLOBAL + REDUCE: the classic malicious `__reduce__`. */
export function systemCallPickle(command = 'id'): Uint8Array {
  return assemble([
    ['PROTO', 2],
    ['GLOBAL', 'os', 'system'],
    ['STR', command],
    ['TUPLE1'],
    ['REDUCE'],
    ['STOP'],
  ]);
}

/**
 * A PyTorch state_dict's data.pkl as torch.save writes it (protocol 2): an OrderedDict of tensors rebuilt by
 * torch._utils._rebuild_tensor_v2 from persistent storage ids ('storage', torch.FloatStorage, key, 'cpu', numel).
 */
export function stateDictPickle(
  tensors: readonly { name: string; key: string; shape: number[] }[],
): Uint8Array {
  const ops: Op[] = [
    ['PROTO', 2],
    ['GLOBAL', 'collections', 'OrderedDict'],
    ['EMPTY_TUPLE'],
    ['REDUCE'],
    ['MARK'],
  ];
  for (const t of tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    ops.push(['STR', t.name], ['GLOBAL', 'torch._utils', '_rebuild_tensor_v2'], ['MARK']);
    ops.push(
      ['MARK'],
      ['STR', 'storage'],
      ['GLOBAL', 'torch', 'FloatStorage'],
      ['STR', t.key],
      ['STR', 'cpu'],
    );
    ops.push(['BININT', numel], ['TUPLE'], ['BINPERSID'], ['BININT', 0], ['MARK']);
    for (const d of t.shape) ops.push(['BININT', d]);
    ops.push(['TUPLE'], ['MARK']);
    let stride = numel;
    for (const d of t.shape) {
      stride = d === 0 ? 0 : stride / d;
      ops.push(['BININT', stride]);
    }
    ops.push(['TUPLE'], ['NEWFALSE'], ['GLOBAL', 'collections', 'OrderedDict'], ['EMPTY_TUPLE'], ['REDUCE']);
    ops.push(['TUPLE'], ['REDUCE']);
  }
  ops.push(['SETITEMS'], ['STOP']);
  return assemble(ops);
}

/** A TorchScript archive's data.pkl: the module object of a compiled class (`__torch__.Net`), built by NEWOBJ. */
export function torchScriptPickle(): Uint8Array {
  return assemble([
    ['PROTO', 2],
    ['GLOBAL', '__torch__', 'Net'],
    ['EMPTY_TUPLE'],
    ['NEWOBJ'],
    ['EMPTY_DICT'],
    ['BUILD'],
    ['STOP'],
  ]);
}

/** numpy.dtype(descr, False, True), as NumPy pickles a dtype (its state left out). */
export const dtypeOps = (descr: string): Op[] => [
  ['GLOBAL', 'numpy', 'dtype'],
  ['STR', descr],
  ['NEWFALSE'],
  ['NEWTRUE'],
  ['TUPLE3'],
  ['REDUCE'],
];

/** joblib's record of a one-dimensional array: NumpyArrayWrapper with its shape and dtype set by SETITEM, and BUILD. */
export const joblibRecordOps = (length: number, descr: string): Op[] => [
  ['GLOBAL', 'joblib.numpy_pickle', 'NumpyArrayWrapper'],
  ['EMPTY_TUPLE'],
  ['NEWOBJ'],
  ['EMPTY_DICT'],
  ['STR', 'shape'],
  ['BININT', length],
  ['TUPLE1'],
  ['SETITEM'],
  ['STR', 'dtype'],
  ...dtypeOps(descr),
  ['SETITEM'],
  ['BUILD'],
];

/**
 * A protocol 2 joblib file of one uint8 array whose bytes are `data` (joblib 1.1's layout: no alignment padding), as
 * joblib.dump writes a NumpyArrayWrapper record and the array's bytes after its BUILD; `before` goes first.
 */
export function joblibBytesPickle(data: Uint8Array, before: Op[] = []): Uint8Array {
  const head = assemble([['PROTO', 2], ...before, ...joblibRecordOps(data.length, 'u1')]);
  return Uint8Array.from([...head, ...data, 0x2e]);
}
