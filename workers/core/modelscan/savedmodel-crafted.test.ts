/**
 * SavedModels written field by field (a small protobuf writer below), for what TensorFlow's own files do not show:
 * several meta graphs, functions and assets named by their place, nodes without a name, fields of the wrong wire type,
 * attributes other than a print's output stream, user objects that are not Keras layers, and archive entries that
 * belong to no SavedModel folder.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decode, savedModelFolder } from './corpus/savedmodel';
import { scanModelFile } from './scan';
import { KERAS_METADATA_LAMBDA } from './test-savedmodel-files';

type Value = number | string | Uint8Array;
const varint = (value: number): number[] => {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
};
/** A message of `[field number, value]`s: a number as a varint, a string or bytes length-delimited. */
const msg = (...fields: [number, Value][]): Uint8Array => {
  const out: number[] = [];
  for (const [n, v] of fields) {
    if (typeof v === 'number') out.push(...varint(n * 8), ...varint(v));
    else {
      const bytes = typeof v === 'string' ? strToU8(v) : v;
      out.push(...varint(n * 8 + 2), ...varint(bytes.length), ...bytes);
    }
  }
  return Uint8Array.from(out);
};
const node = (op: string, name?: string, ...attrs: [string, [number, Value]][]) =>
  msg(
    ...(name ? [[1, name] as [number, Value]] : []),
    [2, op],
    ...attrs.map(([key, value]): [number, Value] => [5, msg([1, key], [2, msg(value)])]),
  );
const fn = (name: string | null, ...nodes: Uint8Array[]) =>
  msg(
    ...(name ? [[1, msg([1, name], [2, msg([1, 'x'])])] as [number, Value]] : []),
    ...nodes.map((n): [number, Value] => [3, n]),
  );
const graph = (nodes: Uint8Array[], functions: Uint8Array[] = []) =>
  msg(...nodes.map((n): [number, Value] => [1, n]), [
    2,
    msg(...functions.map((f): [number, Value] => [1, f])),
  ]);
const metaGraph = (...parts: [number, Value][]) => msg([1, msg([1, 'serve'])], ...parts);
const savedModel = (...graphs: Uint8Array[]) => msg([1, 1], ...graphs.map((g): [number, Value] => [2, g]));
const scan = (bytes: Uint8Array) => scanModelFile('x.pb', bytes);
const places = (bytes: Uint8Array) => scan(bytes).findings.map((f) => f.location);

