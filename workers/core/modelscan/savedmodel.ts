/**
 * TensorFlow SavedModels: `saved_model.pb` (a protobuf SavedModel: tensorflow/core/protobuf/saved_model.proto,
 * meta_graph.proto, saved_object_graph.proto, framework/graph.proto, function.proto) and the Keras metadata written
 * beside it (`keras_metadata.pb`, SavedMetadata). A graph runs TensorFlow's ops only, but some of them reach the file
 * system whenever the graph runs: ReadFile, WriteFile and PrintV2 are the ops `saved_model_cli scan` denies, and
 * MatchingFiles lists a folder. Every node is visited, in each meta graph and in each function of its library. Keras
 * layers' JSON (in the object graph's user objects, or in keras_metadata.pb) is walked as a Keras config, so a
 * Lambda and its marshalled bytecode are found; an asset whose file name leaves the assets folder is unsafe. A frozen
 * graph (a bare GraphDef, TensorFlow 1's `.pb`) is read the same way.
 */
import { quote, type ScanContext } from './context';
import { parseJsonText } from './json';
import { walkKerasConfig } from './keras-config';
import { fields, type ProtoField, varint } from './protobuf';
import { weightPathProblem } from './tfjs';

const text = new TextDecoder();

/** MetaGraphDef's fields (1 meta_info_def … 7 object_graph_def), all messages. */
const META_GRAPH_FIELDS = 7;
/** SavedMetadata's SavedObject by wire type: 2 node_id, 3 node_path, 4 identifier, 5 metadata, and the version (a
 * message), field 1 in the proto's first release and 6 in TensorFlow 2.21's. */
const KERAS_NODE_WIRE = [-1, 2, 0, 2, 2, 2, 2];
/** NodeDef's fields: 1 name, 2 op, 3 input, 4 device, 5 attr, 6 experimental_debug_info, 7 experimental_type. */
const NODE_FIELDS = 7;

/** The first field at `p`: its number, wire type and where its value starts; null past `end`. */
function keyAt(bytes: Uint8Array, p: number, end: number): [number, number, number] | null {
  const key = varint(bytes, p, end);
  return key ? [Math.floor(key[0] / 8), key[0] % 8, key[1]] : null;
}

/** The bounds of a length-delimited value whose length starts at `p`, when it fits before `end`. */
function lengthAt(bytes: Uint8Array, p: number, end: number): [number, number] | null {
  const length = varint(bytes, p, end);
  return length && length[1] + length[0] <= end ? [length[1], length[1] + length[0]] : null;
}

/** Whether the bytes open as a SavedModel: an optional schema version, then a meta graph whose first field is one. */
export function looksLikeSavedModel(bytes: Uint8Array): boolean {
  let key = keyAt(bytes, 0, bytes.length);
  if (key?.[0] === 1 && key[1] === 0) {
    const version = varint(bytes, key[2], bytes.length);
    key = version && version[0] <= 16 ? keyAt(bytes, version[1], bytes.length) : null;
  }
  if (key?.[0] !== 2 || key[1] !== 2) return false;
  const graph = lengthAt(bytes, key[2], bytes.length);
  const inner = graph && keyAt(bytes, graph[0], graph[1]);
  return !!inner && inner[0] >= 1 && inner[0] <= META_GRAPH_FIELDS && inner[1] === 2;
}

/**
 * Reads the first top-level field 1 as a message, field by field: `wire` gives each field number's expected wire type
 * (undefined: no such field), `take` sees each string's or number's bounds. False when there is no such message or a
 * field is of another type or runs past it.
 */
