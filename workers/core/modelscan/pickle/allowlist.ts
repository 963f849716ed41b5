/**
 * The globals a pickle may import and call: data-only constructors of tensors, arrays and plain containers, after
 * PyTorch's weights-only unpickler (torch/_weights_only_unpickler.py) and picklescan's safe list, and the standard
 * library's plain values (dates, decimals, ranges, defaultdicts). Everything else is
 * unsafe: unpickling imports its module (running the module's code) and may call it. Names are matched whole, as
 * `module.qualname`, after Python 2's module renames (`__builtin__` → `builtins`, `copy_reg` → `copyreg`).
 */

const TORCH_STORAGES = [
  'Double',
  'Float',
  'Half',
  'BFloat16',
  'Long',
  'Int',
  'Short',
  'Char',
  'Byte',
  'Bool',
  'ComplexFloat',
  'ComplexDouble',
  'QUInt8',
  'QInt8',
  'QInt32',
  'QUInt4x2',
  'QUInt2x4',
  'Untyped',
].map((t) => `torch.${t}Storage`);

const TORCH_DTYPES = [
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'complex64',
  'complex128',
  'complex32',
  'qint8',
  'quint8',
  'qint32',
  'quint4x2',
  'quint2x4',
  'float8_e4m3fn',
  'float8_e5m2',
  'float8_e4m3fnuz',
  'float8_e5m2fnuz',
  'double',
  'float',
  'half',
  'long',
  'int',
  'short',
  'cfloat',
  'cdouble',
  'strided',
  'sparse_coo',
  'sparse_csr',
  'sparse_csc',
  'sparse_bsr',
  'sparse_bsc',
  '_mkldnn',
  'per_tensor_affine',
  'per_channel_affine',
  'per_tensor_symmetric',
  'per_channel_symmetric',
  'per_channel_affine_float_qparams',
  'contiguous_format',
  'channels_last',
  'channels_last_3d',
  'preserve_format',
].map((t) => `torch.${t}`);

const TORCH_REBUILDS = [
  '_rebuild_tensor',
  '_rebuild_tensor_v2',
  '_rebuild_tensor_v3',
  '_rebuild_parameter',
  '_rebuild_parameter_with_state',
  '_rebuild_qtensor',
  '_rebuild_sparse_tensor',
  '_rebuild_meta_tensor_no_storage',
  '_rebuild_nested_tensor',
  '_rebuild_device_tensor_from_numpy',
].map((f) => `torch._utils.${f}`);

const ALLOWED = new Set<string>([
  'collections.OrderedDict',
  'collections.Counter',
  'builtins.set',
  'builtins.frozenset',
  'builtins.bytearray',
  'builtins.complex',
  'builtins.slice',
  // Plain Python values the standard library pickles by a global: each builds a value from numbers, strings or bytes
  // and runs nothing else. The built-in types themselves appear as values (a defaultdict's list, a config's dtype).
  'builtins.range',
  ...['list', 'dict', 'tuple', 'int', 'float', 'str', 'bytes', 'bool'].map((t) => `builtins.${t}`),
  'collections.defaultdict',
  'collections.deque',
  ...['datetime', 'date', 'time', 'timedelta', 'timezone'].map((t) => `datetime.${t}`),
  'decimal.Decimal',
  'fractions.Fraction',
  '_codecs.encode',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch._tensor._rebuild_from_type_v2',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  // TorchScript's pickler writes typed lists through these (torch/jit/_pickle.py): each returns its argument.
  'torch.jit._pickle.build_intlist',
  'torch.jit._pickle.build_doublelist',
  'torch.jit._pickle.build_boollist',
  'torch.jit._pickle.build_tensorlist',
  'torch.jit._pickle.build_tensor_from_id',
  'torch.jit._pickle.restore_type_tag',
  ...TORCH_STORAGES,
  ...TORCH_DTYPES,
  ...TORCH_REBUILDS,
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  // NumPy's random generators (numpy/random/_pickle.py): each helper makes a generator from a bit generator named by
  // a string or given as a class or callable, which the pickle must import as a global of its own, judged here too.
  ...['__randomstate_ctor', '__generator_ctor', '__bit_generator_ctor'].map(
    (f) => `numpy.random._pickle.${f}`,
  ),
  'numpy.random.__RandomState_ctor',
  'numpy.random._mt19937.MT19937',
  'numpy.random._pcg64.PCG64',
  'numpy.random._pcg64.PCG64DXSM',
  'numpy.random._philox.Philox',
  'numpy.random._sfc64.SFC64',
  'numpy.random.bit_generator.SeedSequence',
  'numpy.random.bit_generator.__pyx_unpickle_SeedSequence',
  // joblib's record of an array (pickle/joblib.ts): made without arguments, its state set to a shape and a dtype;
  // joblib.load reads the array's bytes after it. The rest of the joblib module stays dangerous (joblib.load).
  'joblib.numpy_pickle.NumpyArrayWrapper',
  // Protocol 5 pickles an array as _frombuffer(buffer, dtype, shape, order): an array from bytes, nothing more.
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  ...[
    'Float64DType',
    'Float32DType',
    'Float16DType',
    'Int64DType',
    'Int32DType',
    'Int16DType',
    'Int8DType',
    'UInt64DType',
    'UInt32DType',
    'UInt16DType',
    'UInt8DType',
    'BoolDType',
    'ObjectDType',
    'Complex64DType',
    'Complex128DType',
  ].map((d) => `numpy.dtypes.${d}`),
]);

