/**
 * Training benchmark: samples per second of one epoch of the default MLP (64 hidden, Adam, batches of 64, 20%
 * validation) on synth20k_flip and digits_flip5, for every backend headless Chromium offers, through the app's
 * real train worker (the built `train.worker-*.js`, driven over comlink from the page).
 *
 *   npm run bench:train [-- --rebuild] [-- --webgpu-ms 20000] [-- --max-ms 180000]
 *
 * WebGPU here is Chromium's software adapter (SwiftShader, 50-100× slower than WASM): it is capped at
 * `--webgpu-ms` (default 20 s) and reported for the part of the epoch it trained. Every backend gets a fresh worker.
 * The page is opened with CSP bypassed only so the bench can inject comlink's UMD build to talk to the worker.
 * Writes bench/results/train.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config';
import type { BackendName } from '../workers/core/train/backend-choice';
import { DEFAULT_TRAIN_SETTINGS } from '../workers/core/train/defaults';
import type { TrainSettings } from '../workers/core/train/types';
import type { BenchmarkResult } from '../workers/train.api';
import { type DevData, loadCsv } from './dev-data';
import { reportHeader } from './report';
import { freePort, ROOT, startPreview } from './serve';

const RESULTS = path.join(ROOT, 'bench/results/train.json');
const CHROMIUM = process.env.SIFT_CHROMIUM ?? '/usr/bin/chromium';
/** The same launch flags as the e2e tests. */
const CHROMIUM_ARGS = playwrightConfig.use?.launchOptions?.args ?? [];
const BACKENDS: BackendName[] = ['wasm', 'webgl', 'cpu', 'webgpu'];

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

function ensureBuild(): void {
  if (existsSync(path.join(ROOT, 'dist/index.html')) && arg('rebuild') === undefined) return;
  console.log('building the app …');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

function trainWorkerAsset(): string {
  const assets = readdirSync(path.join(ROOT, 'dist/assets'));
  const worker = assets.find((f) => /^train\.worker-.*\.js$/.test(f));
  if (!worker) throw new Error('dist/assets has no train.worker-*.js: rebuild with --rebuild.');
  return `/assets/${worker}`;
}

/** Runs `benchmark` in a fresh train worker of the built app. */
async function benchmarkInPage(
  page: Page,
  workerUrl: string,
  data: DevData,
  settings: TrainSettings,
  backend: BackendName,
  maxMs: number,
): Promise<BenchmarkResult> {
  return page.evaluate(
    async ({ workerUrl, data, settings, backend, maxMs }) => {
      type Remote = { benchmark(request: unknown): Promise<BenchmarkResult> };
      const comlink = (window as unknown as { Comlink: { wrap(w: Worker): Remote } }).Comlink;
      const worker = new Worker(workerUrl, { type: 'module' });
      try {
        return await comlink.wrap(worker).benchmark({
          data: {
            features: Float32Array.from(data.features),
            featureCount: data.featureCount,
            labels: Int32Array.from(data.labels),
            classCount: data.classCount,
          },
          settings,
          backend,
          maxMs,
        });
      } finally {
        worker.terminate();
      }
    },
    { workerUrl, data, settings, backend, maxMs },
  );
}

interface Row {
  dataset: string;
  rows: number;
  backend: BackendName;
  result: BenchmarkResult;
  capMs: number;
}

async function main(): Promise<void> {
  ensureBuild();
  const workerUrl = trainWorkerAsset();
  const maxMs = Number(arg('max-ms') ?? 180_000);
  const webgpuMs = Number(arg('webgpu-ms') ?? 20_000);
  const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1 };
  const datasets = ['synth20k_flip', 'digits_flip5'].map((name) => ({ name, data: loadCsv(name) }));
  const port = await freePort();
  const server = await startPreview(port);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const rows: Row[] = [];
  try {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.addScriptTag({ path: path.join(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js') });
    for (const { name, data } of datasets) {
      for (const backend of BACKENDS) {
        const capMs = backend === 'webgpu' ? webgpuMs : maxMs;
        process.stdout.write(`${name} on ${backend} … `);
        const result = await benchmarkInPage(page, workerUrl, data, settings, backend, capMs);
        rows.push({ dataset: name, rows: data.rows, backend, result, capMs });
        console.log(
          result.ok
            ? `${Math.round(result.samplesPerSecond)} samples/s${result.completed ? '' : ` (capped at ${capMs / 1000} s: ${result.batches} batches)`}`
            : `unavailable: ${result.error}`,
        );
      }
    }
    console.table(
      rows.map(({ dataset, backend, result, capMs }) => ({
        dataset,
        backend,
        'samples/s': result.ok ? Math.round(result.samplesPerSecond) : '—',
        'steady samples/s': result.ok ? Math.round(result.steadySamplesPerSecond) : '—',
        batches: result.batches,
        'batch s': (result.batchMs / 1000).toFixed(2),
        'epoch s (with recording pass)': Number.isFinite(result.epochMs)
          ? (result.epochMs / 1000).toFixed(2)
          : '—',
        note: result.ok
          ? result.completed
            ? ''
            : `part of an epoch (capped at ${capMs / 1000} s)`
          : (result.error ?? 'unavailable'),
      })),
    );
    const report = {
      ...reportHeader('train'),
      chromium: browser.version(),
      chromiumArgs: CHROMIUM_ARGS,
      settings,
      note:
        'samplesPerSecond: rows trained / time from the first batch start to the last batch end; steady: without the ' +
        'first two batches; epochMs adds the end-of-epoch recording pass. WebGPU is the software adapter here.',
      results: rows,
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
