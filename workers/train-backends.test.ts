/**
 * The backend a CNN run gets in a fresh train worker: the app probes the backends in another worker and hands the
 * probes over, so this worker has never activated WASM when it judges WASM by its kernels. WASM's filter gradient is
 * composed (core/train/backend-kernels.ts), so WASM must still win when it measured fastest; it fell back to the CPU
 * backend before, ~50× slower on the image demo. Node loads tfjs's WASM backend here, as wasm-kernels.test.ts does.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { activateBackend } from './activate';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/defaults';
import type { RunId } from './train.api';
import { createTrainService, syntheticData } from './train.service';
import type { BackendControl } from './train-backends';

const wasmAndCpu: BackendControl = {
  candidates: () => ['wasm', 'cpu'],
  activate: activateBackend,
  webgpuAdapter: async () => null,
};

describe('choosing a backend for a CNN in a fresh worker', () => {
  it('trains on WASM when its probe was fastest, though this worker never activated it', async () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const images = syntheticData(40, 16, 2, 3);
    const outcome = await createTrainService(wasmAndCpu).start(
      {
        runId: 'fresh-worker' as RunId,
        data: { ...images, image: { width: 4, height: 4 } },
        settings: { ...DEFAULT_TRAIN_SETTINGS, model: 'cnn', epochs: 1, batchSize: 16 },
        thresholds: {},
        classNames: ['a', 'b'],
        backend: {
          probes: [
            { backend: 'cpu', available: true, probeMs: 5 },
            { backend: 'wasm', available: true, probeMs: 1 },
          ],
          override: null,
        },
      },
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.backend.backend).toBe('wasm');
    expect(outcome.result.backend.reason).not.toContain('cannot train');
    expect(outcome.result.status).toBe('completed');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('the backend sentence of a run', () => {
  it("ends the choice's reason with the runtime's word on how the backend runs (WASM's threads)", async () => {
    const said: string[] = [];
    const described: BackendControl = {
      ...wasmAndCpu,
      describe: (name) => {
        said.push(name);
        return name === 'cpu' ? 'CPU runs on this worker alone.' : null;
      },
    };
    const outcome = await createTrainService(described).start(
      {
        runId: 'described' as RunId,
        data: syntheticData(40, 4, 2, 3),
        settings: { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, batchSize: 16 },
        thresholds: {},
        classNames: ['a', 'b'],
        backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: 'cpu' },
      },
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.backend.backend).toBe('cpu');
    expect(said).toEqual(['cpu']);
    expect(outcome.result.backend.reason).toMatch(
      /^CPU is forced by the backend setting\. .*CPU runs on this worker alone\.$/,
    );
  });
});
