/**
 * Writes marshalled Python code objects for the test corpus (CPython Python/marshal.c layouts of 3.8–3.10 and 3.11+),
 * so Lambda payloads can be crafted without Python. The bytecode itself is a placeholder: the scanner lists names
 * and constants, it never runs or decodes instructions.
 */

export interface CodeSpec {
  names: string[];
  consts: (string | number | null | CodeSpec)[];
  name?: string;
}

const enc = new TextEncoder();

function i32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}
function short(text: string): number[] {
  const b = [...enc.encode(text)];
  return [0x7a, b.length, ...b];
}
function bytes(data: number[]): number[] {
  return [0x73, ...i32(data.length), ...data];
}
function tuple(items: number[][]): number[] {
  return [0x29, items.length, ...items.flat()];
}

function code(spec: CodeSpec, layout: '3.11' | '3.8'): number[] {
  const consts = spec.consts.map((c) =>
    c === null
      ? [0x4e]
      : typeof c === 'number'
        ? [0x69, ...i32(c)]
        : typeof c === 'string'
          ? short(c)
          : code(c, layout),
  );
  const name = short(spec.name ?? '<lambda>');
  const body = bytes([0x97, 0x00, 0x64, 0x00, 0x53, 0x00]);
  if (layout === '3.11') {
    return [
      0x63,
      ...i32(1),
      ...i32(0),
      ...i32(0),
      ...i32(4),
      ...i32(3),
      ...body,
      ...tuple(consts),
      ...tuple(spec.names.map(short)),
      ...tuple([short('x')]),
      ...bytes([0x26]),
      ...short('<stdin>'),
      ...name,
      ...name,
      ...i32(1),
      ...bytes([]),
      ...bytes([]),
    ];
  }
  return [
    0x63,
    ...i32(1),
    ...i32(0),
    ...i32(0),
    ...i32(1),
    ...i32(4),
    ...i32(67),
    ...body,
    ...tuple(consts),
    ...tuple(spec.names.map(short)),
    ...tuple([short('x')]),
    ...tuple([]),
    ...tuple([]),
    ...short('<stdin>'),
    ...name,
    ...i32(1),
    ...bytes([]),
  ];
}

/** The marshal bytes of a code object in the given Python layout. */
export function marshalCode(spec: CodeSpec, layout: '3.11' | '3.8' = '3.11'): Uint8Array {
  return new Uint8Array(code(spec, layout));
}

/** Base64 of marshal bytes, as Keras's func_dump writes it (with a trailing newline). */
export function lambdaPayload(spec: CodeSpec, layout: '3.11' | '3.8' = '3.11'): string {
  let binary = '';
  for (const b of marshalCode(spec, layout)) binary += String.fromCharCode(b);
  return `${btoa(binary)}\n`;
}

/** `lambda x: __import__('os').system('id')`: what a malicious Lambda layer carries. */
export const OS_SYSTEM_LAMBDA: CodeSpec = { names: ['__import__', 'system'], consts: [null, 'os', 'id'] };