const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
};

/** Modules whose import or call runs commands, code, files or network requests: reported as critical. */
const DANGEROUS_MODULES = [
  'os',
  'posix',
  'nt',
  'subprocess',
  'sys',
  'runpy',
  'importlib',
  'imp',
  'code',
  'codeop',
  'pty',
  'shutil',
  'socket',
  'ctypes',
  'marshal',
  'pickle',
  '_pickle',
  'cPickle',
  'dill',
  'types',
  'webbrowser',
  'requests',
  'urllib',
  'urllib2',
  'httplib',
  'http',
  'ftplib',
  'smtplib',
  'telnetlib',
  'asyncio',
  'multiprocessing',
  'commands',
  'popen2',
  'platform',
  'pdb',
  'bdb',
  'timeit',
  'cProfile',
  'profile',
  'trace',
  'tempfile',
  'glob',
  'pathlib',
  'io',
  '_io',
  'operator',
  'functools',
  'copyreg',
  'torch.hub',
  'torch.load',
  'numpy.f2py',
  'numpy.testing',
  'numpy.load',
  'joblib',
  'zipimport',
  'pkgutil',
  'site',
  'signal',
  'threading',
  '_thread',
  'tkinter',
  'ssl',
  'selectors',
  'select',
];

/** Python 2 names that Python 3's unpickler reads as others (_compat_pickle.NAME_MAPPING), for those modules. */
const PY2_NAMES: Record<string, string> = {
  '__builtin__.xrange': 'builtins.range',
  '__builtin__.long': 'builtins.int',
  '__builtin__.unicode': 'builtins.str',
  '__builtin__.basestring': 'builtins.str',
  '__builtin__.unichr': 'builtins.chr',
  '__builtin__.reduce': 'functools.reduce',
  '__builtin__.intern': 'sys.intern',
  'itertools.imap': 'builtins.map',
  'itertools.izip': 'builtins.zip',
  'itertools.ifilter': 'builtins.filter',
};

/** The global's full dotted name, with Python 2 names mapped as Python 3's unpickler maps them. */
export function globalName(module: string, name: string): string {
  const written = `${module}.${name}`;
  if (Object.hasOwn(PY2_NAMES, written)) return PY2_NAMES[written] as string;
  return `${Object.hasOwn(PY2_MODULES, module) ? PY2_MODULES[module] : module}.${name}`;
}

/** Whether the global (a full dotted name from `globalName`) is a data-only constructor. */
export function isAllowedGlobal(full: string): boolean {
  return ALLOWED.has(full);
}

/** Whether a non-allowed global is among those that run commands, code or I/O (a critical finding). */
export function isDangerousGlobal(full: string): boolean {
  if (full.startsWith('builtins.')) return true; // eval, exec, getattr, __import__, open … (the safe ones are allowed)
  return DANGEROUS_MODULES.some((m) => full === m || full.startsWith(`${m}.`));
}
