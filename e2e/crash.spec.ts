/**
 * Crashes and reloads (issue 6): a worker killed in the middle of training or scoring fails its job with the reason
 * within seconds, offers a retry on another backend that completes, and leaves every stored dataset, run, score set
 * and decision as it was; a reload in the middle of scoring or of an import leaves nothing half-written showing as
 * complete. Workers are killed for real: `close()` evaluated inside the worker ends it as a crash would, without a
 * word to the page. A fatal fault a worker reports itself (a lost WebGPU device) fails the run with its message.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import {
  datasetRow,
  importCsv,
  openApp,
  reloadToStart,
  sharedDataset,
  storedRecordCounts,
  uploadCsv,
  waitIdle,
} from './helpers';
import { DIGITS, runPhase, setSettings, startTraining, waitRunEnded } from './train-helpers';

/** What the app's IndexedDB holds: record counts per store, and the status of every run and scoring by id. */
interface Snapshot {
  counts: Record<string, number>;
  runs: Record<string, string>;
  scores: Record<string, string>;
}

const STORES = [
  'datasets',
  'datasetArrays',
  'datasetFiles',
  'runs',
  'runCurves',
  'runDynamics',
  'scores',
  'decisions',
  'decisionLog',
];

async function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(
    (names) =>
      new Promise<Snapshot>((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(names, 'readonly');
          const out: Snapshot = { counts: {}, runs: {}, scores: {} };
          for (const name of names) {
            const request = tx.objectStore(name).count();
            request.onsuccess = () => {
              out.counts[name] = request.result;
            };
          }
          for (const [store, into] of [
            ['runs', out.runs],
            ['scores', out.scores],
          ] as const) {
            const request = tx.objectStore(store).getAll();
            request.onsuccess = () => {
              for (const r of request.result as { id: string; status: string }[]) into[r.id] = r.status;
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    STORES,
  );
}

/**
 * Ends the page's one live worker whose script is `script` (train, score) from the inside, as a crash would: the
 * worker tells the page nothing. `close()` runs on a timer so the evaluation itself returns first.
 */
async function killWorker(page: Page, script: 'train' | 'score' | 'fold', live = 1): Promise<void> {
  const workers = page.workers().filter((w) => w.url().includes(`/${script}.worker`));
  expect(workers, `live ${script} workers`).toHaveLength(live);
  await workers[0]?.evaluate('setTimeout(() => close(), 0)');
}

/**
 * Cross-validation epochs for a job that is killed or reloaded: enough that its folds train for seconds, so the job
 * cannot end before the kill lands. With 10, digits' whole job took under 3 s, and a loaded machine once finished it
 * before the worker ran the kill.
 */
const KILL_EPOCHS = 40;

/** Waits, polling every 50 ms, until the folds are training (before that the job is still loading its data). */
async function firstFoldTraining(page: Page): Promise<void> {
  await expect
    .poll(async () => (await page.getByTestId('score-stage').textContent()) ?? '', {
      timeout: 60_000,
      intervals: [50],
    })
    .toMatch(/0 of 2 folds done; training epoch/);
}

/** Digits imported and a run of `epochs` epochs trained to the end, on the training screen. */
async function trainedDigits(page: Page, epochs: number): Promise<void> {
  await openApp(page);
  await importCsv(page, DIGITS);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await setSettings(page, { Epochs: String(epochs) });
  await startTraining(page);
  await waitRunEnded(page, 'done');
}

/** The stored dataset's training screen after a reload. */
async function reopenTraining(page: Page, name: string): Promise<void> {
  await reloadToStart(page);
  await datasetRow(page, name).getByRole('button', { name: 'Open' }).click();
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('train-view')).toBeVisible();
}

test('a train worker killed mid-run fails the run with the reason; the retry on another backend completes; nothing stored is lost', async ({
  page,
}) => {
  test.setTimeout(400_000);
  // An earlier run that must survive the crash.
  await trainedDigits(page, 2);
  await waitIdle(page);
  const before = await snapshot(page);
  const earlierRun = Object.keys(before.runs)[0] ?? '';
  expect(before.runs).toEqual({ [earlierRun]: 'done' });

  await setSettings(page, { Epochs: '20' });
  await startTraining(page);
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'running');
  await expect
    .poll(async () => Number(await page.getByTestId('train-progress').getAttribute('data-steps')))
    .toBeGreaterThan(0);
  const backend = (await page.getByTestId('run-backend').getAttribute('data-backend')) ?? '';
  const killedAt = Date.now();
  await killWorker(page, 'train');

  // Failed with the reason within a few seconds, and a retry offered on another backend.
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'failed', { timeout: 10_000 });
  expect(Date.now() - killedAt).toBeLessThan(10_000);
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('train-error')).toContainText('stopped unexpectedly');
  const retry = page.getByTestId('train-retry');
  const other = backend === 'webgpu' || backend === 'webgl' || backend === 'cpu' ? 'wasm' : 'cpu';
  await expect(retry).toHaveAttribute('data-backend', other);
  await waitIdle(page);

  // The dataset, the earlier run and its dynamics are as they were; the killed run is stored as failed.
  const after = await snapshot(page);
  const failedRun = Object.keys(after.runs).find((id) => id !== earlierRun) ?? '';
  expect(after.runs).toEqual({ [earlierRun]: 'done', [failedRun]: 'failed' });
  expect(after.counts).toEqual({ ...before.counts, runs: 2, runCurves: 2 });
  expect(await storedRecordCounts(page)).toEqual({ datasets: 1, datasetArrays: 1, datasetFiles: 1 });

  // The retry trains the same settings on the other backend, to the end, in a fresh worker.
  await retry.click();
  await waitRunEnded(page, 'done', 300_000);
  await expect(page.getByTestId('run-backend')).toHaveAttribute('data-backend', other);
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await waitIdle(page);
  const retried = await snapshot(page);
  expect(Object.values(retried.runs).sort()).toEqual(['done', 'done', 'failed']);
  expect(retried.counts.runDynamics).toBe(2);

  // After a reload the failed run still says why and still offers the retry.
  await reopenTraining(page, 'digits_flip5');
  await page
    .locator('[data-testid="run-row"][data-status="failed"]')
    .getByRole('button', { name: 'Open' })
    .click();
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('train-retry')).toHaveAttribute('data-backend', other);
});

