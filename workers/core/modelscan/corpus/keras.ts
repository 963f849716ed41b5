/**
 * Keras models for the test corpus, structured as Keras 3 writes them (keras/src/saving/saving_lib.py: a zip of
 * metadata.json, config.json and model.weights.h5 with `layers/<name>/vars/<i>` datasets; legacy_h5_format.py: an
 * HDF5 file with `model_config`/`training_config` root attributes and `model_weights/<layer>/<layer>/<weight>`),
 * and the config pieces hostile variants are made from.
 */
import { strToU8, zipSync } from 'fflate';
import { type H5Node, writeHdf5 } from './hdf5';
import { FIXED_TIME } from './time';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DTYPE: Json = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

export function layer(
  cls: string,
  config: { [key: string]: Json },
  module = 'keras.layers',
): { [key: string]: Json } {
  return {
    module,
    class_name: cls,
    config: { trainable: true, dtype: DTYPE, ...config },
    registered_name: null,
  };
}

export function dense(name: string, units: number): { [key: string]: Json } {
  return layer('Dense', {
    name,
    units,
    activation: 'relu',
    use_bias: true,
    kernel_initializer: {
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null },
      registered_name: null,
    },
    bias_initializer: {
      module: 'keras.initializers',
      class_name: 'Zeros',
      config: {},
      registered_name: null,
    },
    kernel_regularizer: null,
  });
}

export function input(shape: number[], name = 'input_layer'): { [key: string]: Json } {
  return layer('InputLayer', { batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name });
}

/** A Keras 3 Lambda layer whose function is a serialized Python lambda (base64 marshal). */
export function lambdaLayer(name: string, code: string): { [key: string]: Json } {
  return layer('Lambda', {
    name,
    function: { class_name: '__lambda__', config: { code, defaults: null, closure: null } },
    arguments: {},
  });
}

export function sequential(name: string, layers: Json[]): { [key: string]: Json } {
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name, trainable: true, dtype: DTYPE, layers },
    registered_name: null,
    build_config: { input_shape: [null, 4] },
    compile_config: {
      optimizer: {
        module: 'keras.optimizers',
        class_name: 'Adam',
        config: { name: 'adam', learning_rate: 0.001 },
        registered_name: null,
      },
      loss: 'mean_squared_error',
      metrics: null,
      loss_weights: null,
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    },
  };
}

/** A Functional model whose second layer is `inner` (a nested model or a wrapper). */
export function functional(inner: { [key: string]: Json }): { [key: string]: Json } {
  const innerName = (inner.config as { name: string }).name;
  const node = (from: string): Json => ({
    args: [
      {
        class_name: '__keras_tensor__',
        config: { shape: [null, 4], dtype: 'float32', keras_history: [from, 0, 0] },
      },
    ],
    kwargs: {},
  });
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        { ...input([4], 'x'), name: 'x', inbound_nodes: [] },
        { ...inner, name: innerName, inbound_nodes: [node('x')] },
        { ...dense('head', 1), name: 'head', inbound_nodes: [node(innerName)] },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [['head', 0, 0]],
    },
    registered_name: 'Functional',
  };
}

/** Keras 3 weights: `layers/<name>/vars/0` (kernel) and `/1` (bias), with empty `vars` groups above. */
export function kerasWeights(layers: { name: string; shape: [number, number] }[]): Uint8Array {
  const children: Record<string, H5Node> = {};
  for (const l of layers) {
    children[l.name] = {
      kind: 'group',
      children: {
        vars: {
          kind: 'group',
          children: {
            '0': { kind: 'dataset', shape: l.shape },
            '1': { kind: 'dataset', shape: [l.shape[1]] },
          },
        },
      },
    };
  }
  return writeHdf5({
    kind: 'group',
    children: {
      layers: { kind: 'group', children },
      optimizer: {
        kind: 'group',
        children: { vars: { kind: 'group', children: { '0': { kind: 'dataset', shape: [] } } } },
      },
      vars: { kind: 'group', children: {} },
    },
  });
}

const METADATA = JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-12-04@12:00:00' });

/** A .keras archive (stored entries, as Keras writes them). `extra` adds or replaces entries. */
export function kerasArchive(
  config: Json,
  extra: Record<string, Uint8Array> = {},
  weights?: Uint8Array,
): Uint8Array {
  return zipSync(
    {
      'metadata.json': strToU8(METADATA),
      'config.json': strToU8(JSON.stringify(config)),
      'model.weights.h5':
        weights ??
        kerasWeights([
          { name: 'dense', shape: [4, 8] },
          { name: 'dense_1', shape: [8, 1] },
        ]),
      ...extra,
    },
    { level: 0, mtime: FIXED_TIME },
  );
}

/** A legacy .h5 as Keras writes it (model_config and training_config as variable-length string attributes). */
export function legacyH5(config: Json, extra: Record<string, H5Node> = {}): Uint8Array {
  const layerGroup = (name: string, shape: [number, number]): H5Node => ({
    kind: 'group',
    attrs: [{ name: 'weight_names', value: `${name}/kernel` }],
    children: {
      [name]: {
        kind: 'group',
        children: { kernel: { kind: 'dataset', shape }, bias: { kind: 'dataset', shape: [shape[1]] } },
      },
    },
  });
  return writeHdf5({
    kind: 'group',
    attrs: [
      { name: 'backend', value: 'tensorflow' },
      { name: 'keras_version', value: '3.6.0' },
      { name: 'model_config', value: JSON.stringify(config), vlen: true },
      {
        name: 'training_config',
        value: JSON.stringify({
          loss: 'mean_squared_error',
          optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } },
        }),
        vlen: true,
      },
    ],
    children: {
      model_weights: {
        kind: 'group',
        attrs: [{ name: 'layer_names', value: 'dense' }],
        children: { dense: layerGroup('dense', [4, 8]), dense_1: layerGroup('dense_1', [8, 1]) },
      },
      ...extra,
    },
  });
}
