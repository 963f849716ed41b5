/**
 * Which reader a file goes to, from its bytes alone (the file name is never consulted): zip, HDF5 (signature at 0 or
 * after a user block of 512 · 2^k bytes), NumPy, safetensors (a little-endian header length, then `{`), pickle
 * (a PROTO opcode, or a protocol 0/1 opening), tar, JSON, a compressed stream (compressed.ts), ONNX (onnx.ts), a
 * TensorFlow SavedModel, its Keras metadata or a frozen GraphDef (savedmodel.ts), GGUF ("GGUF" at 0).
 */
import { startsWith } from './bytes';
import { compressionOf } from './compressed';
import { looksLikeOnnx } from './onnx';
import { looksLikeGraphDef, looksLikeKerasMetadata, looksLikeSavedModel } from './savedmodel';

export type Sniffed =
  | 'zip'
  | 'hdf5'
  | 'numpy'
  | 'safetensors'
  | 'pickle'
  | 'tar'
  | 'json'
  | 'compressed'
  | 'onnx'
  | 'savedmodel'
  | 'keras-metadata'
  | 'graph-def'
  | 'gguf'
  | 'unknown';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NUMPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The offset of the HDF5 superblock signature (0, 512, 1024, …), or -1. */
export function hdf5SignatureOffset(bytes: Uint8Array): number {
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (startsWith(bytes, HDF5_SIGNATURE, offset)) return offset;
  }
  return -1;
}

/** Protocol 0/1 pickles start with one of these opcodes: MARK, EMPTY_DICT/LIST/TUPLE, GLOBAL, INST, common scalars. */
const OLD_PICKLE_OPENERS = new Set([
  0x28, 0x7d, 0x5d, 0x29, 0x63, 0x69, 0x4e, 0x49, 0x4c, 0x46, 0x53, 0x56, 0x4a, 0x4b, 0x58, 0x55, 0x54,
]);

function looksLikeOldPickle(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || !OLD_PICKLE_OPENERS.has(bytes[0] as number)) return false;
  // A protocol 0/1 pickle ends with STOP; text files rarely do.
  return bytes[bytes.length - 1] === 0x2e;
}

export function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return 'zip';
  if (hdf5SignatureOffset(bytes) >= 0) return 'hdf5';
  if (startsWith(bytes, [0x47, 0x47, 0x55, 0x46])) return 'gguf';
  if (startsWith(bytes, NUMPY_MAGIC)) return 'numpy';
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const low =
      (bytes[0] as number) +
      (bytes[1] as number) * 256 +
      (bytes[2] as number) * 65536 +
      (bytes[3] as number) * 16777216;
    const high =
      (bytes[4] as number) +
      (bytes[5] as number) * 256 +
      (bytes[6] as number) * 65536 +
      (bytes[7] as number) * 16777216;
    if (high === 0 && low >= 2) return 'safetensors';
  }
  if (bytes.length >= 2 && bytes[0] === 0x80 && (bytes[1] as number) <= 5) return 'pickle';
  if (bytes.length >= 263 && startsWith(bytes, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'tar';
  // Before JSON (keras_metadata.pb opens with a newline byte) and ONNX (a SavedModel opens as an ONNX model can).
  if (looksLikeSavedModel(bytes)) return 'savedmodel';
  if (looksLikeKerasMetadata(bytes)) return 'keras-metadata';
  if (looksLikeGraphDef(bytes)) return 'graph-def';
  let i = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) i = 3;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) return 'json';
  if (looksLikeOldPickle(bytes)) return 'pickle';
  if (compressionOf(bytes)) return 'compressed';
  if (looksLikeOnnx(bytes)) return 'onnx';
  return 'unknown';
}
