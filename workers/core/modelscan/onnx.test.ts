/**
 * ONNX models (onnx.ts, protobuf.ts): models the onnx package serialised (scripts/fixtures/test-onnx-files.py) pass,
 * or name each tensor whose external data lies outside the model's folder at its place; broken protobuf is refused.
 */
import { describe, expect, it } from 'vitest';
import { quote } from './context';
import { looksLikeOnnx } from './onnx';
import { varint } from './protobuf';
import { scanModelFile } from './scan';
import { ONNX_FILES, type OnnxFile } from './test-onnx-files';

const bytesOf = (f: OnnxFile) => Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
const WHY: Record<string, string> = {
  '../../../etc/passwd': 'climbs out of the folder with ".."',
  '/etc/shadow': 'is an absolute path',
  '..\\secrets.bin': 'contains a backslash',
  'file:///etc/hosts': 'is an absolute URL',
  '../../home/analyst/.ssh/id_rsa': 'climbs out of the folder with ".."',
  '/tmp/lr0.bin': 'is an absolute path',
};

describe('ONNX models the onnx package wrote', () => {
  it.each(ONNX_FILES.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const result = scanModelFile('model.onnx', bytesOf(f));
    expect(result.format).toBe('onnx');
    expect(result.verdict).toBe(f.outside.length > 0 ? 'unsafe' : 'safe');
    expect(result.findings).toEqual(
      f.outside.map(([place, location]) => ({
        severity: 'high',
        kind: 'weight-path',
        location: `model.onnx: ${place}`,
        sentence: `The tensor's data lives in ${quote(location)}, which ${WHY[location]}, so loading the model reads a file outside its folder.`,
        references: [location],
      })),
    );
  });

  it('never passes a model cut short', () => {
    const bytes = bytesOf(ONNX_FILES[2] as OnnxFile);
    for (let end = 3; end < bytes.length; end += 5) {
      expect(scanModelFile('cut.onnx', bytes.subarray(0, end)).verdict, `cut at ${end}`).not.toBe('safe');
    }
  });
});

const b = (...x: number[]) => Uint8Array.from(x);

describe('the protobuf reader', () => {
  it('reads varints of one to ten bytes, and none that runs past the end', () => {
    expect(varint(b(0x08), 0, 1)).toEqual([8, 1]);
    expect(varint(b(0xac, 0x02), 0, 2)).toEqual([300, 2]);
    expect(varint(b(0xff, 0xff, 0xff, 0xff, 0x0f), 0, 5)).toEqual([2 ** 32 - 1, 5]);
    expect(varint(b(0xac, 0x02), 0, 1)).toBe(null);
    expect(varint(new Uint8Array(11).fill(0x80), 0, 11)).toBe(null);
  });

  it('refuses a message it cannot read, naming the byte and why', () => {
    const cases: [Uint8Array, string][] = [
      // ir_version 7, then a string field claiming 9 bytes of 2.
      [
        b(0x08, 0x07, 0x12, 0x09, 0x61, 0x62),
        'byte 2: The protobuf field 2 claims 9 bytes, past the end of its message',
      ],
      // a group (wire type 3), which ONNX never writes.
      [
        b(0x08, 0x07, 0x12, 0x00, 0x1b),
        'byte 4: The protobuf field 3 has wire type 3, which ONNX and TensorFlow do not write',
      ],
      [b(0x08, 0x07, 0x12, 0x00, 0x00, 0x01), 'byte 4: The protobuf has a field numbered 0'],
      [
        b(0x08, 0x07, 0x12, 0x00, 0x28),
        'byte 4: The protobuf field 5 has a number that runs past its message',
      ],
      [b(0x08, 0x07, 0x12, 0x00, 0x29, 0x01), 'byte 4: The protobuf field 5 runs past its message'],
      [
        b(0x08, 0x07, 0x12, 0x00, 0x3a),
        'byte 4: The protobuf field 7 has a length that runs past its message',
      ],
      [b(0x08, 0x07, 0x12, 0x00, 0x80), 'byte 4: The protobuf has a field key that runs past its message'],
    ];
    for (const [bytes, message] of cases) {
      const [at, why] = message.split(': ') as [string, string];
      expect(scanModelFile('m.onnx', bytes).findings).toEqual([
        {
          severity: 'high',
          kind: 'malformed',
          location: `m.onnx, ${at}`,
          sentence: `${why}, so the model cannot be read.`,
        },
      ]);
    }
  });

  it('reads past fixed 64- and 32-bit fields', () => {
    // model_version (5) as fixed64 and field 6 as fixed32, then a graph (7) whose initializer names data at /x.
    const tensor = [
      0x42,
      0x01,
      0x77,
      0x6a,
      0x0e,
      0x0a,
      0x08,
      ...[...'location'].map((c) => c.charCodeAt(0)),
      0x12,
      0x02,
      0x2f,
      0x78,
    ];
    const graph = [0x2a, tensor.length, ...tensor];
    const bytes = b(
      0x08,
      0x07,
      0x12,
      0x00,
      0x29,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      0x35,
      1,
      2,
      3,
      4,
      0x3a,
      graph.length,
      ...graph,
    );
    expect(scanModelFile('f.onnx', bytes).findings.map((f) => f.location)).toEqual([
      'f.onnx: graph.initializer["w"]',
    ]);
  });

  it('refuses a graph field that holds no message, and subgraphs nested past the cap', () => {
    // ModelProto.graph (7) written as a number.
    expect(scanModelFile('m.onnx', b(0x08, 0x07, 0x12, 0x00, 0x38, 0x01)).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 'm.onnx: graph',
        sentence: 'The field at byte 4 should hold a message.',
      },
    ]);
    // A graph whose node's attribute holds a graph, 70 deep.
    const message = (field: number, inner: number[]) => [
      (field << 3) | 2,
      ...lengthOf(inner.length),
      ...inner,
    ];
    const nested = (levels: number) => {
      let g: number[] = [];
      for (let d = 0; d < levels; d++) g = message(1, message(5, message(6, g)));
      return b(0x08, 0x07, 0x12, 0x00, ...message(7, g));
    };
    // The top graph is level 1: 63 graphs in attributes reach the cap of 64, 64 go past it.
    expect(scanModelFile('deep.onnx', nested(63)).findings).toEqual([]);
    expect(scanModelFile('deep.onnx', nested(64)).findings.map((f) => [f.kind, f.sentence])).toEqual([
      ['limit', 'Graphs nest deeper than 64 levels, the cap on nesting.'],
    ]);
  });
});

