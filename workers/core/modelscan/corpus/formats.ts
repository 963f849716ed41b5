/** safetensors, TF.js model.json and NumPy .npy files for the test corpus, laid out as their writers lay them out. */
import { strToU8 } from 'fflate';

type Tensor = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** A safetensors file from a header (tensor entries, `__metadata__`) and `dataSize` bytes of data. */
export function safetensors(
  header: Record<string, Tensor | Record<string, string>>,
  dataSize: number,
): Uint8Array {
  const json = strToU8(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataSize);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** A plain safetensors file: two F32 tensors back to back. */
export function plainSafetensors(): Uint8Array {
  return safetensors(
    {
      __metadata__: { format: 'pt' },
      'fc.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      'fc.bias': { dtype: 'F32', shape: [2], data_offsets: [24, 32] },
    },
    32,
  );
}

/** A TF.js layers model.json (tfjs-converter's format) with a Keras topology and one weights group. */
export function tfjsModel(paths: string[] = ['group1-shard1of1.bin'], layers?: unknown[]): Uint8Array {
  return strToU8(
    JSON.stringify({
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: layers ?? [
              {
                class_name: 'InputLayer',
                config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'input_1' },
              },
              {
                class_name: 'Dense',
                config: { name: 'dense', units: 2, activation: 'relu', use_bias: true },
              },
            ],
          },
        },
      },
      weightsManifest: [
        {
          paths,
          weights: [
            { name: 'dense/kernel', shape: [4, 2], dtype: 'float32' },
            { name: 'dense/bias', shape: [2], dtype: 'float32' },
          ],
        },
      ],
    }),
  );
}

/** A .npy file (format 1.0) with `descr` and `shape`, followed by `data`. */
export function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(strToU8(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