function firstMessage(
  bytes: Uint8Array,
  wire: (field: number) => number | undefined,
  take: (field: number, start: number, end: number) => void,
): boolean {
  const key = keyAt(bytes, 0, bytes.length);
  const node = key && key[0] === 1 && key[1] === 2 ? lengthAt(bytes, key[2], bytes.length) : null;
  if (!node) return false;
  for (let p = node[0]; p < node[1]; ) {
    const field = keyAt(bytes, p, node[1]);
    if (!field || wire(field[0]) !== field[1]) return false;
    const value = field[1] === 2 ? lengthAt(bytes, field[2], node[1]) : varint(bytes, field[2], node[1]);
    if (!value) return false;
    take(field[0], value[0], value[1]);
    p = value[1];
  }
  return true;
}

/** Whether the bytes open as keras_metadata.pb: a node whose fields are SavedObject's, with a Keras identifier. */
export function looksLikeKerasMetadata(bytes: Uint8Array): boolean {
  let identifier = '';
  const read = firstMessage(
    bytes,
    (field) => KERAS_NODE_WIRE[field],
    (field, start, end) => {
      if (field === 4) identifier = text.decode(bytes.subarray(start, end));
    },
  );
  return read && identifier.startsWith('_tf_keras');
}

/** Whether the bytes open as a GraphDef (a frozen graph's .pb): a first node whose fields are NodeDef's, all
 * strings or messages, with a name and an op name. */
export function looksLikeGraphDef(bytes: Uint8Array): boolean {
  const seen = new Map<number, string>();
  const read = firstMessage(
    bytes,
    (field) => (field <= NODE_FIELDS ? 2 : undefined),
    (field, start, end) => {
      if (field <= 2) seen.set(field, text.decode(bytes.subarray(start, end)));
    },
  );
  return read && !!seen.get(1) && /^[A-Za-z0-9_>.]+$/.test(seen.get(2) ?? '');
}

/** Ops that reach the file system whenever the graph runs, with what each does (a Map: an op named `constructor`
 * or `__proto__` is no key of it). */
const FILE_OPS = new Map([
  ['WriteFile', 'writes the file its input names'],
  ['ReadFile', 'reads the file its input names into the graph'],
  ['MatchingFiles', 'lists the files that match the pattern its input names'],
]);

/** Scans saved_model.pb (every node of every graph and function, the Keras objects' JSON and the asset paths), or,
 * as `graph`, a frozen graph's GraphDef. */
