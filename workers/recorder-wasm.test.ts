/**
 * The recording pass on WASM reads each chunk's blocks in place on the heap (workers/core/train/recorder.ts): it gives
 * the CPU backend's values, chunk after chunk and in any row order, and makes no concatenated copy. Here rather than
 * beside the core file, because only workers/ may load a backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from './core/random';
import { buildModel } from './core/train/model';
import { type PassValues, recordPass } from './core/train/recorder';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const ROWS = 11;
const FEATURES = 4;
const CLASSES = 3;
// Every row but two, out of order, in chunks of 3 (the last chunk short).
const ORDER = Int32Array.from([7, 2, 9, 0, 4, 10, 1, 5, 3]);

/** One seeded pass on `backend`, with the tfjs kernels it called. */
async function passOn(backend: string, withOutputs: boolean) {
  await tf.setBackend(backend);
  await tf.ready();
  const start = tf.memory().numTensors;
  const rng = createRng(5);
  const x = tf.tensor2d(
    Float32Array.from({ length: ROWS * FEATURES }, () => 2 * rng.next() - 1),
    [ROWS, FEATURES],
  );
  const y = tf.tensor1d(
    Int32Array.from({ length: ROWS }, (_, i) => i % CLASSES),
    'int32',
  );
  const m = buildModel({ kind: 'mlp', featureCount: FEATURES, classCount: CLASSES, hidden: [6] }, 3);
  let pass: PassValues | null = null;
  const profile = await tf.profile(async () => {
    pass = await recordPass(m, x, y, ORDER, { batchSize: 3, withOutputs });
    return [];
  });
  tf.dispose([x, y]);
  m.model.dispose();
  if (!pass) throw new Error(`recordPass on ${backend} gave no values`);
  return { pass: pass as PassValues, kernels: profile.kernelNames, leaked: tf.memory().numTensors - start };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i])), `${what}[${i}]`).toBeLessThan(1e-5);
}

describe('recordPass on WASM', () => {
  for (const withOutputs of [true, false]) {
    it(`gives CPU's values ${withOutputs ? 'with' : 'without'} the softmax and embeddings, without a Concat`, async () => {
      const cpu = await passOn('cpu', withOutputs);
      const wasm = await passOn('wasm', withOutputs);
      for (const key of ['probAssigned', 'margin', 'loss', 'lastLayerGradSq'] as const) {
        close(wasm.pass[key], cpu.pass[key], key);
      }
      expect(Array.from(wasm.pass.correct)).toEqual(Array.from(cpu.pass.correct));
      expect(wasm.pass.embeddings === undefined).toBe(!withOutputs);
      if (withOutputs) {
        close(wasm.pass.probs ?? [], cpu.pass.probs ?? [Number.NaN], 'probs');
        close(wasm.pass.embeddings ?? [], cpu.pass.embeddings ?? [Number.NaN], 'embeddings');
        // Every row's softmax sums to 1: the blocks landed at their rows, not shifted by a chunk.
        const probs = wasm.pass.probs ?? new Float32Array();
        for (let r = 0; r < ORDER.length; r++) {
          const sum = probs.subarray(r * CLASSES, (r + 1) * CLASSES).reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
        }
        // CPU reads one concatenated block; WASM reads the three in place.
        expect(cpu.kernels).toContain('Concat');
      }
      expect(wasm.kernels).not.toContain('Concat');
      expect(wasm.leaked).toBe(0);
    });
  }
});
