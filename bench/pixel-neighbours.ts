/**
 * The cost of the images' third label question (workers/core/calibration/pixel-neighbours.ts) in a calibrated scan:
 * an image zip's rows plus its canaries, pooled and searched on the WASM backend as the scan does, with the kNN
 * settings the scan uses (exact up to 10,000 rows, IVF above).
 *
 *   npx tsx bench/pixel-neighbours.ts [--zip PATH] [--runs N] [--out NAME]
 *
 * Default zip: fashion_flip (6,000 images). Prints each run's time and the machine's load; saves
 * bench/results/<out>.json (default pixel-neighbours).
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../scripts/load-dataset';
import { canaryImage } from '../workers/core/calibration/calibrate';
import { pixelNeighbourDisagreement } from '../workers/core/calibration/pixel-neighbours';
import { injectCanaries } from '../workers/core/canary/inject';
import { defaultScoreParams } from '../workers/core/scores/defaults';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import { DATASETS } from './dev-data';
import { reportHeader, saveReport } from './report';
import { ROOT } from './serve';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const zip = arg('--zip') ?? path.join(DATASETS, 'fashion_flip/fashion_flip.zip');
const runs = Number(arg('--runs') ?? 3) || 3;

const loaded = await loadDataset(zip, { label: null, id: null });
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const data = loaded.dataset.training;
const shape = canaryImage(data);
if (!shape) throw new Error(`${zip} holds no images`);
await tf.setBackend('wasm');
await tf.ready();
prepareKernels();
const injection = injectCanaries(data, { image: shape });
const params = defaultScoreParams();
const results = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  await pixelNeighbourDisagreement(injection.features, shape, injection.labels, params.knn, params.seed);
  const run = { ms: Math.round(performance.now() - t0), load: loadavg() };
  console.log(JSON.stringify(run));
  results.push(run);
}
saveReport(arg('--out') ?? 'pixel-neighbours', {
  ...reportHeader('the images’ pixel-neighbour question in a calibrated scan'),
  zip: path.relative(ROOT, zip),
  rows: data.labels.length,
  added: injection.labels.length - data.labels.length,
  shape,
  runs: results,
});
