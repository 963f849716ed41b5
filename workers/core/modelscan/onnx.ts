/**
 * ONNX models (a protobuf ModelProto; onnx/onnx.proto). ONNX holds no code: a model runs only the operators of the
 * runtime that loads it. What a file can do on load is read other files: a tensor's data may live in an external
 * file named by its `location`, a path relative to the model's folder, and a location that leaves the folder (an
 * absolute path, `..`, a URL) makes the loader read a file of the attacker's choosing into the model (CVE-2022-25882).
 * Every tensor is visited: the graph's initializers and sparse initializers, node attributes at any depth (the
 * subgraphs of If, Loop and Scan), the training graphs and the model's functions.
 */
import { quote, ScanContext } from './context';
import { fields, type ProtoField } from './protobuf';
import { weightPathProblem } from './tfjs';
import { DEFAULT_LIMITS } from './types';

/** Deepest nesting of subgraphs in attributes read. */
const MAX_DEPTH = 64;

/** ModelProto fields that may follow ir_version, with their wire types (2: a string or a message, 0: a number). */
const MODEL_FIELDS = new Map([
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 0],
  [6, 2],
  [7, 2],
  [8, 2],
]);

/** Whether the bytes open as a ModelProto does: ir_version (1 to 15), then another ModelProto field. */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || bytes[0] !== 0x08 || !((bytes[1] as number) >= 1 && (bytes[1] as number) <= 15))
    return false;
  const key = bytes[2] as number;
  return MODEL_FIELDS.get(key >> 3) === (key & 7);
}

const text = new TextDecoder();

/** Walks one message kind: `on` gets each field, with the path so far. */
type Walk = (f: ProtoField, path: string, depth: number) => void;

/**
 * Scans the ModelProto in `bytes`, reporting each tensor whose external data lies outside the model's folder. Returns
 * the external data files inside the folder that its tensors name (their `location`, as written), for a folder scan.
 */
export function scanOnnx(bytes: Uint8Array, ctx: ScanContext, where: string): string[] {
  const inside = new Set<string>();
  const messages = (f: ProtoField, path: string, depth: number, on: Walk) => {
    if (f.wire !== 2)
      ctx.refuse('malformed', `${where}: ${path}`, `The field at byte ${f.at} should hold a message.`);
    if (depth > MAX_DEPTH)
      ctx.refuse(
        'limit',
        `${where}: ${path}`,
        `Graphs nest deeper than ${MAX_DEPTH} levels, the cap on nesting.`,
      );
    for (const inner of fields(bytes, f.start, f.end, ctx, where)) on(inner, path, depth);
  };
  const string = (f: ProtoField) => text.decode(bytes.subarray(f.start, f.end));
  const tensor = (f: ProtoField, path: string, depth: number) => {
    let name = '';
    let location: string | null = null;
    messages(f, path, depth, (t) => {
      if (t.field === 8 && t.wire === 2) name = string(t);
      if (t.field !== 13) return;
      let key = '';
      let value = '';
      messages(t, path, depth, (e) => {
        if (e.wire === 2 && e.field === 1) key = string(e);
        if (e.wire === 2 && e.field === 2) value = string(e);
      });
      if (key === 'location') location = value;
    });
    if (location === null) return;
    const problem = weightPathProblem(location);
    if (!problem) {
      inside.add(location);
      return;
    }
    const at = name ? `${path}[${quote(name, 60)}]` : path;
    ctx.add({
      severity: 'high',
      kind: 'weight-path',
      location: `${where}: ${at}`,
      sentence: `The tensor's data lives in ${quote(location)}, which ${problem}, so loading the model reads a file outside its folder.`,
      references: [location],
    });
  };
  const sparse = (f: ProtoField, path: string, depth: number) =>
    messages(f, path, depth, (s) => {
      if (s.field === 1) tensor(s, `${path}.values`, depth);
      if (s.field === 2) tensor(s, `${path}.indices`, depth);
    });
  const graph: (f: ProtoField, path: string, depth: number) => void = (f, path, depth) => {
    let node = 0;
    messages(f, path, depth, (g) => {
      if (g.field === 1) nodeAt(g, `${path}.node[${node++}]`, depth);
      if (g.field === 5) tensor(g, `${path}.initializer`, depth);
      if (g.field === 15) sparse(g, `${path}.sparse_initializer`, depth);
    });
  };
  const nodeAt = (f: ProtoField, path: string, depth: number) => {
    let attribute = 0;
    messages(f, path, depth, (n) => {
      if (n.field !== 5) return;
      // An attribute is named by its name (field 1, written first), else by its place.
      let at = `${path}.attribute[${attribute++}]`;
      messages(n, at, depth, (a) => {
        if (a.field === 1 && a.wire === 2) at = `${path}.attribute[${quote(string(a), 60)}]`;
        if (a.field === 5 || a.field === 10) tensor(a, `${at}.t`, depth);
        if (a.field === 6 || a.field === 11) graph(a, `${at}.g`, depth + 1);
        if (a.field === 22 || a.field === 23) sparse(a, `${at}.sparse_tensor`, depth);
      });
    });
  };
  let training = 0;
  let fn = 0;
  let graphs = 0;
  for (const m of fields(bytes, 0, bytes.length, ctx, where)) {
    if (m.field === 7) {
      graphs++;
      graph(m, 'graph', 1);
    }
    if (m.field === 20) {
      const path = `training_info[${training++}]`;
      messages(m, path, 1, (t) => {
        if (t.field === 1 || t.field === 2)
          graph(t, `${path}.${t.field === 1 ? 'initialization' : 'algorithm'}`, 2);
      });
    }
    if (m.field === 25) {
      const path = `functions[${fn++}]`;
      let node = 0;
      messages(m, path, 1, (x) => {
        if (x.field === 7) nodeAt(x, `${path}.node[${node++}]`, 2);
      });
    }
  }
  // ONNX runtimes load a graph or functions. Without either, the bytes only open as a ModelProto does (a Core ML model
  // opens the same way), and nothing in them was read as a model.
  if (graphs === 0 && fn === 0)
    ctx.refuse(
      'unsupported',
      where,
      'The file opens as an ONNX model but holds no graph and no function, so it is no model the scanner can read (a Core ML model opens the same way); it cannot say the file is safe.',
    );
  return [...inside];
}

/** The external data files inside its folder that an ONNX model names (none when it is no readable ONNX model). */
export function onnxExternalData(bytes: Uint8Array): string[] {
  try {
    return scanOnnx(bytes, new ScanContext(DEFAULT_LIMITS, () => 0), 'model');
  } catch {
    return [];
  }
}