test('a score worker killed mid-scoring fails the job with the reason; the retry completes; a reload mid-scoring shows as interrupted; scores and decisions stay', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await trainedDigits(page, 3);
  const runBackend = (await page.getByTestId('run-backend').getAttribute('data-backend')) ?? '';
  await page.getByTestId('score-folds').fill('2');
  await page.getByTestId('score-cv-epochs').fill('10');
  // This spec is about the uncalibrated path; calibration (on by default) has e2e/calibration.spec.ts.
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  const summary = page.getByTestId('score-summary');
  await expect(summary).toBeVisible({ timeout: 300_000 });
  const firstScores = (await summary.getAttribute('data-score-id')) ?? '';

  // One decision, so there is one to lose.
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('review-row').first().click();
  await page.getByTestId('quarantine').click();
  await expect(page.getByTestId('quarantined-count')).toHaveAttribute('data-count', '1');
  await waitIdle(page);

  await reopenTraining(page, 'digits_flip5');
  await expect(summary).toHaveAttribute('data-score-id', firstScores);
  const before = await snapshot(page);
  expect(before.counts.decisions).toBe(1);

  // Kill the score worker during cross-validation.
  await page.getByTestId('score-folds').fill('2');
  await page.getByTestId('score-cv-epochs').fill(String(KILL_EPOCHS));
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  await firstFoldTraining(page);
  const killedAt = Date.now();
  await killWorker(page, 'score');
  const status = page.getByTestId('score-status');
  await expect(status).toHaveAttribute('data-status', 'failed', { timeout: 10_000 });
  expect(Date.now() - killedAt).toBeLessThan(10_000);
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('score-error')).toContainText('stopped unexpectedly');
  const other = runBackend === 'webgpu' || runBackend === 'webgl' || runBackend === 'cpu' ? 'wasm' : 'cpu';
  const again = page.getByTestId('score-again');
  await expect(again).toHaveAttribute('data-backend', other);
  // The earlier score set is still the one on show; the dataset, runs and the decision are untouched.
  await expect(summary).toHaveAttribute('data-score-id', firstScores);
  await waitIdle(page);
  const afterKill = await snapshot(page);
  const killedJob = Object.keys(afterKill.scores).find((id) => id !== firstScores) ?? '';
  expect(afterKill.scores).toEqual({ [firstScores]: 'done', [killedJob]: 'failed' });
  expect(afterKill.counts).toEqual({ ...before.counts, scores: 2 });
  expect(afterKill.runs).toEqual(before.runs);

  // The retry scores with the same parameters on the other backend, to the end.
  await again.click();
  await expect(page.getByTestId('score-stage')).toBeVisible();
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle', {
    timeout: 400_000,
  });
  await expect(summary).not.toHaveAttribute('data-score-id', firstScores);
  const retriedScores = (await summary.getAttribute('data-score-id')) ?? '';
  await expect(summary).toContainText(`scored on ${other}`);
  await expect(page.getByTestId('score-params')).toContainText(
    `2-fold cross-validation (${KILL_EPOCHS} epochs)`,
  );
  await waitIdle(page);
  expect((await snapshot(page)).scores[retriedScores]).toBe('done');

  // A reload in the middle of scoring: that job shows as interrupted, with a way to start it again, and the run
  // still shows the last complete score set; the decision stays.
  await page.getByTestId('score-folds').fill('2');
  await page.getByTestId('score-cv-epochs').fill(String(KILL_EPOCHS));
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  await firstFoldTraining(page);
  await reopenTraining(page, 'digits_flip5');
  await expect(status).toHaveAttribute('data-status', 'interrupted');
  await expect(summary).toHaveAttribute('data-score-id', retriedScores);
  await waitIdle(page);
  const afterReload = await snapshot(page);
  const interrupted = Object.keys(afterReload.scores).filter(
    (id) => afterReload.scores[id] === 'interrupted',
  );
  expect(interrupted).toHaveLength(1);
  expect(afterReload.counts).toEqual({ ...before.counts, scores: 4 });
  expect(afterReload.runs).toEqual(before.runs);
  await expect(again).toHaveText('Score again with the same settings');
  await again.click();
  await expect(page.getByTestId('score-stage')).toBeVisible();
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle', {
    timeout: 300_000,
  });
  await expect(summary).not.toHaveAttribute('data-score-id', retriedScores);
  await expect(status).toHaveCount(0);
  await expect(page.getByTestId('score-params')).toContainText(
    `2-fold cross-validation (${KILL_EPOCHS} epochs)`,
  );
});

