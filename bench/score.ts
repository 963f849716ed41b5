/**
 * Scoring benchmark (issue 4): the headless scan's timings per phase and per score family, and its peak memory,
 * for synth20k_flip (the whole pipeline: train + dynamics + all scores + 5-fold CV), calibrated on canaries as the
 * scan runs by default and with `--no-calibrate` (issue 10: the calibrated scan may take at most twice the
 * uncalibrated one), and the 200k scale set (a short uncalibrated training, for the embedding scores at scale: the
 * kNN target); the recall of the approximate kNN index against exact kNN on a 20k sample; and the same pipeline in
 * the browser through the real UI for synth20k_flip.
 *
 *   npm run bench:score [-- --skip-200k] [-- --skip-browser] [-- --only-browser] [-- --cv-epochs N] [-- --repeat N]
 *     [-- --no-reference] [-- --results NAME]
 *
 * Each headless scan runs in a child process so its peak resident set (maxRSS) is its own. synth20k runs `--repeat`
 * times (default 3) calibrated and uncalibrated in turn, each with the load average before it; the summary gives the
 * best and the median of the pipeline (ingest + train + cross-validation + scores, and calibration's own steps when
 * calibrated) and of the whole scan (with writing scores.csv and the manifest), and the ratio of the medians. A
 * skipped set keeps its figures from the last run. Writes bench/results/score.json (or NAME.json) and prints a
 * table. No test asserts a time (DESIGN §6).
 * When Debian's python3-torch is installed, each uncalibrated synth20k scan is followed by the PyTorch CPU reference
 * on the same CSV (`bench/torch-reference.ts`, issue 15), and the summary prints Sift (uncalibrated, as the reference
 * does no calibration) / reference per stage and whole process, with the load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserResult, browserRun } from './score-browser';
import { ROOT } from './serve';
import {
  compareWithReference,
  type ReferenceRun,
  referenceUnavailable,
  runReference,
} from './torch-reference';

const SYNTH20K = path.resolve(ROOT, '../shared/datasets/synth20k_flip/synth20k_flip.csv');
const DATA_200K = path.join(ROOT, 'bench/data/synth200k_flip');
const SYNTH200K = path.join(DATA_200K, 'synth200k_flip.csv');
const GENERATOR = path.resolve(ROOT, '../shared/datasets/synth200k_flip/generate.mjs');
const RESULTS = path.join(ROOT, 'bench/results', `${arg('results') ?? 'score'}.json`);

interface ChildResult {
  set: string;
  args: string[];
  /** 1-minute load average just before the child started (other work on the machine slows it). */
  load1?: number;
  /** Set when this entry was not measured by this run: the time of the results file it was kept from (it is at least that old). */
  keptFrom?: string;
  code: number;
  backend: string;
  rows: number;
  /** ms by phase (ingest, train, crossVal, score, total) and `score:<stage>` per scoring stage. */
  timings: Record<string, number>;
  peakRssMB: number;
  /** ms from spawn to exit of the child: Node and tsx start, imports and the scan. */
  wallMs?: number;
  knnApproximate: boolean;
  recall?: { recall: number; queries: number; approxMs: number; exactMs: number };
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

/** Child mode: one scan in this process, its figures printed as one JSON line. */
async function child(): Promise<void> {
  const at = process.argv.indexOf('--child');
  const set = process.argv[at + 1] ?? '';
  const recall = process.argv.includes('--recall');
  let scanArgs = process.argv.slice(at + 2).filter((a) => a !== '--recall');
  const { runScan, parseScanArgs } = await import('../scripts/scan');
  try {
    parseScanArgs(scanArgs);
  } catch {
    // A scan without canary calibration has no --no-calibrate: it already does the reference's work.
    scanArgs = scanArgs.filter((a) => a !== '--no-calibrate');
  }
  const report = await runScan(scanArgs, { log: (l) => console.error(l), error: (l) => console.error(l) });
  const out: ChildResult = {
    set,
    args: scanArgs,
    code: report.code,
    backend: report.backend ?? '',
    rows: report.dataset?.rows ?? 0,
    timings: report.timings,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    knnApproximate: report.scoreSet?.knnApproximate ?? false,
  };
  if (recall && report.embeddings) {
    const { measureKnnRecall } = await import('../workers/core/scores/knn');
    const n = out.rows;
    const r = await measureKnnRecall(report.embeddings.values, n, report.embeddings.dim, 10, {
      seed: 1,
      nprobe: report.scoreSet?.params.knn.nprobe ?? 8,
      nlist: report.scoreSet?.params.knn.nlist ?? 0,
      queries: 20_000,
    });
    out.recall = { recall: r.recall, queries: r.queries, approxMs: r.approximateMs, exactMs: r.exactMs };
    out.peakRssMB = process.resourceUsage().maxRSS / 1024;
  }
  console.log(`RESULT ${JSON.stringify(out)}`);
}

