import { describe, expect, it } from 'vitest';
import { ScanContext, ScanStop } from './context';
import { scanModelJson, weightPathProblem } from './tfjs';
import { DEFAULT_LIMITS, type Finding } from './types';

/** The format and findings of `json` scanned as "m.json", or the refusal it ends with. */
function scan(json: unknown): { format?: string; findings: Finding[] } {
  const ctx = new ScanContext(DEFAULT_LIMITS, () => 0);
  try {
    return { format: scanModelJson(json, ctx, 'm.json'), findings: ctx.findings };
  } catch (error) {
    if (!(error instanceof ScanStop)) throw error;
    return { findings: [...ctx.findings, error.finding] };
  }
}
const last = (json: unknown) => scan(json).findings.at(-1);
const weight = (extra: Record<string, unknown> = {}) => ({
  name: 'w',
  dtype: 'float32',
  shape: [2, 3],
  ...extra,
});
const manifest = (weights: unknown[], paths: unknown[] = ['a.bin']) => ({
  weightsManifest: [{ paths, weights }],
});

describe('weight paths', () => {
  it.each([
    ['a.bin', null],
    ['sub/a.bin', null],
    ['a..b.bin', null],
    ['%E0%A4%A', 'is not a valid URL path'],
    ['file:/etc/passwd', 'is an absolute URL'],
    ['HTTPS://x/a.bin', 'is an absolute URL'],
    ['c+d.e-f:x', 'is an absolute URL'],
    ['%2F%2Fhost/a.bin', 'is a protocol-relative URL (another host)'],
    ['/a.bin', 'is an absolute path'],
    ['\\a.bin', 'is an absolute path'],
    ['a\\b.bin', 'contains a backslash'],
    ['a/../b.bin', 'climbs out of the folder with ".."'],
    ['..', 'climbs out of the folder with ".."'],
    ['a.bin?x=1', 'carries a query or fragment'],
    ['a.bin#f', 'carries a query or fragment'],
    ['1a:b', null],
  ])('%s', (path, problem) => expect(weightPathProblem(path)).toBe(problem));

  it('reports a bad path in a sentence, and refuses a path that is not a string', () => {
    expect(scan(manifest([], ['ok.bin', 'https://x/w.bin']))).toEqual({
      format: 'tfjs',
      findings: [
        {
          severity: 'high',
          kind: 'weight-path',
          location: 'm.json: weightsManifest[0].paths[1]',
          sentence:
            'The weight path "https://x/w.bin" is an absolute URL, so loading the model fetches data from outside its folder or origin.',
          references: ['https://x/w.bin'],
        },
      ],
    });
    expect(last(manifest([], [7]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'm.json: weightsManifest[0].paths[0]',
      sentence: 'A weight path is not a string.',
    });
  });

  it('checks the paths of a sharded-weights index', () => {
    expect(scan({ weight_map: { a: 'ok.bin', b: '../x.bin' } })).toEqual({
      format: 'json',
      findings: [expect.objectContaining({ kind: 'weight-path', location: 'm.json: weight_map["b"]' })],
    });
  });
});

describe('which JSON it is', () => {
  it('takes a Keras config, and refuses JSON that is no model', () => {
    expect(scan({ class_name: 'Sequential', config: {} })).toEqual({ format: 'keras-config', findings: [] });
    const neither = {
      severity: 'high',
      kind: 'unsupported',
      location: 'm.json',
      sentence:
        'The JSON is neither a TF.js model.json, a Keras config nor a Hugging Face config or tokenizer file, so the scanner cannot judge it.',
    };
    expect(last({ class_name: 'Sequential' })).toEqual(neither);
    expect(last({ class_name: 7, config: {} })).toEqual(neither);
    expect(last({ weight_map: ['a'] })).toEqual(neither);
    expect(last([1])).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'm.json',
      sentence: 'The JSON is not an object, so it is no model format the scanner knows.',
    });
    expect(scan({ modelTopology: null }).format).toBe('tfjs');
    expect(scan({ weightsManifest: [] })).toEqual({ format: 'tfjs', findings: [] });
  });
});

