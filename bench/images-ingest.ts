/**
 * Image import in Node (the scan's path: core catalog and import, pure-JS decoders): preview and import time and
 * peak RSS for an image zip. Median of `--runs` (default 3).
 *
 *   npx tsx bench/images-ingest.ts [--zip PATH ...]   (default: fashion_badnets, and fashion60k_badnets when generated
 *                                                     into bench/data/ by its generate.mjs)
 *
 * Writes bench/results/images-ingest.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeImageDecoder } from '../scripts/image-decoder';
import { ingestImages, previewImages } from '../workers/core/ingest/images/ingest-images';
import { DEFAULT_IMAGE_LIMITS } from '../workers/core/ingest/images/types';
import { memorySource, zipSource } from '../workers/core/ingest/images/zip';
import { DATASETS } from './dev-data';
import { reportHeader } from './report';
import { ROOT } from './serve';

const zips = process.argv.includes('--zip')
  ? process.argv.slice(process.argv.indexOf('--zip') + 1).filter((a) => !a.startsWith('--'))
  : [
      path.join(DATASETS, 'fashion_badnets/fashion_badnets.zip'),
      path.join(ROOT, 'bench/data/fashion60k_badnets/fashion60k_badnets.zip'),
    ].filter((p) => existsSync(p));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 3) || 3;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;

const results = [];
for (const file of zips) {
  const bytes = new Uint8Array(readFileSync(file));
  const preview: number[] = [];
  const ingest: number[] = [];
  let rows = 0;
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const source = await zipSource(memorySource(bytes), path.basename(file), DEFAULT_IMAGE_LIMITS.maxEntries);
    const p = await previewImages(source, DEFAULT_IMAGE_LIMITS);
    const t1 = performance.now();
    const ds = p && (await ingestImages(source, p.suggested, DEFAULT_IMAGE_LIMITS, nodeImageDecoder()));
    const t2 = performance.now();
    preview.push(t1 - t0);
    ingest.push(t2 - t1);
    rows = ds?.rows ?? 0;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const row = {
    file: path.relative(ROOT, file),
    rows,
    megabytes: Number((bytes.length / 1e6).toFixed(1)),
    previewMs: Math.round(median(preview)),
    importMs: Math.round(median(ingest)),
    totalMs: Math.round(median(preview.map((v, i) => v + (ingest[i] ?? 0)))),
    peakRssMB: Math.round(peak / 1e6),
  };
  console.log(JSON.stringify(row));
  results.push(row);
}
writeFileSync(
  path.join(ROOT, 'bench/results/images-ingest.json'),
  `${JSON.stringify({ ...reportHeader('images-ingest'), runs, results }, null, 2)}\n`,
);
