/**
 * The review at scale (issue 5): the 200k scale set through the real UI (import, a 2-epoch run, a short 2-fold
 * scoring), then the review table: 200,000 rows counted, only a window of them in the DOM, the end reachable by
 * scrolling, sorting by id, j/k. Prints each phase's wall time and the main thread's long tasks while the review
 * opens and is used (a 200 ms bound is the target; see the note at the end). No time is asserted (DESIGN §6).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { importCsv, openApp, waitIdle } from './helpers';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GENERATOR = path.resolve(HERE, '../../shared/datasets/synth200k_flip/generate.mjs');
const ROWS = 200_000;
const LONG_TASK_MS = 200;
/** The most one review interaction may block the main thread at 200k rows (measured ~270 ms; the aim is LONG_TASK_MS). */
const INTERACTION_GUARD_MS = 500;

type Tasks = { longTasks: { start: number; duration: number }[] };

/** The long tasks observed since the page loaded (the observer is installed before any app script runs). */
async function longTasks(page: Page): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(() => (window as unknown as Tasks).longTasks.slice());
}

async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

let dir = '';

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-scale-'));
  execFileSync(process.execPath, [GENERATOR, '--out', dir], { stdio: 'ignore' });
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('review of 200,000 samples: virtualised, sortable, scrollable to the end, j/k; no interaction blocks for long', async ({
  page,
}) => {
  test.setTimeout(480_000);
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as Tasks).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const phases: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    phases[name] = Date.now() - t;
    console.log(`scale: ${name} ${(phases[name] / 1000).toFixed(1)} s`);
    t = Date.now();
  };

  await openApp(page);
  await importCsv(page, path.join(dir, 'synth200k_flip.csv'));
  await expect(page.getByTestId('overview-rows')).toHaveAttribute('data-value', String(ROWS));
  lap('import');

  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-phase')).toHaveAttribute('data-phase', 'idle', { timeout: 240_000 });
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'done');
  lap('train');

  await page.getByTestId('score-folds').fill('2');
  await page.getByTestId('score-cv-epochs').fill('1');
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-summary')).toBeVisible({ timeout: 300_000 });
  await waitIdle(page);
  lap('score');

  // From here on every long task counts: the review's load and its interactions.
  const since = await now(page);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await waitIdle(page);
  const rows = page.getByTestId('review-row');
  await expect(rows.first()).toBeVisible();
  lap('review open');
  const opened = await now(page);

  const table = page.getByTestId('review-table');
  await expect(table.locator('caption')).toHaveText('200,000 of 200,000 samples');
  await expect(table).toHaveAttribute('aria-rowcount', String(ROWS + 1));
  // Virtualised: a window of rows, not 200,000 of them.
  const inDom = await rows.count();
  expect(inDom).toBeGreaterThan(5);
  expect(inDom).toBeLessThan(200);

  // Sorting by id (a new column sorts descending): the first row is the last id.
  await table.getByRole('button', { name: 'Id', exact: true }).click();
  await expect(table.locator('th[aria-sort="descending"]')).toHaveText(/^Id/);
  await expect(rows.first()).toHaveAttribute('data-id', 'syn200k-199999');

  // Scrolling the table's container to its end shows the last rows, still only a window of them.
  const scroller = page.locator('.review-scroll');
  await scroller.scrollIntoViewIfNeeded();
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(rows.last()).toHaveAttribute('data-id', 'syn200k-000000');
  await expect(rows.last()).toBeInViewport();
  expect(await rows.count()).toBeLessThan(200);

  // j/k move the focus through the table's order, from a clicked row near the end.
  const third = rows.nth(-3);
  const thirdRow = await third.getAttribute('data-row');
  const secondRow = await rows.nth(-2).getAttribute('data-row');
  const lastRow = await rows.nth(-1).getAttribute('data-row');
  await third.click();
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', thirdRow ?? '');
  await page.getByTestId('review-view').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', lastRow ?? '');
  await page.keyboard.press('k');
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', secondRow ?? '');
  await expect(page.locator(`[data-testid="review-row"][data-row="${secondRow}"]`)).toHaveClass(/focus/);

  // Back to the top: the first id again.
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(rows.first()).toHaveAttribute('data-id', 'syn200k-199999');
  await waitIdle(page);
  lap('review interactions');

  const tasks = (await longTasks(page)).filter((task) => task.start >= since);
  const longest = (from: number, to: number) =>
    Math.max(
      0,
      ...tasks.filter((task) => task.start >= from && task.start < to).map((task) => task.duration),
    );
  const end = await now(page);
  console.log(
    `scale: longest long task while the review opened ${longest(since, opened).toFixed(0)} ms, ` +
      `during its interactions ${longest(opened, end).toFixed(0)} ms (${tasks.length} long tasks)`,
  );
  console.log(
    `scale: phases ${JSON.stringify(phases)}; long tasks over ${LONG_TASK_MS} ms: ` +
      JSON.stringify(
        tasks.filter((task) => task.duration > LONG_TASK_MS).map((task) => Math.round(task.duration)),
      ),
  );
  // The maps draw their 200k points once into a points layer (app/charts/scatter.ts pointsLayer) and copy it on
  // each focus or selection change; that took the interactions' longest task from ~850 ms to ~270 ms here. 200 ms
  // is the aim and is not met yet: the guard below catches a return to whole redraws. Opening the review (reading
  // the run from IndexedDB and handing it to the worker, ~0.9 s) is printed, not asserted.
  expect(
    tasks
      .filter((task) => task.start >= opened && task.duration > INTERACTION_GUARD_MS)
      .map((t) => t.duration),
  ).toEqual([]);
});
