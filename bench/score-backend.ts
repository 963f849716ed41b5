/**
 * Issue 15's separate scoring backend, measured on synth20k_flip through the real UI: the backend probe's wall time
 * (the training probe alone before, plus the scoring probe after) and the scoring stage's time, for a build of the
 * code before the change (`SIFT_DIST_BEFORE`, default dist-before) and after (`SIFT_DIST`, default dist), in turn,
 * `--repeat N` times each (default 2). Writes bench/results/score-backend.json with the load averages.
 *
 *   npx tsx bench/score-backend.ts [--repeat N]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserResult, browserRun } from './score-browser';
import { ROOT } from './serve';

const SYNTH20K = path.resolve(ROOT, '../shared/datasets/synth20k_flip/synth20k_flip.csv');
const at = process.argv.indexOf('--repeat');
const repeat = at >= 0 ? Number(process.argv[at + 1]) : 2;
const builds = {
  before: process.env.SIFT_DIST_BEFORE ?? 'dist-before',
  after: process.env.SIFT_DIST ?? 'dist',
};

const runs: Array<{ build: string } & BrowserResult> = [];
for (let r = 0; r < repeat; r++) {
  for (const [build, dist] of Object.entries(builds)) {
    process.env.SIFT_DIST = dist;
    const result = await browserRun(SYNTH20K);
    runs.push({ build, ...result });
    const probes = (result.probes ?? []).map(
      (p) => `${p.backend} ${p.probeMs?.toFixed(0)}/${p.scoringMs?.toFixed(1)}`,
    );
    console.log(
      `${build}: probe ${result.probeWallMs?.toFixed(0)} ms (${probes.join(', ')}), scores ${result.scoreMs.toFixed(0)} ms ` +
        `on ${result.backend}, cross-validation ${result.crossValMs.toFixed(0)} ms, load ${result.load?.after.join(' ')}`,
    );
  }
}
const out = path.join(ROOT, 'bench/results/score-backend.json');
writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), cores: os.cpus().length, builds, runs }, null, 2)}\n`,
);
console.log(`Wrote ${out}`);
