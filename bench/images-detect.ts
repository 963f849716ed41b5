/**
 * Detection on the image development sets (issue 11): the headless scan with the settings that ship (CNN on WASM,
 * default epochs, 5-fold cross-validation), then, against each set's truth file (keyed by path), AUROC, average
 * precision and top-k precision (k = the number poisoned) of the default suspicion and of every single score.
 *
 *   npx tsx bench/images-detect.ts [--sets fashion_badnets,fashion_flip] [--epochs N] [--cv-epochs N]
 *
 * Writes bench/results/images-detect.json. Takes minutes per set on this 2-core machine.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScan } from '../scripts/scan';
import { auroc } from '../workers/core/metrics/auroc';
import { DATASETS } from './dev-data';
import { reportHeader } from './report';
import { ROOT } from './serve';

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

/** Average precision: the mean, over positives, of the precision at each one's rank (scores descending). */
export function averagePrecision(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[b] - scores[a] || a - b,
  );
  let hits = 0;
  let sum = 0;
  order.forEach((i, rank) => {
    if (truth[i]) {
      hits++;
      sum += hits / (rank + 1);
    }
  });
  return hits ? sum / hits : Number.NaN;
}

/** Share of positives among the top k (k = the number of positives). */
export function topKPrecision(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < truth.length; i++) k += truth[i] ? 1 : 0;
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[b] - scores[a] || a - b,
  );
  let hits = 0;
  for (const i of order.slice(0, k)) hits += truth[i] ? 1 : 0;
  return k ? hits / k : Number.NaN;
}

function truthOf(name: string, ids: string[]): Uint8Array {
  const lines = readFileSync(path.join(DATASETS, name, `${name}.truth.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const poisoned = new Map(lines.map((l) => l.split(',')).map(([id, p]) => [id, p === '1']));
  return Uint8Array.from(ids, (id) => {
    const p = poisoned.get(id);
    if (p === undefined) throw new Error(`${id} is not in the truth file of ${name}`);
    return p ? 1 : 0;
  });
}

const round = (v: number) => Number(v.toFixed(4));

async function main(): Promise<void> {
  const sets = (arg('sets') ?? 'fashion_badnets,fashion_flip').split(',');
  const extra = [
    ...(arg('epochs') ? ['--epochs', arg('epochs') ?? ''] : []),
    ...(arg('cv-epochs') ? ['--cv-epochs', arg('cv-epochs') ?? ''] : []),
  ];
  const results = [];
  for (const name of sets) {
    const out = mkdtempSync(path.join(tmpdir(), `sift-${name}-`));
    const lines: string[] = [];
    const report = await runScan([path.join(DATASETS, name, `${name}.zip`), ...extra, '--out', out], {
      log: (l) => {
        lines.push(l);
        if (/^(training|cross-validation|done)/.test(l)) console.log(`${name}: ${l}`);
      },
      error: (l) => console.error(l),
    });
    const set = report.scoreSet;
    const ds = report.dataset;
    if (report.code !== 0 || !set || !ds) throw new Error(`scan of ${name} failed (${report.code})`);
    // The scan records every row in dataset order, so sample j is row j.
    if (set.suspicion.length !== ds.rows)
      throw new Error(`${name}: ${set.suspicion.length} scores for ${ds.rows} rows`);
    const truth = truthOf(name, ds.ids);
    const measure = (scores: ArrayLike<number>) => ({
      auroc: round(auroc(scores, truth)),
      ap: round(averagePrecision(scores, truth)),
      topK: round(topKPrecision(scores, truth)),
    });
    const single = Object.fromEntries(Object.entries(set.scores).map(([k, v]) => [k, measure(v)]));
    const best = Object.entries(single).sort((a, b) => b[1].auroc - a[1].auroc)[0];
    const row = {
      set: name,
      rows: ds.rows,
      poisoned: truth.reduce((a, v) => a + v, 0),
      backend: report.backend,
      timings: Object.fromEntries(Object.entries(report.timings).map(([k, v]) => [k, Math.round(v)])),
      suspicion: measure(set.suspicion),
      best: { score: best?.[0], ...best?.[1] },
      single,
      validationAccuracy: lines.filter((l) => /^ {2}epoch \d+\/\d+: .*validation/.test(l)).at(-1),
    };
    console.log(
      JSON.stringify({ set: name, suspicion: row.suspicion, best: row.best, timings: row.timings }),
    );
    results.push(row);
  }
  const file = path.join(ROOT, 'bench/results/images-detect.json');
  writeFileSync(
    file,
    `${JSON.stringify({ ...reportHeader('images-detect'), command: `npx tsx bench/images-detect.ts ${process.argv.slice(2).join(' ')}`, results }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

await main();
