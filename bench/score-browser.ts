/**
 * The browser half of bench:score (bench/score.ts): synth20k_flip through the real UI of the production build, with
 * the figures the app stored for the run and its scoring.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../app/db/run-schema';
import type { ScoreRecord } from '../app/db/score-schema';
import { importThroughApp, launchChromium, ROOT, startPreview } from './serve';
import { PROFILE_CATEGORIES } from './trace-profile';

/** Figures of the pipeline in the browser, read from what the app stored (run and score records). */
export interface BrowserResult {
  set: string;
  /** Set when these figures were not measured by this run: the time of the results file they were kept from. */
  keptFrom?: string;
  dist: string;
  backend: string;
  trainMs: number;
  crossValMs: number;
  scoreMs: number;
  /** Run + scoring job, as the app measured them. */
  pipelineMs: number;
  /** Wall clock from the Start training click to the summary, measured here. */
  wallMs: number;
  scoreStages: Record<string, number>;
  /** Wall clock of the backend probe (a fresh profile probes on opening the training screen), measured here. */
  probeWallMs?: number;
  /** The probe's figures per backend (ms): the training probe and the scoring probe (issue 15). */
  probes?: Array<{ backend: string; probeMs?: number; scoringMs?: number }>;
  /** The sentence the scoring's backend came with. */
  backendReason?: string;
  /**
   * The page's long tasks (over 50 ms, the Long Tasks API) while the run trained and while it was scored (calibrated,
   * the app's default; issue 10: no main-thread task over 50 ms): how many and the longest, in ms.
   */
  longTasks?: Record<'training' | 'scoring', { count: number; longestMs: number }>;
  /** Whether the scoring was calibrated on canaries (the app's default). */
  calibrated?: boolean;
  /** os.loadavg() (1, 5, 15 min) before the import and after the summary: the machine is shared. */
  load?: { before: number[]; after: number[] };
}

const loadNow = () => os.loadavg().map((v) => Number(v.toFixed(2)));

/** The run's and the scoring's figures, from records that must have finished (a union on `status`). */
function figuresOf(run: RunRecord | undefined, score: ScoreRecord | undefined) {
  if (run?.status !== 'done') throw new Error(`the stored run is ${run?.status ?? 'missing'}, not done`);
  if (score?.status !== 'done')
    throw new Error(`the stored scoring is ${score?.status ?? 'missing'}, not done: ${score?.message ?? ''}`);
  return {
    backend: score.backend.backend,
    backendReason: score.backend.reason,
    trainMs: run.elapsedMs,
    crossValMs: score.timings.crossValMs,
    scoreMs: score.timings.scoreMs,
    pipelineMs: run.elapsedMs + score.timings.totalMs,
    scoreStages: score.scoreSet.timings,
  };
}

/**
 * synth20k_flip through the real UI of the production build: import, train (defaults), score (defaults; with
 * `calibrate: false`, "Calibrate on canaries" unticked: the headless scan's `--no-calibrate` work).
 */
export async function browserRun(csv: string, options: { calibrate?: boolean } = {}): Promise<BrowserResult> {
  const dist = process.env.SIFT_DIST ?? 'dist';
  if (!existsSync(path.join(ROOT, dist, 'index.html'))) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', dist], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  const port = Number(process.env.SIFT_BENCH_PORT ?? 4317);
  const server = await startPreview(port, dist);
  const browser = await launchChromium();
  try {
    const before = loadNow();
    const page = await browser.newPage();
    // e2e/helpers' watchLongTasks as text: tsx wraps a function's inner functions in its own `__name` helper,
    // which the page does not have, so a function handed over would throw there (the control below caught it).
    await page.addInitScript(`window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });`);
    await importThroughApp(page, port, csv);
    /** The long tasks since the last call, then a fresh list. */
    const longTasksSince = () =>
      page.evaluate(() => {
        const tasks = window.__longTasks ?? [];
        window.__longTasks = [];
        return { count: tasks.length, longestMs: Math.round(Math.max(0, ...tasks)) };
      });
    const tProbe = performance.now();
    await page.getByRole('button', { name: 'Train a model' }).click();
    await page.getByTestId('backend-choice').waitFor({ timeout: 120_000 });
    const probeWallMs = performance.now() - tProbe;
    const cached = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('sift.backendProbes'))
        .map((k) => localStorage.getItem(k) ?? ''),
    );
    const probes = cached.flatMap((text) => (JSON.parse(text) as Pick<BrowserResult, 'probes'>).probes ?? []);
    const t0 = performance.now();
    await longTasksSince();
    // SIFT_TRACE=<prefix>: Chromium traces of the training and of the scoring, with every thread's V8 samples
    // (<prefix>-train.json, <prefix>-score.json; bench/trace-profile.ts reads them; build with --minify false).
    const trace = process.env.SIFT_TRACE;
    if (trace)
      await browser.startTracing(page, { path: `${trace}-train.json`, categories: PROFILE_CATEGORIES });
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.locator('[data-testid="shown-run"][data-status="done"]').waitFor({ timeout: 1_200_000 });
    if (trace) await browser.stopTracing();
    const training = await longTasksSince();
    if (trace)
      await browser.startTracing(page, { path: `${trace}-score.json`, categories: PROFILE_CATEGORIES });
    if (options.calibrate === false) await page.getByTestId('score-calibrate').uncheck();
    await page.getByTestId('score-start').click();
    await page.getByTestId('score-summary').waitFor({ timeout: 1_800_000 });
    if (trace) await browser.stopTracing();
    const scoring = await longTasksSince();
    // A control: a 120 ms task of the page's own (a timer's, as the app's tasks are) must show, or the observer saw
    // nothing at all.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          setTimeout(() => {
            const end = performance.now() + 120;
            while (performance.now() < end) {}
            setTimeout(resolve, 100);
          }, 0);
        }),
    );
    const control = await longTasksSince();
    if (control.count === 0)
      throw new Error('the long-task observer missed a 120 ms task: its figures mean nothing');
    const wallMs = performance.now() - t0;
    const after = loadNow();
    const stored = await page.evaluate(
      () =>
        new Promise<{ run: RunRecord | undefined; score: ScoreRecord | undefined }>((resolve, reject) => {
          const open = indexedDB.open('sift');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['runs', 'scores'], 'readonly');
            const runs = tx.objectStore('runs').getAll();
            const scores = tx.objectStore('scores').getAll();
            tx.oncomplete = () => {
              db.close();
              resolve({ run: runs.result[0], score: scores.result[0] });
            };
          };
        }),
    );
    return {
      set: 'synth20k_flip',
      dist,
      ...figuresOf(stored.run, stored.score),
      wallMs,
      probeWallMs,
      probes: probes.map(({ backend, probeMs, scoringMs }) => ({ backend, probeMs, scoringMs })),
      longTasks: { training, scoring },
      calibrated: options.calibrate !== false,
      load: { before, after },
    };
  } finally {
    await browser.close();
    server.kill();
  }
}
