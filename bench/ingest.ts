/**
 * Ingest benchmark: imports the 200k-row scale set through the real UI of the production build in headless
 * Debian Chromium, and reports the app's phase timings and the tab's peak memory.
 *
 *   npm run bench:ingest [-- --runs 3] [-- --rebuild] [-- --builds dist-before,dist] [-- --out ingest-ab]
 *     [-- --trace /tmp/ingest-trace.json]  (each thread's V8 samples during the import: bench/trace-profile.ts)
 *
 * Each run first times pandas' `read_csv` of the same file (issue 15's reference; /usr/bin/python3), then imports
 * once with each build named by `--builds` (default `dist`), so builds and pandas are timed in turn under the same
 * load. Writes bench/results/<out>.json (default ingest.json). Memory: the renderer process's resident set (VmRSS and VmHWM from /proc,
 * covering the page, its ingest worker and their heaps), and the page's JS heap from CDP
 * `Performance.getMetrics`, sampled every 50 ms while the import runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { jsHeapUsedMB, type ProcessInfo, processInfo, procMemory } from '../e2e/tab-memory';
import playwrightConfig from '../playwright.config';
import { reportHeader } from './report';
import { freePort, ROOT, startPreview } from './serve';
import { pandasReadCsvMs } from './torch-reference';
import { PROFILE_CATEGORIES } from './trace-profile';

const DATA_DIR = path.join(ROOT, 'bench/data/synth200k_flip');
const CSV = path.join(DATA_DIR, 'synth200k_flip.csv');
const GENERATOR = path.resolve(ROOT, '../shared/datasets/synth200k_flip/generate.mjs');
const CHROMIUM = process.env.SIFT_CHROMIUM ?? '/usr/bin/chromium';
/** The same launch flags as the e2e tests. */
const CHROMIUM_ARGS = playwrightConfig.use?.launchOptions?.args ?? [];
const TARGET_MS = 4000;
const TARGET_MB = 400;

interface ImportTimings {
  readMs: number;
  parseMs: number;
  workerMs: number;
  transferMs: number;
  storeMs: number;
  totalMs: number;
}