function runChild(set: string, args: string[]): Promise<ChildResult> {
  const load1 = Number(os.loadavg()[0].toFixed(2));
  const t0 = performance.now();
  return new Promise<ChildResult>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', set, ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) console.log(`  [${set}] ${line}`);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`${set}: the scan child exited ${code} without a result`));
      else resolve({ ...(JSON.parse(line.slice(7)) as ChildResult), load1, wallMs: performance.now() - t0 });
    });
  });
}

/**
 * ms of the pipeline: ingest, training with its per-epoch dynamics, cross-validation and every score, and,
 * when calibrated, the canaries and the fusion (the training, folds and scores then run on the rows plus canaries).
 */
function pipelineMs(r: ChildResult): number {
  return (
    r.timings.ingest + r.timings.train + r.timings.crossVal + r.timings.score + (r.timings.calibration ?? 0)
  );
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Best and median over repeated runs of one set. */
function summarize(runs: ChildResult[]) {
  const pipeline = runs.map(pipelineMs);
  const total = runs.map((r) => r.timings.total);
  return {
    runs: runs.length,
    pipelineMs: { best: Math.min(...pipeline), median: median(pipeline), each: pipeline },
    totalMs: { best: Math.min(...total), median: median(total), each: total },
    load1: runs.map((r) => r.load1 ?? Number.NaN),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
  };
}

function table(results: ChildResult[]): string {
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.timings)))];
  const lines = [`${'ms'.padEnd(28)}${results.map((r) => r.set.padStart(18)).join('')}`];
  for (const k of keys) {
    lines.push(
      `${k.padEnd(28)}${results.map((r) => (r.timings[k] ?? Number.NaN).toFixed(0).padStart(18)).join('')}`,
    );
  }
  lines.push(
    `${'peak RSS MB'.padEnd(28)}${results.map((r) => r.peakRssMB.toFixed(0).padStart(18)).join('')}`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cvEpochs = arg('cv-epochs');
  const repeat = Math.max(1, Number(arg('repeat') ?? 3) || 1);
  const results: ChildResult[] = [];
  const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));
  const loadBefore = load();

  const previous = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as {
        createdAt?: string;
        headless?: ChildResult[];
        browser?: BrowserResult | null;
      })
    : null;
  if (arg('only-browser') !== undefined) {
    // Browser figures only; the headless ones of the last run are kept.
    const browser = await browserRun(SYNTH20K);
    const kept = { ...previous, browser };
    writeFileSync(RESULTS, `${JSON.stringify(kept, null, 2)}\n`);
    console.log(JSON.stringify(browser, null, 2));
    return;
  }
  const runs20k: ChildResult[] = [];
  const plain20k: ChildResult[] = [];
  const args20k = [
    SYNTH20K,
    '--label',
    'label',
    '--id',
    'id',
    '--out',
    path.join(os.tmpdir(), 'sift-bench-20k'),
    ...(cvEpochs ? ['--cv-epochs', cvEpochs] : []),
  ];
  const noReference = arg('no-reference') !== undefined ? 'not asked for' : referenceUnavailable();
  if (noReference) console.log(`PyTorch reference skipped: ${noReference}`);
  const references: Array<ReferenceRun & { load1: number }> = [];
  for (let i = 0; i < repeat; i++) {
    console.log(`synth20k_flip: the whole pipeline (default settings, 5-fold CV), run ${i + 1}/${repeat} …`);
    runs20k.push(await runChild('synth20k_flip', args20k));
    console.log(`synth20k_flip uncalibrated (--no-calibrate), run ${i + 1}/${repeat} …`);
    plain20k.push(await runChild('synth20k_flip (uncalibrated)', [...args20k, '--no-calibrate']));
    if (!noReference) {
      // Side by side: the reference right after the uncalibrated scan, so both see about the same load.
      const load1 = Number(os.loadavg()[0].toFixed(2));
      console.log(`  PyTorch reference on the same CSV (load ${load1}) …`);
      references.push({ ...(await runReference(SYNTH20K)), load1 });
    }
  }
  const comparison = references.length ? compareWithReference(plain20k, references) : null;
  const synth20k = summarize(runs20k);
  const synth20kUncalibrated = summarize(plain20k);
  const calibrationCost = Number(
    (synth20k.pipelineMs.median / synth20kUncalibrated.pipelineMs.median).toFixed(3),
  );
  // The table and `headless` show the run with the median pipeline time; `synth20k` keeps every run.
  const medianRun = runs20k.find((r) => pipelineMs(r) === synth20k.pipelineMs.median) ?? runs20k[0];
  results.push(medianRun);
  const medianPlain =
    plain20k.find((r) => pipelineMs(r) === synth20kUncalibrated.pipelineMs.median) ?? plain20k[0];
  results.push(medianPlain);

  const previous200k = previous?.headless?.find((r) => r.set === 'synth200k_flip');
  if (arg('skip-200k') !== undefined) {
    if (previous200k)
      results.push({ ...previous200k, keptFrom: previous200k.keptFrom ?? previous?.createdAt });
  } else {
    if (!existsSync(SYNTH200K)) {
      console.log('generating synth200k_flip …');
      execFileSync(process.execPath, [GENERATOR, '--out', DATA_200K], { stdio: 'inherit' });
    }
    // The 200k target is the kNN scores (< 60 s); a short training gives the embeddings they run on.
    console.log('synth200k_flip: 2 epochs, 2 folds × 1 epoch, every score, kNN recall on 20k queries …');
    results.push(
      await runChild('synth200k_flip', [
        SYNTH200K,
        '--label',
        'label',
        '--id',
        'id',
        '--epochs',
        '2',
        '--folds',
        '2',
        '--cv-epochs',
        '1',
        '--no-calibrate',
        '--out',
        path.join(os.tmpdir(), 'sift-bench-200k'),
        '--recall',
      ]),
    );
  }

  const out = {
    createdAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', loadBefore, loadAfter: load() },
    targets: { synth20kPipelineMs: 15_000, knn200kMs: 60_000, recall: 0.95, calibrationCost: 2 },
    synth20k: { ...synth20k, each: runs20k },
    synth20kUncalibrated: { ...synth20kUncalibrated, each: plain20k },
    /** Median calibrated pipeline over median uncalibrated pipeline (issue 10: at most 2). */
    calibrationCost,
    reference: comparison ? { ...comparison, each: references } : null,
    headless: results,
    browser: null as BrowserResult | null,
    /** The browser with "Calibrate on canaries" unticked: the same work as the uncalibrated headless scan. */
    browserUncalibrated: null as BrowserResult | null,
  };
  if (arg('skip-browser') === undefined) {
    const said = (b: BrowserResult, headless: number) =>
      console.log(
        `browser (${b.backend}${b.calibrated ? '' : ', uncalibrated'}): train ${(b.trainMs / 1000).toFixed(1)} s, CV ${(b.crossValMs / 1000).toFixed(1)} s, ` +
          `scores ${(b.scoreMs / 1000).toFixed(1)} s, pipeline ${(b.pipelineMs / 1000).toFixed(1)} s: ` +
          `${(b.pipelineMs / headless).toFixed(2)}× the headless median`,
      );
    console.log('synth20k_flip in the browser (real UI, default settings) …');
    out.browser = await browserRun(SYNTH20K);
    said(out.browser, synth20k.pipelineMs.median);
    console.log('synth20k_flip in the browser, "Calibrate on canaries" unticked …');
    out.browserUncalibrated = await browserRun(SYNTH20K, { calibrate: false });
    said(out.browserUncalibrated, synth20kUncalibrated.pipelineMs.median);
  } else if (existsSync(RESULTS)) {
    // Keep the last browser figures when this run skips the browser.
    const kept = previous?.browser;
    out.browser = kept ? { ...kept, keptFrom: kept.keptFrom ?? previous?.createdAt } : null;
  }
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  console.log(table(results));
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `synth20k_flip pipeline (ingest + train + CV + scores), ${repeat} run(s): best ${sec(synth20k.pipelineMs.best)} s, ` +
      `median ${sec(synth20k.pipelineMs.median)} s; whole scan with its files: best ${sec(synth20k.totalMs.best)} s, ` +
      `median ${sec(synth20k.totalMs.median)} s; 1-min load before each run ${synth20k.load1.join(' / ')}`,
  );
  console.log(
    `synth20k_flip uncalibrated: best ${sec(synth20kUncalibrated.pipelineMs.best)} s, median ${sec(synth20kUncalibrated.pipelineMs.median)} s; ` +
      `calibrated / uncalibrated (medians) ${calibrationCost}`,
  );
  for (const r of results)
    if (r.recall)
      console.log(`${r.set}: kNN recall@10 ${r.recall.recall.toFixed(4)} on ${r.recall.queries} queries`);
  if (comparison) console.log(comparison.table);
  console.log(`load average before ${loadBefore.join(' / ')}, after ${out.machine.loadAfter.join(' / ')}`);
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

if (process.argv.includes('--child')) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
