/**
 * Switching tfjs's backend and checking that the switch took: tfjs falls back silently (`setBackend` resolves false,
 * or `getBackend()` names another); then preparing its kernels. Shared by the browser's workers (workers/backend.ts)
 * and the Node benchmarks.
 */
import * as tf from '@tensorflow/tfjs';
import { errorText } from './core/error-text';
import type { BackendName } from './core/train/backend-choice';
import { prepareKernels } from './core/train/backend-kernels';

/** Makes `name` the active backend; null when it took, else why not. */
export async function activateBackend(name: BackendName): Promise<string | null> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    return errorText(error);
  }
  const now = tf.getBackend();
  if (!ok || now !== name) return `tf.setBackend('${name}') did not take (active: ${now ?? 'none'})`;
  await tf.ready();
  // The CNN's gradient kernels WASM lacks, and its faster transposed products (core/train/backend-kernels.ts).
  prepareKernels();
  return null;
}
