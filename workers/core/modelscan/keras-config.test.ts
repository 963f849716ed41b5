import { describe, expect, it } from 'vitest';
import { ScanContext, ScanStop } from './context';
import { type CodeSpec, lambdaPayload, OS_SYSTEM_LAMBDA } from './corpus/marshal';
import { decodeBytecode, walkKerasConfig } from './keras-config';
import { DEFAULT_LIMITS, type Finding } from './types';

/** The findings of one config walked under `where` "w" (the default limits, a clock that never moves). */
function findings(config: unknown): Finding[] {
  const ctx = new ScanContext(DEFAULT_LIMITS, () => 0);
  walkKerasConfig(config, ctx, 'w');
  return ctx.findings;
}

const OS_REFS = ['__import__', 'system', '"os"', '"id"'];
const PAYLOAD = lambdaPayload(OS_SYSTEM_LAMBDA);
const REFUSES =
  'a Keras API that builds no part of a model (such APIs download files, load other models or turn';

describe('Keras 3 __lambda__ objects', () => {
  it('names the Python version and the references of readable bytecode, once (no second bytecode finding)', () => {
    for (const key of ['code', 'value']) {
      expect(findings({ class_name: '__lambda__', config: { [key]: PAYLOAD } })).toEqual([
        {
          severity: 'critical',
          kind: 'lambda',
          location: 'w: (root)',
          sentence:
            'A Python lambda is serialized here as Python 3.11 or later bytecode, which Keras runs when safe_mode is off; it references __import__, system, "os", "id".',
          references: OS_REFS,
        },
      ]);
    }
  });

  it('says so when the bytecode cannot be read', () => {
    for (const config of [{ code: 'not base64!' }, { code: 7 }, 'flat']) {
      const found = findings({ class_name: '__lambda__', config });
      expect(found.map((f) => [f.kind, f.location, f.sentence, f.references])).toEqual([
        [
          'lambda',
          'w: (root)',
          'A Python lambda (__lambda__) is serialized here; Keras rebuilds it from bytecode when safe_mode is off, and the scanner could not read that bytecode.',
          [],
        ],
      ]);
    }
  });
});

