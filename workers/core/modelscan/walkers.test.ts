import { describe, expect, it } from 'vitest';
import { ScanContext } from './context';
import { writeHdf5 } from './corpus/hdf5';
import { dense, functional, input, lambdaLayer, sequential } from './corpus/keras';
import { lambdaPayload, marshalCode, OS_SYSTEM_LAMBDA } from './corpus/marshal';
import { assemble, stateDictPickle } from './corpus/pickle';
import { walkKerasConfig } from './keras-config';
import { listMarshalledCode, referencesOf } from './marshal';
import { scanModelFile } from './scan';
import { weightPathProblem } from './tfjs';
import { DEFAULT_LIMITS } from './types';
import { entryNameProblem } from './zip';

const context = () => new ScanContext(DEFAULT_LIMITS, () => 0);

describe('marshal code listing', () => {
  it.each(['3.11', '3.8'] as const)(
    'lists names, constants and nested code of a Python %s code object',
    (layout) => {
      const listing = listMarshalledCode(
        marshalCode(
          { ...OS_SYSTEM_LAMBDA, consts: [...OS_SYSTEM_LAMBDA.consts, { names: ['eval'], consts: ['1+1'] }] },
          layout,
        ),
      );
      expect(listing?.python).toBe(layout === '3.11' ? '3.11 or later' : '3.8 to 3.10');
      expect(listing?.code.names).toEqual(['__import__', 'system']);
      expect(referencesOf(listing?.code ?? { name: '', names: [], consts: [], nested: [] })).toEqual([
        '__import__',
        'system',
        '"os"',
        '"id"',
        'eval',
        '"1+1"',
      ]);
    },
  );

  it('reads a payload CPython 3.11 marshalled (marshal.dumps of a lambda)', () => {
    // base64 of marshal.dumps((lambda x: __import__('os').system('id')).__code__), Python 3.11.7.
    const b64 =
      '4wEAAAAAAAAAAAAAAAMAAAADAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAFMAKQNO2gJvc9oCaWQpAtoKX19pbXBvcnRfX9oGc3lzdGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIIAAAAAwAAAHMcAAAAgAC1Crg00TBA1DBA1zBH0jBHyATRME3UME2AAPMAAAAA';
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const listing = listMarshalledCode(bytes);
    expect(listing?.code.names).toEqual(['__import__', 'system']);
    expect(listing?.code.consts).toEqual(['"os"', '"id"']);
  });

  it('returns null for bytes that are no code object', () => {
    expect(listMarshalledCode(new Uint8Array([0x63, 1, 2, 3]))).toBeNull();
    expect(listMarshalledCode(new TextEncoder().encode('hello'))).toBeNull();
  });
});

describe('pickle scanning', () => {
  it('resolves STACK_GLOBAL through the memo and names the callable and its offsets', () => {
    const bytes = assemble([
      ['PROTO', 4],
      ['STR', 'posix'],
      ['BINPUT', 9],
      ['POP'],
      ['STR', 'system'],
      ['LONG_BINPUT', 300],
      ['POP'],
      ['BINGET', 9],
      ['LONG_BINGET', 300],
      ['STACK_GLOBAL'],
      ['STR', 'id'],
      ['TUPLE1'],
      ['REDUCE'],
      ['STOP'],
    ]);
    const [finding] = scanModelFile('m.pkl', bytes).findings;
    expect(finding?.references).toEqual(['posix.system']);
    expect(finding?.severity).toBe('critical');
    // PROTO 0–1, STR 2–8, BINPUT 9–10, POP 11, STR 12–19, LONG_BINPUT 20–24, POP 25, BINGET 26–27, LONG_BINGET 28–32.
    expect(finding?.sentence).toContain('imports posix.system (byte 33) and calls it (byte 39)');
  });

  it('maps Python 2 module names and matches the allowlist exactly', () => {
    const ok = assemble([
      ['PROTO', 2],
      ['GLOBAL', '__builtin__', 'set'],
      ['EMPTY_LIST'],
      ['TUPLE1'],
      ['REDUCE'],
      ['STOP'],
    ]);
    expect(scanModelFile('s.pkl', ok).verdict).toBe('safe');
    const attr = assemble([
      ['PROTO', 4],
      ['GLOBAL', 'torch._utils', '_rebuild_tensor_v2.__globals__'],
      ['STOP'],
    ]);
    const result = scanModelFile('a.pkl', attr);
    expect(result.verdict).toBe('unsafe');
    expect(result.findings[0]?.references).toEqual(['torch._utils._rebuild_tensor_v2.__globals__']);
  });

  it('scans a pickle hidden in a byte string and says where', () => {
    const inner = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['STOP']]);
    const outer = assemble([['PROTO', 2], ['BYTES', inner], ['STOP']]);
    const [finding] = scanModelFile('n.pkl', outer).findings;
    expect(finding?.location).toBe('n.pkl › pickle inside the byte string at byte 7, byte 2');
  });

  it('leaves tensor bytes that merely start like a pickle alone', () => {
    const data = new Uint8Array([0x80, 0x02, 0xff, 0xff, 0x00, 0x01]);
    const outer = assemble([['PROTO', 2], ['BYTES', data], ['STOP']]);
    expect(scanModelFile('d.pkl', outer).verdict).toBe('safe');
  });

  it('refuses a read from a memo slot never stored, after reporting what came before', () => {
    const bytes = assemble([['PROTO', 2], ['GLOBAL', 'os', 'system'], ['BINGET', 4], ['STOP']]);
    const result = scanModelFile('g.pkl', bytes);
    expect(result.findings.map((f) => f.kind)).toEqual(['malformed']);
    expect(result.verdict).toBe('refused');
    expect(scanModelFile('ok.pkl', stateDictPickle([{ name: 'a', key: '0', shape: [2, 2] }])).verdict).toBe(
      'safe',
    );
  });
});