test('a cross-validation worker killed mid-fold fails the score job with the reason; scoring again completes', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await trainedDigits(page, 3);
  const score = async (epochs: number) => {
    await page.getByTestId('score-folds').fill('2');
    await page.getByTestId('score-cv-epochs').fill(String(epochs));
    await page.getByTestId('score-calibrate').uncheck();
    await page.getByTestId('score-start').click();
  };
  // Two folds of a run on WASM (the measured choice here): the score worker trains them in a pool of two fold workers
  // when two cores are free for it (workers/fold-pool.ts). Ten times the usual kill's epochs: a fold worker runs the
  // kill when its training yields, and a fold that ended first would leave an idle worker to die unnoticed.
  await score(10 * KILL_EPOCHS);
  await firstFoldTraining(page);
  // Both fold workers hold their life lock, and long enough for the pool's watch (a look every 50 ms, workers/life.ts)
  // to have seen it: one fold training says nothing of the other, and a worker that dies before its watch has seen its
  // lock is seen only through its error event, which close() does not fire.
  await expect
    .poll(
      () =>
        page.evaluate(
          async () =>
            (await navigator.locks.query()).held?.filter((l) => l.name?.startsWith('sift-worker:fold-'))
              .length ?? 0,
        ),
      { timeout: 60_000, intervals: [50] },
    )
    .toBe(2);
  await page.waitForTimeout(250);
  const killedAt = Date.now();
  await killWorker(page, 'fold', 2);
  await expect(page.getByTestId('score-status')).toHaveAttribute('data-status', 'failed', {
    timeout: 10_000,
  });
  expect(Date.now() - killedAt).toBeLessThan(10_000);
  await expect(page.getByTestId('score-error')).toContainText(
    'A cross-validation worker stopped unexpectedly: it crashed, ran out of memory or was closed.',
  );
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle');
  // The job's fold workers went with it; scoring again starts a fresh pool and runs to the end.
  await expect.poll(() => page.workers().filter((w) => w.url().includes('/fold.worker')).length).toBe(0);
  await score(10);
  await expect(page.getByTestId('score-summary')).toBeVisible({ timeout: 400_000 });
  await expect(page.getByTestId('score-params')).toContainText('2-fold cross-validation (10 epochs)');
});

test('a reload in the middle of an import stores nothing, and the stored datasets stay whole', async ({
  page,
}, testInfo) => {
  // 10 copies of synth20k_flip (ids made unique) so the import runs long enough to be cut short.
  const [header, ...rows] = readFileSync(sharedDataset('synth20k_flip'), 'utf8').trimEnd().split('\n');
  const big = testInfo.outputPath('synth200k_copies.csv');
  const parts = [header];
  for (let copy = 0; copy < 10; copy++) for (const row of rows) parts.push(`c${copy}-${row}`);
  writeFileSync(big, `${parts.join('\n')}\n`);

  await openApp(page);
  await importCsv(page, DIGITS);
  await page.getByRole('button', { name: '← All datasets' }).click();
  await uploadCsv(page, big);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-progress')).toContainText(/[1-9][\d,]* rows/);
  await reloadToStart(page);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(datasetRow(page, 'digits_flip5')).toContainText('1,797');
  expect(await storedRecordCounts(page)).toEqual({ datasets: 1, datasetArrays: 1, datasetFiles: 1 });
});

test('a fatal fault the train worker reports (a lost WebGPU device) fails the run with its message', async ({
  page,
}) => {
  await openApp(page);
  await importCsv(page, DIGITS);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await setSettings(page, { Epochs: '20' });
  await startTraining(page);
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'running');
  // What workers/life.ts reportFatal does when the WebGPU device is lost (no software adapter here can lose one on
  // demand: destroy() reports 'destroyed', which is no fault): an uncaught error on a timer inside the worker.
  const workers = page.workers().filter((w) => w.url().includes('/train.worker'));
  expect(workers).toHaveLength(1);
  await workers[0]?.evaluate(
    `setTimeout(() => { throw new Error('WebGPU device lost (unknown): the GPU process went away'); }, 0)`,
  );
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'failed', { timeout: 10_000 });
  await expect(page.getByTestId('train-error')).toHaveText(
    'The training worker failed: WebGPU device lost (unknown): the GPU process went away',
  );
  await expect(page.getByTestId('train-retry')).toBeVisible();
  // The worker is ended, not left running: none is left.
  await expect.poll(() => page.workers().filter((w) => w.url().includes('/train.worker')).length).toBe(0);
});