describe('Lambda layers', () => {
  const lambdas = (layer: unknown) =>
    findings({ layers: [layer] }).filter((f) => f.location === 'w: layers[0]');
  const says = (layer: unknown) => lambdas(layer).map((f) => f.sentence);
  const runs = 'runs arbitrary Python when the model is loaded or called; its function';

  it('describes what each form of the function is', () => {
    expect(says({ class_name: 'Lambda', config: { name: 'n', function: 'my_fn' } })).toEqual([
      `Lambda layer "n" ${runs} is looked up by the name "my_fn" in the loading program.`,
    ]);
    expect(lambdas({ class_name: 'Lambda', config: { function: 'my_fn' } })[0]?.references).toEqual([]);
    // Only a __lambda__ object's config is read as code: another class with a code field is not.
    const other = {
      class_name: 'Lambda',
      config: { function: { class_name: 'Other', config: { code: PAYLOAD } } },
    };
    expect(lambdas(other).map((f) => f.references)).toEqual([[]]);
    expect(
      says({ class_name: 'Lambda', config: { name: 'n', function: { module: 'm', config: 'f' } } }),
    ).toEqual([`Lambda layer "n" ${runs} is "m.f".`]);
    expect(says({ class_name: 'Lambda', config: { function: { module: 'm', class_name: 'C' } } })).toEqual([
      `Lambda layer ${runs} is "m.C".`,
    ]);
    expect(says({ class_name: 'Lambda', config: { function: {} } })).toEqual([
      `Lambda layer ${runs} is ".".`,
    ]);
    expect(
      says({
        class_name: 'Lambda',
        config: { name: 'n', function: { class_name: '__lambda__', config: {} } },
      }),
    ).toEqual([`Lambda layer "n" ${runs} is a serialized Python lambda.`]);
    expect(says({ class_name: 'Custom>Lambda', config: { name: 7 } })).toEqual([
      `Lambda layer ${runs} could not be read.`,
    ]);
    expect(says({ class_name: 'Lambda' })).toEqual([`Lambda layer ${runs} could not be read.`]);
    expect(says({ class_name: 'NotALambda', config: { function: 'f' } })).toEqual([]);
    expect(says({ class_name: 7, config: { function: 'f' } })).toEqual([]);
  });

  it('lists the references of a Keras 2 function (base64 marshal in a list) and of a Keras 3 __lambda__', () => {
    const keras2 = { class_name: 'Lambda', config: { name: 'k2', function: [PAYLOAD, null, null] } };
    const found = lambdas(keras2);
    expect(found.map((f) => [f.severity, f.sentence, f.references])).toEqual([
      [
        'critical',
        `Lambda layer "k2" runs arbitrary Python when the model is loaded or called; its function is Python 3.11 or later bytecode that references __import__, system, "os", "id".`,
        OS_REFS,
      ],
    ]);
    // The payload was read as the layer's function: it is not listed again as a loose bytecode string.
    expect(findings({ layers: [keras2] }).map((f) => f.kind)).toEqual(['lambda']);
    const keras3 = {
      class_name: 'Lambda',
      config: { name: 'k3', function: { class_name: '__lambda__', config: { code: PAYLOAD } } },
    };
    expect(findings({ layers: [keras3] }).map((f) => [f.kind, f.location, f.references])).toEqual([
      ['lambda', 'w: layers[0]', OS_REFS],
      ['lambda', 'w: layers[0].config.function', OS_REFS],
    ]);
  });

  it('reports function_type and output_shape_type "lambda" where the function or shape sits', () => {
    const keras2 = { function: PAYLOAD, function_type: 'lambda', name: 'k' };
    expect(findings({ class_name: 'Lambda', config: keras2 }).map((f) => [f.location, f.sentence])).toEqual([
      [
        'w: (root)',
        'Lambda layer "k" runs arbitrary Python when the model is loaded or called; its function is Python 3.11 or later bytecode that references __import__, system, "os", "id".',
      ],
      [
        'w: config.function',
        'This object carries a Python lambda (function_type "lambda") that Keras rebuilds from bytecode; it references __import__, system, "os", "id".',
      ],
    ]);
    const shape = { class_name: 'Custom', output_shape_type: 'lambda', output_shape: 'unreadable' };
    expect(findings(shape)).toEqual([
      {
        severity: 'critical',
        kind: 'lambda',
        location: 'w: output_shape',
        sentence:
          'This "Custom" carries a Python lambda (output_shape_type "lambda") that Keras rebuilds from bytecode.',
        references: [],
      },
    ]);
    expect(
      findings({ class_name: 'Lambda', function_type: 'lambda', function: 'x' }).map((f) => f.location),
    ).toEqual(['w: (root)']);
    const raw = { function_type: 'raw', output_shape_type: 'raw', function: PAYLOAD };
    expect(findings(raw).map((f) => [f.kind, f.location])).toEqual([['bytecode', 'w: function']]);
  });
});

describe('TFOpLambda and SlicingOpLambda', () => {
  const op = (cls: string, fn: unknown) =>
    findings({ class_name: cls, config: { name: 'op', function: fn } });

  it('flags TensorFlow functions that reach files, Python or the network, in a sentence that names them', () => {
    expect(op('SlicingOpLambda', 'io.gfile.GFile')).toEqual([
      {
        severity: 'high',
        kind: 'non-modelling-api',
        location: 'w: (root)',
        sentence:
          'The SlicingOpLambda layer "op" calls the TensorFlow function "io.gfile.GFile", which reaches files, Python or the network rather than computing on tensors.',
        references: ['io.gfile.GFile'],
      },
    ]);
    const risky = [
      'io',
      'x.io',
      'io.x',
      'gfile',
      'py_func',
      'py_function',
      'numpy_function',
      'eager_py_func',
    ];
    risky.push(
      'summary',
      'saved_model',
      'data',
      'distribute',
      'lookup',
      'file',
      'write',
      'read',
      'load',
      'save',
    );
    risky.push('system', 'compat.v1.py_func', 'compat.v1.io', 'compat.v1.gfile', 'IO.Write', 'a.b.save.c');
    for (const fn of risky) expect(op('TFOpLambda', fn).map((f) => f.references)).toEqual([[fn]]);
  });

  it('passes arithmetic, names that only contain a risky word, and a function that is not a string', () => {
    const plain = ['math.add', 'ratio', 'iox', 'xio', 'x_io.y', 'reader', 'nn.relu', '__operators__.getitem'];
    plain.push('io_x', 'x.dataset', 'saver', 'compat.v1.nn');
    for (const fn of plain) expect(op('TFOpLambda', fn)).toEqual([]);
    expect(op('TFOpLambda', ['io'])).toEqual([]);
    expect(findings({ class_name: 'TFOpLambda', function: 'io' })).toEqual([]);
    expect(op('OtherLambda', 'io')).toEqual([]);
  });
});

