/**
 * One recording pass (workers/core/train/recorder.ts) over 20,000 rows × 32 features with the softmax and embeddings,
 * the synth20k-sized MLP, on WASM in Node: median and fastest of 15 (issue 15: the pass runs every epoch).
 *
 *   npx tsx bench/record-pass.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { buildModel } from '../workers/core/train/model';
import { recordPass } from '../workers/core/train/recorder';

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  const n = 20_000;
  const features = 32;
  const classes = 4;
  const x = tf.randomNormal([n, features], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => i % classes),
    'int32',
  );
  const m = buildModel({ kind: 'mlp', featureCount: features, classCount: classes, hidden: [64] }, 1);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const times: number[] = [];
  for (let k = 0; k < 15; k++) {
    const t = performance.now();
    await recordPass(m, x, y, rows, { withOutputs: true });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const load = os.loadavg().map((v) => v.toFixed(2));
  console.log(
    `record pass, ${n} rows: median ${times[7]?.toFixed(1)} ms, fastest ${times[0]?.toFixed(1)} ms (load ${load.join(' ')})`,
  );
}

main();
