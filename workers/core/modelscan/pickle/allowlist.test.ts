import { describe, expect, it } from 'vitest';
import { assemble } from '../corpus/pickle';
import { scan } from './test-helpers';

describe('which globals are critical, high or allowed', () => {
  const judge = (module: string, name: string): string => {
    const findings = scan(assemble([['PROTO', 2], ['GLOBAL', module, name], ['STOP']])).findings;
    return findings[0]?.severity ?? 'allowed';
  };

  it('globals that run commands, code, files or network requests are critical', () => {
    const attacks: [string, string][] = [
      ['os', 'system'],
      ['posix', 'system'],
      ['nt', 'system'],
      ['subprocess', 'Popen'],
      ['builtins', 'eval'],
      ['builtins', 'exec'],
      ['builtins', 'getattr'],
      ['__builtin__', '__import__'],
      ['runpy', '_run_code'],
      ['importlib', 'import_module'],
      ['socket', 'create_connection'],
      ['shutil', 'rmtree'],
      ['pickle', 'loads'],
      ['marshal', 'loads'],
      ['types', 'FunctionType'],
      ['operator', 'attrgetter'],
      ['functools', 'partial'],
      ['copy_reg', '_reconstructor'],
      ['urllib.request', 'urlopen'],
      ['torch.hub', 'load'],
      ['numpy.testing._private.utils', 'runstring'],
      ['webbrowser', 'open'],
      ['ctypes', 'CDLL'],
    ];
    expect(attacks.filter(([m, n]) => judge(m, n) !== 'critical')).toEqual([]);
    // A module named exactly like a dangerous dotted one (GLOBAL "torch" "hub").
    expect(judge('torch', 'hub')).toBe('critical');
  });

  it('a module whose name only starts like a dangerous one is high, not critical', () => {
    expect(judge('osmodel', 'Net')).toBe('high');
    expect(judge('operators_lib', 'Add')).toBe('high');
    expect(judge('torch.hubs', 'x')).toBe('high');
  });

  it('data-only constructors of tensors and arrays are allowed, matched whole', () => {
    const data: [string, string][] = [
      ['collections', 'OrderedDict'],
      ['torch._utils', '_rebuild_tensor_v2'],
      ['torch', 'FloatStorage'],
      ['torch', 'float16'],
      ['numpy', 'ndarray'],
      ['numpy', 'dtype'],
      ['numpy.core.multiarray', '_reconstruct'],
      ['_codecs', 'encode'],
      ['__builtin__', 'set'],
    ];
    expect(data.filter(([m, n]) => judge(m, n) !== 'allowed')).toEqual([]);
    expect(judge('torch', 'FloatStorage.__init__')).toBe('high');
    expect(judge('builtins', 'range.__new__')).toBe('critical');
    expect(judge('collections', 'OrderedDict2')).toBe('high');
  });
});

describe('plain Python values and Python 2 names', () => {
  const judge = (module: string, name: string) => {
    const findings = scan(assemble([['PROTO', 2], ['GLOBAL', module, name], ['STOP']])).findings;
    return [findings[0]?.severity ?? 'allowed', findings[0]?.references?.[0] ?? ''];
  };

  it("allows the standard library's plain values and the built-in types, and nothing else of builtins", () => {
    const plain = [
      'builtins range',
      'builtins list',
      'builtins dict',
      'builtins tuple',
      'builtins int',
      'builtins float',
      'builtins str',
      'builtins bytes',
      'builtins bool',
      'collections defaultdict',
      'collections deque',
      'datetime datetime',
      'datetime date',
      'datetime time',
      'datetime timedelta',
      'datetime timezone',
      'decimal Decimal',
      'fractions Fraction',
    ].map((g) => g.split(' ') as [string, string]);
    expect(plain.filter(([m, n]) => judge(m, n)[0] !== 'allowed')).toEqual([]);
    expect(judge('numpy.random._pickle', '__randomstate_ctor')).toEqual(['allowed', '']);
    expect(judge('numpy.random', '__RandomState_ctor')).toEqual(['allowed', '']);
    expect(judge('numpy.random.bit_generator', '__pyx_unpickle_SeedSequence')).toEqual(['allowed', '']);
    expect(judge('numpy.random._pickle', 'BitGenerators')[0]).toBe('high');
    for (const name of ['getattr', 'eval', 'open', 'type', 'object', 'chr', 'map', 'input'])
      expect(judge('builtins', name)[0], name).toBe('critical');
    expect(judge('datetime', 'sys')[0]).toBe('high');
  });

  it("still reports what a random generator's helper is handed to call", () => {
    const bytes = assemble([
      ['PROTO', 2],
      ['GLOBAL', 'numpy.random._pickle', '__randomstate_ctor'],
      ['STR', 'id'],
      ['GLOBAL', 'os', 'system'],
      ['TUPLE2'],
      ['REDUCE'],
      ['STOP'],
    ]);
    const findings = scan(bytes).findings;
    expect(findings.map((f) => [f.severity, f.references?.[0]])).toEqual([['critical', 'os.system']]);
  });

  it("reads Python 2 names as Python 3's unpickler does", () => {
    expect(judge('__builtin__', 'xrange')).toEqual(['allowed', '']);
    expect(judge('__builtin__', 'long')).toEqual(['allowed', '']);
    expect(judge('__builtin__', 'unicode')).toEqual(['allowed', '']);
    expect(judge('__builtin__', 'basestring')).toEqual(['allowed', '']);
    expect(judge('__builtin__', 'reduce')).toEqual(['critical', 'functools.reduce']);
    expect(judge('__builtin__', 'intern')).toEqual(['critical', 'sys.intern']);
    expect(judge('__builtin__', 'unichr')).toEqual(['critical', 'builtins.chr']);
    expect(judge('itertools', 'imap')).toEqual(['critical', 'builtins.map']);
    expect(judge('itertools', 'izip')).toEqual(['critical', 'builtins.zip']);
    expect(judge('itertools', 'ifilter')).toEqual(['critical', 'builtins.filter']);
    expect(judge('itertools', 'chain')).toEqual(['high', 'itertools.chain']);
  });
});

describe('global names', () => {
  it('names a module called like an Object property as the file writes it', () => {
    const named = (module: string) =>
      scan(assemble([['PROTO', 2], ['GLOBAL', module, 'x'], ['STOP']])).findings[0]?.references;
    expect(named('constructor')).toEqual(['constructor.x']);
    expect(named('__proto__')).toEqual(['__proto__.x']);
    expect(named('toString')).toEqual(['toString.x']);
  });
});
