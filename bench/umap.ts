/**
 * UMAP benchmark (issue 5, embedding map): the time of workers/core/embedding/umap.ts — the code the UMAP worker
 * runs — on real run embeddings: the headless scan trains a short run on each set (5 epochs, 2 folds of 1 epoch:
 * only the final-epoch embeddings matter here), then the layout is timed with the app's defaults (fit up to 10,000
 * points, place the rest with transform) and, for comparison, with the whole set fitted.
 *
 *   npx tsx bench/umap.ts [-- --sets digits_flip5,synth20k_flip]
 *
 * Prints one line per layout and writes bench/results/umap.json. No test asserts a time (DESIGN §6).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScan } from '../scripts/scan';
import { umap2d } from '../workers/core/embedding/umap';
import { ROOT } from './serve';

const flag = process.argv.indexOf('--sets');
const sets = (flag >= 0 ? (process.argv[flag + 1] ?? '') : 'digits_flip5,synth20k_flip').split(',');
const out = mkdtempSync(path.join(os.tmpdir(), 'sift-umap-bench-'));
const results: Record<string, unknown>[] = [];
for (const set of sets) {
  const file = path.resolve(ROOT, `../shared/datasets/${set}/${set}.csv`);
  const scan = await runScan([file, '--epochs', '5', '--folds', '2', '--cv-epochs', '1', '--out', out], {
    log: () => {},
    error: (line) => console.error(line),
  });
  if (!scan.embeddings) throw new Error(`${set}: the scan made no embeddings (exit ${scan.code})`);
  const { values, dim } = scan.embeddings;
  const n = values.length / dim;
  for (const maxFit of [10_000, n]) {
    if (maxFit === n && n <= 10_000 && results.some((r) => r.set === set)) continue;
    const started = performance.now();
    const layout = await umap2d(values, n, dim, { seed: 1, maxFit });
    if (layout.kind !== 'finished') throw new Error('cancelled');
    const row = {
      set,
      points: n,
      dim,
      fitted: layout.fitted,
      epochs: layout.epochs,
      ...layout.timings,
      totalMs: performance.now() - started,
      load: os.loadavg()[0],
    };
    results.push(row);
    console.log(
      `${set}: ${n} × ${dim}, fitted ${layout.fitted}: ${(row.totalMs / 1000).toFixed(1)} s (graph ${(row.graphMs / 1000).toFixed(1)} s, ${layout.epochs} epochs ${(row.epochsMs / 1000).toFixed(1)} s, place ${(row.placeMs / 1000).toFixed(1)} s; load ${row.load.toFixed(1)})`,
    );
  }
}
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(ROOT, 'bench/results/umap.json'),
  `${JSON.stringify({ cores: os.cpus().length, node: process.version, results }, null, 2)}\n`,
);