describe('loose bytecode strings', () => {
  const spec = (names: string[], consts: CodeSpec['consts'] = []): CodeSpec => ({
    names,
    consts,
    name: 'evil',
  });

  it('reports base64 marshal anywhere in the config with the function name and its references', () => {
    expect(findings({ weights: { w: `  ${lambdaPayload(spec(['open']))}` } })).toEqual([
      {
        severity: 'critical',
        kind: 'bytecode',
        location: 'w: weights.w',
        sentence:
          'The value is marshalled Python 3.11 or later bytecode (function "evil"), which a loader that rebuilds functions runs; it references open.',
        references: ['open'],
      },
    ]);
    expect(findings([lambdaPayload(spec([]), '3.8')]).map((f) => f.sentence)).toEqual([
      'The value is marshalled Python 3.8 to 3.10 bytecode (function "evil"), which a loader that rebuilds functions runs; it references no names or constants.',
    ]);
  });

  it('lists 24 references and counts the rest', () => {
    const names = Array.from({ length: 26 }, (_, i) => `n${i}`);
    const found = findings({ 'a-b': lambdaPayload(spec(names)) });
    expect(found[0]?.location).toBe('w: ["a-b"]');
    expect(found[0]?.sentence).toContain(`references ${names.slice(0, 24).join(', ')} and 2 more.`);
    expect(found[0]?.references).toEqual(names);
    const exactly = findings([lambdaPayload(spec(names.slice(0, 24)))]);
    expect(exactly[0]?.sentence).toContain(`references ${names.slice(0, 24).join(', ')}.`);
  });

  it('ignores strings that only start like bytecode or are not base64', () => {
    expect(findings({ a: 'YwAAAAAAAAAAAAAAAAAAAAAA', b: 'Yw short', c: `x${PAYLOAD}`, d: 'Yw' })).toEqual([]);
  });

  it('decodes base64 with line breaks, and refuses other alphabets and lengths', () => {
    const wrapped = PAYLOAD.replace(/(.{76})/g, '$1\n');
    expect(decodeBytecode(wrapped)?.code.names).toEqual(['__import__', 'system']);
    expect(decodeBytecode(PAYLOAD.trim().slice(0, -1))).toBeNull();
    expect(decodeBytecode(`${PAYLOAD.trim().slice(0, -4)}-_-_`)).toBeNull();
    expect(decodeBytecode(`${PAYLOAD.trim()}====`)).toBeNull();
    expect(decodeBytecode('')).toBeNull();
  });
});