describe('Keras config walk', () => {
  it('locates a Lambda nested in a Sequential inside a Functional model and lists its references', () => {
    const ctx = context();
    walkKerasConfig(
      functional(
        sequential('inner', [
          input([4]),
          dense('d', 2),
          lambdaLayer('deep', lambdaPayload(OS_SYSTEM_LAMBDA)),
        ]),
      ),
      ctx,
      'config.json',
    );
    const lambda = ctx.findings.find((f) => f.kind === 'lambda');
    expect(lambda?.location).toBe('config.json: config.layers[1].config.layers[2]');
    expect(lambda?.references).toEqual(['__import__', 'system', '"os"', '"id"']);
    expect(lambda?.sentence).toContain('Lambda layer "deep"');
    expect(ctx.findings.filter((f) => f.kind === 'bytecode')).toEqual([]);
  });

  it('accepts Keras built-in functions and classes, and flags the same names from elsewhere', () => {
    const ctx = context();
    walkKerasConfig(
      {
        a: { module: 'builtins', class_name: 'function', config: 'relu', registered_name: 'function' },
        b: { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'relu' },
        c: { module: 'keras.src.ops.numpy', class_name: 'Add', config: {}, registered_name: 'Add' },
      },
      ctx,
      'c',
    );
    expect(ctx.findings.filter((f) => f.kind !== 'custom-object')).toEqual([]);
    const bad = context();
    walkKerasConfig(
      {
        a: { module: 'subprocess', class_name: 'Popen', config: {}, registered_name: null },
        b: {
          module: 'keras.src.utils.file_utils',
          class_name: 'function',
          config: 'get_file',
          registered_name: null,
        },
      },
      bad,
      'c',
    );
    expect(bad.findings.map((f) => [f.kind, f.location])).toEqual([
      ['module', 'c: a'],
      ['non-modelling-api', 'c: b'],
    ]);
  });
});

describe('Keras 2 TFOpLambda', () => {
  it('flags a TensorFlow function that writes files and passes arithmetic', () => {
    const ctx = context();
    const op = (fn: string) => ({ class_name: 'TFOpLambda', config: { name: fn, function: fn } });
    walkKerasConfig(
      { layers: [op('math.add'), op('__operators__.getitem'), op('io.write_file')] },
      ctx,
      'h5',
    );
    expect(ctx.findings.map((f) => [f.kind, f.location])).toEqual([['non-modelling-api', 'h5: layers[2]']]);
  });
});

describe('names and paths', () => {
  it.each([
    ['../x', 'contains a ".." step'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:\\x', 'starts with a drive letter'],
    ['a/../../b', 'contains a ".." step'],
    ['assets/vocab.txt', null],
  ])('zip entry %s', (name, problem) => expect(entryNameProblem(name)).toBe(problem));

  it.each([
    ['group1-shard1of1.bin', null],
    ['https://evil.example/w.bin', 'is an absolute URL'],
    ['//evil.example/w.bin', 'is a protocol-relative URL (another host)'],
    ['%2e%2e/w.bin', 'climbs out of the folder with ".."'],
    ['/w.bin', 'is an absolute path'],
  ])('TF.js weight path %s', (path, problem) => expect(weightPathProblem(path)).toBe(problem));
});

describe('HDF5 structure', () => {
  it('names external and soft links by their HDF5 path', () => {
    const bytes = writeHdf5({
      kind: 'group',
      children: {
        g: {
          kind: 'group',
          newStyle: true,
          children: {
            e: { kind: 'external-link', file: 'x.h5', path: '/p' },
            s: { kind: 'soft-link', path: '/g' },
          },
        },
      },
    });
    const result = scanModelFile('f.h5', bytes);
    expect(result.findings.map((f) => [f.kind, f.location])).toEqual([
      ['external-link', 'f.h5: /g/e'],
      ['soft-link', 'f.h5: /g/s'],
    ]);
    expect(result.verdict).toBe('unsafe');
  });

  it('refuses a truncated file whose superblock promises more bytes', () => {
    const bytes = writeHdf5({ kind: 'group', children: { d: { kind: 'dataset', shape: [8] } } });
    const result = scanModelFile('t.h5', bytes.subarray(0, bytes.length - 40));
    expect(result.verdict).toBe('refused');
    expect(result.findings[0]?.sentence).toContain('(truncated)');
  });
});
