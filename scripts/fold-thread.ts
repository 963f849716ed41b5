/**
 * One scan fold thread (scripts/fold-threads.ts): keeps the dataset it was sent, activates the scan's backend and
 * trains each fold it is given with `trainAndPredict`, exactly as the main thread would; epochs and the held-out
 * softmax go back as messages (the softmax by transfer).
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import { trainAndPredict } from '../workers/core/train/trainer';
import type { FoldThreadReply, FoldThreadRequest } from './fold-threads';

const port = parentPort;
if (!port) throw new Error('fold-thread.ts runs in a worker thread.');
let data: Extract<FoldThreadRequest, { kind: 'data' }>['data'] | null = null;
let backend: string | null = null;

async function activate(name: string): Promise<void> {
  if (backend === name) return;
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name)
    throw new Error(`The ${name} backend did not start.`);
  await tf.ready();
  prepareKernels();
  backend = name;
}

port.on('message', (message: FoldThreadRequest) => {
  if (message.kind === 'data') {
    data = message.data;
    return;
  }
  const reply = (r: FoldThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  (async () => {
    if (!data) throw new Error('No dataset was sent before the fold.');
    await activate(message.backend);
    const { task, settings } = message;
    const out = await trainAndPredict(
      data,
      task.trainRows,
      task.heldRows,
      { ...settings, seed: task.seed },
      {
        onEpoch: (e) => reply({ kind: 'epoch', fold: task.fold, epoch: e }),
      },
    );
    const probabilities = out.probabilities;
    reply(
      {
        kind: 'done',
        fold: task.fold,
        outcome: {
          status: out.status,
          probabilities,
          ...(out.nonFinite ? { nonFinite: out.nonFinite } : {}),
        },
      },
      probabilities ? [probabilities.buffer as ArrayBuffer] : [],
    );
  })().catch((error: unknown) =>
    reply({
      kind: 'error',
      fold: message.task.fold,
      message: error instanceof Error ? error.message : String(error),
    }),
  );
});
