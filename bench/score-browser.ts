/**
 * The browser half of bench:score (bench/score.ts): synth20k_flip through the real UI of the production build, with
 * the figures the app stored for the run and its scoring.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { importThroughApp, launchChromium, ROOT, startPreview } from './serve';

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
}

/** synth20k_flip through the real UI of the production build: import, train (defaults), score (defaults). */
export async function browserRun(csv: string): Promise<BrowserResult> {
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
    const page = await browser.newPage();
    await importThroughApp(page, port, csv);
    await page.getByRole('button', { name: 'Train a model' }).click();
    await page.getByTestId('backend-choice').waitFor({ timeout: 120_000 });
    const t0 = performance.now();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.locator('[data-testid="shown-run"][data-status="done"]').waitFor({ timeout: 1_200_000 });
    await page.getByTestId('score-start').click();
    await page.getByTestId('score-summary').waitFor({ timeout: 1_800_000 });
    const wallMs = performance.now() - t0;
    const stored = await page.evaluate(
      () =>
        new Promise<{
          run: { elapsedMs: number };
          score: {
            backend: { backend: string } | null;
            timings: { crossValMs: number; scoreMs: number; totalMs: number };
            scoreSet: { timings: Record<string, number> };
          };
        }>((resolve, reject) => {
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
      backend: stored.score.backend?.backend ?? '',
      trainMs: stored.run.elapsedMs,
      crossValMs: stored.score.timings.crossValMs,
      scoreMs: stored.score.timings.scoreMs,
      pipelineMs: stored.run.elapsedMs + stored.score.timings.totalMs,
      wallMs,
      scoreStages: stored.score.scoreSet.timings,
    };
  } finally {
    await browser.close();
    server.kill();
  }
}