interface RunResult {
  run: number;
  /** The build imported with (a folder of ROOT). */
  build: string;
  /** pandas' read_csv of the same file, timed just before this run's imports (null: pandas is missing). */
  pandasMs: number | null;
  /** Load average (1 min) before the run. */
  load1: number;
  chromium: string;
  rows: number;
  /** Wall clock from the Import click to the overview's "Imported … rows" line, measured by the bench. */
  wallMs: number;
  /** Time from choosing the file to the import form (worker start-up and preview). */
  previewMs: number;
  timings: ImportTimings;
  /** CPU seconds used from the Import click to the summary, by Chromium process type (renderer, browser, …). */
  cpuSeconds: Record<string, number>;
  memory: {
    /** Renderer resident set before the import (page loaded, file previewed). */
    rendererRssBeforeMB: number;
    /** Largest renderer resident set sampled during the import. */
    rendererRssPeakMB: number;
    /** The renderer's high-water mark (VmHWM) at the end: catches peaks between samples. */
    rendererHwmMB: number;
    /** Largest JS heap in use on the page's main thread (CDP Performance.getMetrics). */
    pageJsHeapPeakMB: number;
    samples: number;
  };
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

function ensureData(): void {
  if (existsSync(CSV)) return;
  console.log(`generating ${path.relative(ROOT, CSV)} …`);
  execFileSync(process.execPath, [GENERATOR, '--out', DATA_DIR], { stdio: 'inherit' });
}

function ensureBuild(): void {
  if (existsSync(path.join(ROOT, 'dist/index.html')) && arg('rebuild') === undefined) return;
  console.log('building the app …');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** CPU seconds each process type used between two snapshots: contention-proof, unlike wall time. */
function cpuByType(before: ProcessInfo[], after: ProcessInfo[]): Record<string, number> {
  const start = new Map(before.map((p) => [p.id, p.cpuTime]));
  const used: Record<string, number> = {};
  for (const p of after) used[p.type] = (used[p.type] ?? 0) + p.cpuTime - (start.get(p.id) ?? 0);
  return used;
}

async function waitIdle(page: Page): Promise<void> {
  await page.locator('[data-testid="app-root"][data-state="idle"]').waitFor({ timeout: 120_000 });
}

/** One import in a fresh browser, so the renderer's high-water mark belongs to this run alone. */
async function runOnce(url: string, run: number, build: string, pandasMs: number | null): Promise<RunResult> {
  const load1 = os.loadavg()[0] ?? 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await waitIdle(page);
    // The tab's renderer is the one that appeared with it; take every renderer and keep the largest.
    const pids = (await processInfo(browser)).filter((p) => p.type === 'renderer').map((p) => p.id);
    const previewStart = performance.now();
    await page.getByLabel('CSV file').setInputFiles(CSV);
    await page.getByRole('button', { name: 'Import', exact: true }).waitFor({ timeout: 120_000 });
    await waitIdle(page);
    const previewMs = performance.now() - previewStart;
    const before = Math.max(0, ...pids.map((pid) => procMemory(pid)?.rss ?? 0));

    let sampling = true;
    let rssPeak = before;
    let heapPeak = 0;
    let samples = 0;
    const sampler = (async () => {
      while (sampling) {
        for (const pid of pids) rssPeak = Math.max(rssPeak, procMemory(pid)?.rss ?? 0);
        heapPeak = Math.max(heapPeak, await jsHeapUsedMB(cdp));
        samples++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const cpuBefore = await processInfo(browser);
    // A Chromium trace of the import alone, with every thread's V8 samples (bench/trace-profile.ts reads it).
    const trace = arg('trace');
    if (trace !== undefined)
      await browser.startTracing(page, { path: trace, categories: PROFILE_CATEGORIES });
    const start = performance.now();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = page.getByTestId('import-summary');
    let wallMs: number;
    let cpuSeconds: Record<string, number>;
    try {
      await Promise.race([
        summary.waitFor({ timeout: 120_000 }),
        page
          .getByTestId('import-error')
          .waitFor({ timeout: 120_000 })
          .then(async () => {
            throw new Error(`the import failed: ${await page.getByTestId('import-error').textContent()}`);
          }),
      ]);
      wallMs = performance.now() - start;
      cpuSeconds = cpuByType(cpuBefore, await processInfo(browser));
    } finally {
      if (trace !== undefined) await browser.stopTracing();
      sampling = false;
      await sampler;
    }
    await waitIdle(page);
    const hwm = Math.max(0, ...pids.map((pid) => procMemory(pid)?.hwm ?? 0));
    const timings = JSON.parse((await summary.getAttribute('data-timings')) ?? '{}') as ImportTimings;
    const rows = Number(await summary.getAttribute('data-rows'));
    return {
      run,
      build,
      pandasMs,
      load1,
      chromium: browser.version(),
      rows,
      wallMs,
      previewMs,
      timings,
      cpuSeconds,
      memory: {
        rendererRssBeforeMB: before,
        rendererRssPeakMB: rssPeak,
        rendererHwmMB: hwm,
        pageJsHeapPeakMB: heapPeak,
        samples,
      },
    };
  } finally {
    await browser.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function printTable(results: RunResult[]): void {
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = results.map((r) => ({
    run: r.run,
    build: r.build,
    load: r.load1.toFixed(1),
    pandas: r.pandasMs === null ? '–' : fmt(r.pandasMs),
    'app / pandas': r.pandasMs === null ? '–' : (r.timings.totalMs / r.pandasMs).toFixed(2),
    rows: r.rows,
    read: fmt(r.timings.readMs),
    'parse+validate+hash': fmt(r.timings.parseMs),
    'worker total': fmt(r.timings.workerMs),
    transfer: fmt(r.timings.transferMs),
    store: fmt(r.timings.storeMs),
    'total (app)': fmt(r.timings.totalMs),
    'wall (bench)': fmt(r.wallMs),
    'CPU renderer': `${(r.cpuSeconds.renderer ?? 0).toFixed(2)} s`,
    'CPU browser': `${(r.cpuSeconds.browser ?? 0).toFixed(2)} s`,
    'renderer RSS before': `${r.memory.rendererRssBeforeMB.toFixed(0)} MB`,
    'renderer RSS peak': `${r.memory.rendererRssPeakMB.toFixed(0)} MB`,
    'renderer HWM': `${r.memory.rendererHwmMB.toFixed(0)} MB`,
    'page JS heap peak': `${r.memory.pageJsHeapPeakMB.toFixed(0)} MB`,
  }));
  console.table(rows);
}

/** Per build: median app total, median pandas time of its runs, and the median of the runs' app / pandas ratios. */
function perBuild(results: RunResult[], builds: string[]) {
  return builds.map((build) => {
    const mine = results.filter((r) => r.build === build);
    const paired = mine.filter((r) => r.pandasMs !== null);
    return {
      build,
      medianTotalMs: median(mine.map((r) => r.timings.totalMs)),
      medianParseMs: median(mine.map((r) => r.timings.parseMs)),
      medianPandasMs: paired.length ? median(paired.map((r) => r.pandasMs ?? 0)) : null,
      medianRatioToPandas: paired.length
        ? median(paired.map((r) => r.timings.totalMs / (r.pandasMs ?? Number.NaN)))
        : null,
    };
  });
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(arg('runs') ?? 3));
  const builds = (arg('builds') ?? 'dist').split(',').filter((b) => b !== '');
  const resultsFile = path.join(ROOT, 'bench/results', `${arg('out') ?? 'ingest'}.json`);
  ensureData();
  ensureBuild();
  for (const build of builds) {
    if (!existsSync(path.join(ROOT, build, 'index.html'))) throw new Error(`${build}/index.html is missing`);
  }
  const bytes = statSync(CSV).size;
  const servers = await Promise.all(
    builds.map(async (build) => {
      const port = await freePort();
      return { build, port, child: await startPreview(port, build) };
    }),
  );
  try {
    const results: RunResult[] = [];
    for (let run = 1; run <= runs; run++) {
      const pandasMs = pandasReadCsvMs(CSV);
      console.log(
        `run ${run}: pandas read_csv ${pandasMs === null ? 'unavailable' : `${(pandasMs / 1000).toFixed(2)} s`}`,
      );
      for (const { build, port } of servers) {
        const result = await runOnce(`http://127.0.0.1:${port}/`, run, build, pandasMs);
        results.push(result);
        console.log(
          `run ${run} ${build}: ${result.rows} rows in ${(result.timings.totalMs / 1000).toFixed(2)} s, renderer peak ${result.memory.rendererRssPeakMB.toFixed(0)} MB`,
        );
      }
    }
    printTable(results);
    const last = builds[builds.length - 1];
    const current = results.filter((r) => r.build === last);
    const totalMs = median(current.map((r) => r.timings.totalMs));
    const peakMB = Math.max(
      ...current.map((r) => Math.max(r.memory.rendererRssPeakMB, r.memory.rendererHwmMB)),
    );
    const report = {
      ...reportHeader('ingest'),
      chromium: results[0]?.chromium ?? 'unknown',
      file: { path: path.relative(ROOT, CSV), bytes },
      builds: perBuild(results, builds),
      medianTotalMs: totalMs,
      peakRendererMB: peakMB,
      targets: {
        totalMs: TARGET_MS,
        peakMB: TARGET_MB,
        totalMet: totalMs < TARGET_MS,
        peakMet: peakMB < TARGET_MB,
      },
      runs: results,
    };
    mkdirSync(path.dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    for (const b of report.builds) {
      console.log(
        `${b.build}: median total ${(b.medianTotalMs / 1000).toFixed(2)} s, median app / pandas ${b.medianRatioToPandas?.toFixed(2) ?? '–'}`,
      );
    }
    console.log(
      `${last}: peak renderer ${peakMB.toFixed(0)} MB (target < ${TARGET_MB} MB: ${report.targets.peakMet ? 'met' : 'NOT met'})`,
    );
    console.log(`wrote ${path.relative(ROOT, resultsFile)}`);
  } finally {
    for (const s of servers) s.child.kill();
  }
}

await main();