export function scanSavedModel(
  bytes: Uint8Array,
  ctx: ScanContext,
  where: string,
  as: 'saved-model' | 'graph',
): void {
  const string = (f: ProtoField) => text.decode(bytes.subarray(f.start, f.end));
  const inner = (f: ProtoField, path: string) => {
    if (f.wire !== 2)
      ctx.refuse('malformed', `${where}: ${path}`, `The field at byte ${f.at} should hold a message.`);
    return fields(bytes, f.start, f.end, ctx, where);
  };
  /** The string value of the map entry `key` of a NodeDef attr (field 5: key 1, AttrValue 2 whose s is 2). */
  const attr = (f: ProtoField, path: string, key: string): string | null => {
    let k = '';
    let value: string | null = null;
    for (const e of inner(f, path)) {
      if (e.field === 1 && e.wire === 2) k = string(e);
      if (e.field === 2) for (const v of inner(e, path)) if (v.field === 2 && v.wire === 2) value = string(v);
    }
    return k === key ? value : null;
  };
  const node = (f: ProtoField, path: string) => {
    let name = '';
    let op = '';
    let stream = '';
    for (const n of inner(f, path)) {
      if (n.field === 1 && n.wire === 2) name = string(n);
      if (n.field === 2 && n.wire === 2) op = string(n);
      if (n.field === 5) stream = attr(n, path, 'output_stream') ?? stream;
    }
    const at = `${where}: ${path}[${quote(name || op, 60)}]`;
    const does = FILE_OPS.get(op);
    if (does) {
      ctx.add({
        severity: 'high',
        kind: 'graph-op',
        location: at,
        sentence: `The node runs TensorFlow's ${op} op, which ${does} whenever the graph runs.`,
        references: [op],
      });
    } else if (op === 'PrintV2') {
      const file = stream.startsWith('file://');
      ctx.add({
        severity: file ? 'high' : 'medium',
        kind: 'graph-op',
        location: at,
        sentence: file
          ? `The node runs TensorFlow's PrintV2 op, which writes the tensors it prints to ${quote(stream.slice(7))} whenever the graph runs.`
          : `The node runs TensorFlow's PrintV2 op, which prints tensors to ${quote(stream || 'stderr')} whenever the graph runs; it writes no file.`,
        references: [op],
      });
    }
  };
  const graph = (f: ProtoField, path: string) => {
    let count = 0;
    for (const g of inner(f, path)) {
      if (g.field === 1) node(g, `${path}.node`);
      if (g.field !== 2) continue;
      for (const fn of inner(g, `${path}.library`)) {
        if (fn.field !== 1) continue;
        let at = `${path}.library.function[${count++}]`;
        for (const part of inner(fn, at)) {
          if (part.field === 1)
            for (const s of inner(part, at))
              if (s.field === 1 && s.wire === 2) at = `${path}.library.function[${quote(string(s), 80)}]`;
          if (part.field === 3) node(part, `${at}.node_def`);
        }
      }
    }
  };
  const objects = (f: ProtoField, path: string) => {
    let index = 0;
    for (const o of inner(f, path)) {
      if (o.field !== 1) continue;
      const at = `${path}.nodes[${index++}]`;
      for (const kind of inner(o, at)) {
        if (kind.field !== 4) continue;
        let identifier = '';
        let metadata = '';
        for (const u of inner(kind, at)) {
          if (u.field === 1 && u.wire === 2) identifier = string(u);
          if (u.field === 3 && u.wire === 2) metadata = string(u);
        }
        if (identifier.startsWith('_tf_keras') && metadata)
          walkKerasConfig(parseJsonText(metadata, ctx, `${where}: ${at}`), ctx, `${where}: ${at}`);
      }
    }
  };
  const asset = (f: ProtoField, path: string) => {
    for (const a of inner(f, path)) {
      if (a.field !== 2 || a.wire !== 2) continue;
      const name = string(a);
      const problem = weightPathProblem(name);
      if (!problem) continue;
      ctx.add({
        severity: 'high',
        kind: 'weight-path',
        location: `${where}: ${path}`,
        sentence: `The asset's file is ${quote(name)}, which ${problem}, so loading the model reads a file outside its folder.`,
        references: [name],
      });
    }
  };
  if (as === 'graph') {
    graph({ field: 0, wire: 2, value: 0, start: 0, end: bytes.length, at: 0 }, 'graph_def');
    return;
  }
  let metaGraph = 0;
  for (const m of fields(bytes, 0, bytes.length, ctx, where)) {
    if (m.field !== 2) continue;
    const path = `meta_graphs[${metaGraph++}]`;
    let assets = 0;
    for (const part of inner(m, path)) {
      if (part.field === 2) graph(part, `${path}.graph_def`);
      if (part.field === 6) asset(part, `${path}.asset_file_def[${assets++}]`);
      if (part.field === 7) objects(part, `${path}.object_graph_def`);
    }
  }
}

/** Scans keras_metadata.pb: each Keras object's JSON, walked as a Keras config. */
export function scanKerasMetadata(bytes: Uint8Array, ctx: ScanContext, where: string): void {
  let index = 0;
  for (const n of fields(bytes, 0, bytes.length, ctx, where)) {
    if (n.field !== 1 || n.wire !== 2) continue;
    const at = `${where}: nodes[${index++}]`;
    for (const f of fields(bytes, n.start, n.end, ctx, where)) {
      if (f.field === 5 && f.wire === 2)
        walkKerasConfig(parseJsonText(text.decode(bytes.subarray(f.start, f.end)), ctx, at), ctx, at);
    }
  }
}