describe('SavedModels written field by field', () => {
  it('names each meta graph, function and node by its place, a node without a name by its op', () => {
    const bytes = savedModel(
      metaGraph([2, graph([node('MatMul', 'mm')])]),
      metaGraph([
        2,
        graph(
          [node('WriteFile')],
          [
            fn('f1', node('MatMul', 'a')),
            fn(null, node('ReadFile', 'r')),
            fn('f3', node('MatchingFiles', 'm')),
          ],
        ),
      ]),
    );
    expect(places(bytes)).toEqual([
      'x.pb: meta_graphs[1].graph_def.node["WriteFile"]',
      'x.pb: meta_graphs[1].graph_def.library.function[1].node_def["r"]',
      'x.pb: meta_graphs[1].graph_def.library.function["f3"].node_def["m"]',
    ]);
  });

  it('reads a name, an op or a file name only from a string field', () => {
    const nameAsNumber = msg([1, 0x41], [2, 'WriteFile']);
    expect(places(savedModel(metaGraph([2, graph([nameAsNumber])])))).toEqual([
      'x.pb: meta_graphs[0].graph_def.node["WriteFile"]',
    ]);
    for (const op of ['constructor', '__proto__', 'toString'])
      expect(scan(savedModel(metaGraph([2, graph([node(op, 'n')])]))).findings).toEqual([]);
    const opAsNumber = msg([1, 'n'], [2, 0x57]);
    expect(scan(savedModel(metaGraph([2, graph([opAsNumber])]))).verdict).toBe('safe');
    // 0x2f is "/" as a byte: read as a string, an absolute path.
    const assetAsNumber = metaGraph([6, msg([1, msg([1, 't'])], [2, 0x2f])]);
    expect(scan(savedModel(assetAsNumber)).verdict).toBe('safe');
  });

  it("reads a print's stream from its output_stream attribute only", () => {
    const other = node('PrintV2', 'p', ['end', [2, 'file:///tmp/x']]);
    const [note] = scan(savedModel(metaGraph([2, graph([other])]))).findings;
    expect([note?.severity, note?.sentence]).toEqual([
      'medium',
      'The node runs TensorFlow\'s PrintV2 op, which prints tensors to "stderr" whenever the graph runs; it writes no file.',
    ]);
    const asNumber = node('PrintV2', 'p', ['output_stream', [3, 5]]);
    expect(scan(savedModel(metaGraph([2, graph([asNumber])]))).findings[0]?.severity).toBe('medium');
    const toFile = node('PrintV2', 'p', ['end', [2, '\n']], ['output_stream', [2, 'file:///tmp/x']]);
    expect(scan(savedModel(metaGraph([2, graph([toFile])]))).findings[0]?.severity).toBe('high');
  });

  it('names the asset outside the folder by its place', () => {
    const asset = (name: string): [number, Value] => [6, msg([1, msg([1, 't'])], [2, name])];
    expect(places(savedModel(metaGraph(asset('vocab.txt'), asset('/etc/passwd'))))).toEqual([
      'x.pb: meta_graphs[0].asset_file_def[1]',
    ]);
  });

  it("walks a user object's JSON only when Keras wrote it", () => {
    const lambda = JSON.stringify({ class_name: 'Lambda', config: { name: 'l', function: 'f' } });
    const object = (identifier: string) => msg([4, msg([1, identifier], [3, lambda])]);
    const objects = msg([1, object('_generic_user_object')], [1, object('_tf_keras_layer')]);
    expect(places(savedModel(metaGraph([7, objects])))).toEqual([
      'x.pb: meta_graphs[0].object_graph_def.nodes[1]: (root)',
    ]);
  });

  it('refuses a message field written as a number', () => {
    const result = scan(savedModel(metaGraph([2, 5])));
    expect(result.verdict).toBe('refused');
    expect(result.findings[0]?.sentence).toMatch(/^The field at byte \d+ should hold a message\.$/);
  });

  it('reads the Keras metadata of a node only from its string field', () => {
    const bytes = msg([1, msg([2, 1], [4, '_tf_keras_layer'], [5, 'not json'])], [2, 3]);
    expect(scan(bytes).verdict).toBe('refused');
    const numberOnly = msg(
      [1, msg([2, 1], [4, '_tf_keras_layer'])],
      [1, msg([2, 2], [4, '_tf_keras_layer'], [5, 7])],
    );
    expect(scan(numberOnly).verdict).toBe('safe');
  });
});

describe('archive entries around a SavedModel folder', () => {
  it("scans the folder's keras_metadata.pb, skips folders, and lists a file of no folder", () => {
    const result = scanModelFile(
      'model.zip',
      zipSync({
        ...savedModelFolder('plain', 'model/'),
        'model/keras_metadata.pb': decode(KERAS_METADATA_LAMBDA),
        'model/assets/': new Uint8Array(),
        'model/extra/': new Uint8Array(),
        'notes/saved_model.pb.txt': strToU8('how we saved it'),
      }),
    );
    expect(result.verdict).toBe('unsafe');
    expect(
      result.findings.some((f) => f.location.startsWith('model.zip › model/keras_metadata.pb: nodes[1]')),
    ).toBe(true);
    expect(result.findings.filter((f) => f.kind === 'unknown-entry').map((f) => f.location)).toEqual([
      'model.zip › notes/saved_model.pb.txt',
    ]);
  });

  it('takes only a file named saved_model.pb for a SavedModel folder', () => {
    const result = scanModelFile(
      'notes.zip',
      zipSync({ 'notes/saved_model.pb.txt': strToU8('how we saved it') }),
    );
    expect(result.format).toBe('zip');
  });
});
