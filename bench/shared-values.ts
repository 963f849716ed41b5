/**
 * The shared-values steps of a calibrated image scan (issue 11's 60k scoring): the pipeline's pass over the analyst's
 * rows and the canaries together (score-all), then calibration's passes (the analyst's rows, then each canary kind's
 * rows among them: sharedValuesWithCanaries). Times each, records the process's peak RSS before and after each, and
 * prints a SHA-256 of each output, so that a change can be shown to keep the scores to the bit.
 *
 *   npx tsx bench/shared-values.ts [--zip PATH | --data CSV] [--rows N] [--runs N] [--out NAME]
 *
 * Default zip: fashion60k_badnets when generated into bench/data/, else fashion_badnets. The decoded pixels are cached
 * next to the zip's name in bench/data/ (decoding 60,000 PNGs in Node takes about a minute). `--rows`: every
 * (rows / N)-th image only.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDataset } from '../scripts/load-dataset';
import { canaryImage } from '../workers/core/calibration/calibrate';
import { injectCanaries } from '../workers/core/canary/inject';
import { imageTrainingData } from '../workers/core/ingest/images/dataset';
import {
  DEFAULT_SHARED_VALUES,
  sharedValuesInSampleOrder,
  sharedValuesWithCanaries,
} from '../workers/core/scores/shared-values';
import type { TrainingData } from '../workers/core/train/types';
import { DATASETS } from './dev-data';
import { reportHeader, saveReport } from './report';
import { ROOT } from './serve';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
// generate.mjs writes <out>/fashion60k_badnets/fashion60k_badnets.zip.
const big = [
  'fashion60k_badnets/fashion60k_badnets.zip',
  'fashion60k_badnets/fashion60k_badnets/fashion60k_badnets.zip',
]
  .map((p) => path.join(ROOT, 'bench/data', p))
  .find((p) => existsSync(p));
const zip =
  arg('--data') ?? arg('--zip') ?? big ?? path.join(DATASETS, 'fashion_badnets/fashion_badnets.zip');
const runs = Number(arg('--runs') ?? 1) || 1;

/** The file's rows as training data; a zip's decoded images are cached under bench/data/cache/. */
async function load(file: string): Promise<TrainingData> {
  const cache = path.join(ROOT, 'bench/data/cache', `${path.basename(file)}.json`);
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, 'utf8'));
    const pixels = new Uint8Array(readFileSync(`${cache}.pixels`));
    return imageTrainingData({
      pixels,
      labels: Int32Array.from(c.labels),
      classes: c.classes,
      shape: c.shape,
    });
  }
  const loaded = await loadDataset(file, { label: null, id: null });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const ds = loaded.dataset.images;
  if (ds) {
    mkdirSync(path.dirname(cache), { recursive: true });
    writeFileSync(`${cache}.pixels`, ds.pixels);
    writeFileSync(cache, JSON.stringify({ labels: [...ds.labels], classes: ds.classes, shape: ds.shape }));
  }
  return loaded.dataset.training;
}

const sha = (a: Float32Array) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/** `data` cut to `rows` rows, every (length / rows)-th (the zip's images run class by class). */
function strided(data: TrainingData, rows: number): TrainingData {
  const n = data.labels.length;
  if (!(rows > 0 && rows < n)) return data;
  const pick = Int32Array.from({ length: rows }, (_, i) => Math.floor((i * n) / rows));
  const f = data.featureCount;
  const features = new Float32Array(rows * f);
  pick.forEach((r, i) => {
    features.set(data.features.subarray(r * f, (r + 1) * f), i * f);
  });
  return { ...data, features, labels: Int32Array.from(pick, (r) => data.labels[r] as number) };
}

const data = strided(await load(zip), Number(arg('--rows') ?? 0));
const n = data.labels.length;
const injection = injectCanaries(data, { image: canaryImage(data) });
const all = Int32Array.from({ length: injection.labels.length }, (_, i) => i);
const cols = data.featureCount;
const results = [];
// The process's peak resident set (MB) so far: what the passes add on top of the rows and canaries loaded.
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const loadedMB = peakMB();
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const pipeline = sharedValuesInSampleOrder(
    injection.features,
    cols,
    all,
    DEFAULT_SHARED_VALUES,
    injection.labels,
  );
  const t1 = performance.now();
  const afterPipelineMB = peakMB();
  const calibration = sharedValuesWithCanaries(injection.features, cols, n, injection.kind, injection.labels);
  const t2 = performance.now();
  const run = {
    pipelineMs: Math.round(t1 - t0),
    calibrationMs: Math.round(t2 - t1),
    pipelineSha: sha(pipeline),
    calibrationSha: sha(calibration),
    peakRssMB: { loaded: loadedMB, afterPipeline: afterPipelineMB, afterCalibration: peakMB() },
  };
  console.log(JSON.stringify(run));
  results.push(run);
}
saveReport(arg('--out') ?? 'shared-values', {
  ...reportHeader('shared values of a calibrated image scan'),
  zip: path.relative(ROOT, zip),
  rows: n,
  added: injection.labels.length - n,
  kinds: injection.plan.kinds,
  columns: cols,
  runs: results,
});