describe('a ModelProto without a graph', () => {
  const message = (field: number, inner: number[]) => [
    ...lengthOf((field << 3) | 2),
    ...lengthOf(inner.length),
    ...inner,
  ];
  const text = (field: number, value: string) =>
    message(
      field,
      [...value].map((c) => c.charCodeAt(0)),
    );

  it('is refused, not called a safe empty model', () => {
    const refused = {
      severity: 'high',
      kind: 'unsupported',
      location: 'm.onnx',
      sentence:
        'The file opens as an ONNX model but holds no graph and no function, so it is no model the scanner can read (a Core ML model opens the same way); it cannot say the file is safe.',
    };
    // ir_version 1 and a two-byte producer name; then the same with a producer version and a doc string.
    expect(scanModelFile('m.onnx', b(0x08, 0x01, 0x12, 0x02, 0x10, 0x05)).findings).toEqual([refused]);
    const described = b(0x08, 0x07, ...text(2, 'tool'), ...text(3, '1.0'), ...text(6, 'doc'));
    expect(scanModelFile('m.onnx', described)).toMatchObject({ format: 'onnx', verdict: 'refused' });
  });

  it('is read when it holds functions, whose nodes are walked', () => {
    const tensor = [...text(8, 'w'), ...message(13, [...text(1, 'location'), ...text(2, '/x')])];
    const node = message(5, [...text(1, 'value'), ...message(5, tensor)]);
    const bytes = b(0x08, 0x07, 0x12, 0x00, ...message(25, message(7, node)));
    expect(scanModelFile('f.onnx', bytes).findings.map((f) => [f.kind, f.location])).toEqual([
      ['weight-path', 'f.onnx: functions[0].node[0].attribute["value"].t["w"]'],
    ]);
  });
});

function lengthOf(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

describe('looksLikeOnnx', () => {
  it('takes ir_version 1 to 15 followed by another ModelProto field', () => {
    expect(looksLikeOnnx(b(0x08, 0x07, 0x12))).toBe(true);
    expect(looksLikeOnnx(b(0x08, 0x01, 0x28))).toBe(true);
    expect(looksLikeOnnx(b(0x08, 0x0f, 0x42))).toBe(true);
    expect(looksLikeOnnx(b(0x08, 0x00, 0x12))).toBe(false);
    expect(looksLikeOnnx(b(0x08, 0x10, 0x12))).toBe(false);
    expect(looksLikeOnnx(b(0x09, 0x07, 0x12))).toBe(false);
    // field 2 as a number, field 9 (not a ModelProto field), and too short.
    expect(looksLikeOnnx(b(0x08, 0x07, 0x10))).toBe(false);
    expect(looksLikeOnnx(b(0x08, 0x07, 0x4a))).toBe(false);
    expect(looksLikeOnnx(b(0x08, 0x07))).toBe(false);
  });
});
