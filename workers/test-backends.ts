/** Test-only: a BackendControl that offers tfjs's CPU backend alone (Node has no WebGPU and tests avoid WASM). */
import * as tf from '@tensorflow/tfjs';
import type { BackendControl } from './train.service';

export const cpuOnly: BackendControl = {
  candidates: () => ['cpu'],
  async activate(name) {
    if (name !== 'cpu') return `${name} is not available in Node`;
    return (await tf.setBackend('cpu')) ? null : 'setBackend(cpu) failed';
  },
  webgpuAdapter: async () => null,
};