describe('modules and registered names', () => {
  const kinds = (obj: unknown) => findings({ x: obj }).map((f) => [f.kind, f.sentence, f.references]);

  it('flags a registered custom object whose name is neither its class nor its function', () => {
    expect(
      findings({ module: 'keras.layers', class_name: 'Dense', config: {}, registered_name: 'MyDense' }),
    ).toEqual([
      {
        severity: 'high',
        kind: 'custom-object',
        location: 'w: (root)',
        sentence:
          'The config asks for the registered custom object "MyDense"; its code is not in the file, and whatever the loading program registered under that name runs.',
        references: ['MyDense'],
      },
    ]);
    expect(kinds({ module: 'keras.layers', class_name: 'Dense', registered_name: 'Dense' })).toEqual([]);
    expect(kinds({ module: null, class_name: 'F', registered_name: 'F' })).toEqual([]);
    expect(kinds({ module: undefined, class_name: 'F', registered_name: 'G' }).map((k) => k[0])).toEqual([
      'custom-object',
    ]);
    expect(
      kinds({ module: 'keras.ops', class_name: 'function', config: 'add', registered_name: 'add' }),
    ).toEqual([]);
    expect(kinds({ module: 'keras.ops', class_name: 'function', config: 'add', registered_name: 7 })).toEqual(
      [],
    );
  });

  it('flags a module that is not a string, and one outside Keras', () => {
    expect(kinds({ class_name: 'X', module: 5 })).toEqual([
      [
        'module',
        'The config gives a module that is not a string, which a loader may resolve in unexpected ways.',
        undefined,
      ],
    ]);
    const outside = (module: string, cls: string, config: unknown = {}) =>
      kinds({ module, class_name: cls, config });
    expect(outside('builtins', 'Popen')).toEqual([
      [
        'module',
        'The config resolves "builtins.Popen" from a module outside Keras; safe_mode refuses it, and a loader without safe_mode imports that module.',
        ['builtins.Popen'],
      ],
    ]);
    expect(outside('builtins', 'function', 'os.system').map((k) => k[2])).toEqual([['builtins.os.system']]);
    expect(outside('builtins', 'function', 'eval')).toEqual([]);
    // The function name is read from `config` only for class "function", and only when it is a string.
    expect(outside('evil', 'function', {}).map((k) => k[2])).toEqual([['evil.function']]);
    expect(outside('evil', 'X', 'cfg').map((k) => k[2])).toEqual([['evil.X']]);
    expect(findings({ x: { class_name: 'X', module: [] } }).map((f) => f.severity)).toEqual(['high']);
    expect(outside('evil.keras', 'function', 'f').map((k) => k[2])).toEqual([['evil.keras.f']]);
    for (const pkg of ['keras_hub', 'keras_cv', 'keras_nlp'])
      expect(outside(`${pkg}.models`, 'function', 'x')).toEqual([]);
    expect(kinds({ module: 'os' })).toEqual([]);
  });

  it('flags Keras APIs that build no part of a model, by name, by module and as functions of other modules', () => {
    const api = (module: string, cls: string, config: unknown = {}) =>
      findings({ module, class_name: cls, config }).map((f) => f.references?.[0]);
    expect(findings({ module: 'keras.models', class_name: 'load_model' })).toEqual([
      {
        severity: 'high',
        kind: 'non-modelling-api',
        location: 'w: (root)',
        sentence: `The config calls "keras.models.load_model", ${REFUSES} safe_mode off); Keras refuses them in safe_mode since CVE-2025-8747 and CVE-2025-9906.`,
        references: ['keras.models.load_model'],
      },
    ]);
    expect(api('keras.src.backend.common', 'clear_session')).toEqual(['keras.backend.common.clear_session']);
    expect(api('keras.src.saving.saving_lib', 'function', 'load_model')).toEqual([
      'keras.saving.saving_lib.load_model',
    ]);
    expect(api('tf_keras.src.callbacks', 'EarlyStopping')).toEqual(['keras.callbacks.EarlyStopping']);
    for (const segment of ['config', 'datasets', 'applications', 'utils', 'preprocessing', 'export']) {
      expect(api(`keras.${segment}`, 'Thing')).toEqual([`keras.${segment}.Thing`]);
    }
    for (const segment of ['distribution', 'visualization', 'tree', 'saving']) {
      expect(api(`keras.${segment}`, 'Thing')).toEqual([`keras.${segment}.Thing`]);
    }
    expect(api('keras.src.models', 'function', 'f')).toEqual(['keras.models.f']);
    expect(api('keras', 'function', 'f')).toEqual(['keras.f']);
    const modelling = ['activations', 'losses', 'metrics', 'initializers', 'regularizers', 'constraints'];
    modelling.push('ops', 'random', 'layers', 'optimizers');
    for (const segment of modelling) expect(api(`keras.src.${segment}.x`, 'function', 'f')).toEqual([]);
    expect(api('keras.models', 'Sequential')).toEqual([]);
    expect(api('keras.backend', 'Thing')).toEqual([]);
  });

  it('checks the module of a __typespec__ under its spec name too', () => {
    const spec = { class_name: '__typespec__', spec_name: 'MySpec', module: 'evil.mod' };
    expect(findings(spec).map((f) => f.references)).toEqual([['evil.mod.__typespec__'], ['evil.mod.MySpec']]);
    expect(findings({ ...spec, module: 'keras.utils' }).map((f) => f.references)).toEqual([
      ['keras.utils.__typespec__'],
      ['keras.utils.MySpec'],
    ]);
    expect(findings({ class_name: '__typespec__', module: 'evil.mod' }).map((f) => f.references)).toEqual([
      ['evil.mod.__typespec__'],
    ]);
    expect(findings({ class_name: '__typespec__', spec_name: 'S', registered_name: 'R' })).toEqual([]);
    expect(
      findings({ spec_name: 'MySpec', module: 'evil.mod', class_name: 'Other' }).map((f) => f.references),
    ).toEqual([['evil.mod.Other']]);
  });
});

describe('the depth cap', () => {
  it('refuses a config nested past the cap, where it goes too deep, and reads one at the cap', () => {
    const ctx = new ScanContext({ ...DEFAULT_LIMITS, maxJsonDepth: 2 }, () => 0);
    walkKerasConfig({ a: [{}] }, ctx, 'w');
    let stop: unknown;
    try {
      walkKerasConfig({ a: [{ b: 1 }] }, ctx, 'w');
    } catch (error) {
      stop = error;
    }
    walkKerasConfig({ a: { b: [] } }, ctx, 'w'); // an empty list at the cap has nothing deeper to read
    expect(stop).toBeInstanceOf(ScanStop);
    expect((stop as ScanStop).finding).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'w: a[0].b',
      sentence: 'The config nests deeper than the cap.',
    });
  });
});
