/** Plain models as their libraries write them: each must scan as safe. */
import { strToU8, zipSync } from 'fflate';
import { GGUF_FILES } from '../test-gguf-files';
import { ONNX_FILES } from '../test-onnx-files';
import { type CorpusFile, plainSequential } from './common';
import { npy, plainSafetensors, tfjsModel } from './formats';
import { functional, kerasArchive, kerasWeights, legacyH5 } from './keras';
import { assemble, stateDictPickle, torchScriptPickle } from './pickle';
import { FIXED_TIME } from './time';
import { torchLegacy, torchZip } from './torch';

const numpyArrayPickle = () =>
  assemble([
    ['PROTO', 2],
    ['GLOBAL', 'numpy.core.multiarray', '_reconstruct'],
    ['GLOBAL', 'numpy', 'ndarray'],
    ['BININT', 0],
    ['TUPLE1'],
    ['BINSTRING', 'b'],
    ['TUPLE3'],
    ['REDUCE'],
    ['MARK'],
    ['BININT', 1],
    ['BININT', 3],
    ['TUPLE1'],
    ['GLOBAL', 'numpy', 'dtype'],
    ['STR', 'f4'],
    ['NEWFALSE'],
    ['NEWTRUE'],
    ['TUPLE3'],
    ['REDUCE'],
    ['MARK'],
    ['BININT', 3],
    ['STR', '<'],
    ['NONE'],
    ['NONE'],
    ['NONE'],
    ['BININT', -1],
    ['BININT', -1],
    ['BININT', 0],
    ['TUPLE'],
    ['BUILD'],
    ['NEWFALSE'],
    ['GLOBAL', '_codecs', 'encode'],
    ['STR', '\u0000\u0000\u0080?'],
    ['STR', 'latin1'],
    ['TUPLE2'],
    ['REDUCE'],
    ['TUPLE'],
    ['BUILD'],
    ['STOP'],
  ]);

export const PLAIN: readonly CorpusFile[] = [
  // Plain models.
  { name: 'plain-sequential.keras', expect: 'safe', bytes: () => kerasArchive(plainSequential()) },
  {
    name: 'plain-functional-nested.keras',
    expect: 'safe',
    bytes: () => kerasArchive(functional(plainSequential())),
  },
  { name: 'plain-legacy.h5', expect: 'safe', bytes: () => legacyH5(plainSequential()) },
  {
    name: 'plain-weights.weights.h5',
    expect: 'safe',
    bytes: () => kerasWeights([{ name: 'dense', shape: [4, 8] }]),
  },
  { name: 'plain-state-dict.pt', expect: 'safe', bytes: () => torchZip() },
  { name: 'plain-legacy-stream.pt', expect: 'safe', bytes: () => torchLegacy() },
  { name: 'plain-numpy-array.pkl', expect: 'safe', bytes: numpyArrayPickle },
  {
    name: 'plain-state-dict.pkl',
    expect: 'safe',
    bytes: () => stateDictPickle([{ name: 'w', key: '0', shape: [3] }]),
  },
  { name: 'plain.safetensors', expect: 'safe', bytes: plainSafetensors },
  { name: 'plain-model.json', expect: 'safe', bytes: () => tfjsModel() },
  { name: 'plain-weights.npy', expect: 'safe', bytes: () => npy('<f4', [2, 2], new Uint8Array(16)) },
  {
    name: 'plain-weights.npz',
    expect: 'safe',
    bytes: () => zipSync({ 'w.npy': npy('<f4', [3], new Uint8Array(12)) }, { mtime: FIXED_TIME }),
  },
  {
    name: 'plain-torchscript.pt',
    expect: 'safe',
    bytes: () =>
      torchZip(torchScriptPickle(), {
        'archive/code/__torch__.py': strToU8('class Net(Module):\n  pass\n'),
        'archive/constants.pkl': assemble([['PROTO', 2], ['EMPTY_TUPLE'], ['STOP']]),
      }),
  },
  // An MLP with an If whose branches hold constants, as the onnx package serialises it.
  { name: 'plain-model.onnx', expect: 'safe', bytes: () => onnxBytes('plain') },
  // A llama.cpp model with a ChatML chat template, float and quantized tensors, as gguf-py writes it.
  {
    name: 'plain-model.gguf',
    expect: 'safe',
    bytes: () => Uint8Array.from(atob(GGUF_FILES['quantized, aligned to 64'] ?? ''), (c) => c.charCodeAt(0)),
  },
];

/** A model of the ONNX fixture (scripts/fixtures/test-onnx-files.py), by its name there. */
export function onnxBytes(name: string): Uint8Array {
  const file = ONNX_FILES.find((f) => f.name === name);
  if (!file) throw new RangeError(`No ONNX fixture named ${name}.`);
  return Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
}