describe('TF.js topologies', () => {
  it('flags graph ops that reach files or Python, naming the node', () => {
    const node = (op: unknown) => ({ op });
    const found = scan({
      format: 'graph-model',
      modelTopology: { node: [node('MatMul'), node('ReadFile'), 7] },
    });
    expect(found.findings).toEqual([
      {
        severity: 'high',
        kind: 'non-modelling-api',
        location: 'm.json: modelTopology.node[1]',
        sentence:
          'The graph runs the op "ReadFile", which reads or writes files or calls Python in TensorFlow (TF.js cannot run it).',
        references: ['ReadFile'],
      },
    ]);
    // TensorFlow's file, Python and printing ops (tf.raw_ops names).
    const risky =
      'WriteFile MatchingFiles PyFunc PyFuncStateless EagerPyFunc Save SaveV2 Restore RestoreV2'.split(' ');
    risky.push('PrintV2', 'ImmutableConst', 'LoadAndRemapMatrix');
    const all = scan({ format: 'graph-model', modelTopology: { node: risky.map(node) } });
    expect(all.findings.map((f) => f.references?.[0])).toEqual(risky);
    expect(
      scan({ format: 'graph-model', modelTopology: { node: [node(5), node('readfile'), null] } }).findings,
    ).toEqual([]);
  });

  it('walks a layers topology (or a graph model without a node list) as a Keras config', () => {
    const lambda = { class_name: 'Lambda', config: { function: 'f' } };
    expect(last({ modelTopology: { model_config: lambda } })?.location).toBe(
      'm.json: modelTopology: model_config',
    );
    expect(last({ format: 'graph-model', modelTopology: { node: {}, x: lambda } })?.kind).toBe('lambda');
    expect(last({ format: 'layers-model', modelTopology: { node: [{ op: 'ReadFile' }] } })).toBeUndefined();
  });
});

describe('the weights manifest', () => {
  it('refuses a manifest that is not a list and a group without paths or weights', () => {
    expect(last({ weightsManifest: {} })).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'm.json: weightsManifest',
      sentence: 'weightsManifest is not a list.',
    });
    const lacks = 'A weights group lacks its paths or weights list.';
    expect(last({ weightsManifest: [{ paths: [], weights: [] }, 7] })).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'm.json: weightsManifest[1]',
      sentence: lacks,
    });
    expect(last({ weightsManifest: [{ paths: 'a', weights: [] }] })?.sentence).toBe(lacks);
    expect(last({ weightsManifest: [{ paths: [], weights: {} }] })?.sentence).toBe(lacks);
  });

  it('accepts the dtypes, shapes and quantizations TF.js knows', () => {
    const ok = ['float32', 'int32', 'bool', 'string', 'complex64'].map((dtype) => weight({ dtype }));
    ok.push(weight({ shape: [] }), weight({ shape: [0, 2 ** 53 - 1] }));
    for (const dtype of ['uint8', 'uint16', 'float16']) ok.push(weight({ quantization: { dtype } }));
    expect(scan(manifest(ok))).toEqual({ format: 'tfjs', findings: [] });
  });

  it('refuses a weight without a name, dtype, shape or known quantization, by name and place', () => {
    const at = (i: number) => `m.json: weightsManifest[0].weights[${i}]`;
    expect(last(manifest([weight(), { dtype: 'float32', shape: [] }]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: at(1),
      sentence: 'A weight entry lacks its name.',
    });
    expect(last(manifest([7]))?.sentence).toBe('A weight entry lacks its name.');
    expect(last(manifest([weight({ dtype: 'float64' })]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: at(0),
      sentence: 'Weight "w" has dtype "float64", which TF.js does not know.',
    });
    expect(last(manifest([weight({ dtype: undefined })]))?.sentence).toBe(
      'Weight "w" has dtype "undefined", which TF.js does not know.',
    );
    const shape = 'Weight "w" has a shape that is not a list of non-negative integers.';
    for (const bad of [[-1], [1.5], ['2'], [2 ** 53], 3]) {
      expect(last(manifest([weight({ shape: bad })]))).toEqual({
        severity: 'high',
        kind: 'malformed',
        location: at(0),
        sentence: shape,
      });
    }
    const quantization = 'Weight "w" has a quantization TF.js does not know.';
    expect(last(manifest([weight({ quantization: { dtype: 'int8' } })]))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: at(0),
      sentence: quantization,
    });
    for (const bad of [null, 'uint8', { dtype: 'int4' }, { dtype: 8 }]) {
      expect(last(manifest([weight({ quantization: bad })]))?.sentence).toBe(quantization);
    }
  });

  it('counts weights across groups against the cap of 1,000,000', () => {
    const group = (n: number) => ({ paths: [], weights: new Array(n).fill(weight()) });
    expect(scan({ weightsManifest: [group(500_000), group(500_000)] }).findings).toEqual([]);
    expect(last({ weightsManifest: [group(500_000), group(500_001)] })).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'm.json: weightsManifest[1]',
      sentence: 'The manifest lists more than 1000000 weights.',
    });
  });
});
