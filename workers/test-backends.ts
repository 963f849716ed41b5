/** Test helper: the backends Node has, for services run in-process (tfjs's CPU backend only). Not part of any worker. */
import * as tf from '@tensorflow/tfjs';
import type { BackendControl } from './train-backends';

/** Node has tfjs's CPU backend only; anything else is unavailable, as it would be in a browser without it. */
export const cpuOnly: BackendControl = {
  candidates: () => ['cpu'],
  async activate(name) {
    if (name !== 'cpu') return `${name} is not available in Node`;
    return (await tf.setBackend('cpu')) ? null : 'setBackend(cpu) failed';
  },
  webgpuAdapter: async () => null,
};
