import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { datasetRow, openApp, reloadToStart, waitIdle } from './helpers';
import { runPhase, setSettings, startTraining, waitRunEnded } from './train-helpers';

const TRUTH = new URL('../public/demo/digits_backdoor3.truth.csv', import.meta.url);

/** Ids the truth file marks poisoned. */
function poisonedIds(): Set<string> {
  const lines = readFileSync(TRUTH, 'utf8').trimEnd().split('\n').slice(1);
  return new Set(lines.map((l) => l.split(',')).flatMap(([id, flag]) => (flag === '1' ? [id] : [])));
}

/** Opens the demo dataset and its training screen. */
async function openDemoTraining(page: Page): Promise<void> {
  await openApp(page);
  await page.getByRole('button', { name: 'Open the demo dataset' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('train-view')).toBeVisible();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
}

async function topSuspects(page: Page): Promise<{ ids: string[]; suspicion: string[] }> {
  const rows = page.getByTestId('suspect');
  await expect(rows).toHaveCount(10);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  const suspicion = await page.getByTestId('suspect-suspicion').allTextContents();
  return { ids, suspicion };
}

test('demo: train, score every sample, find the backdoor, recombine, and keep the scores across a reload', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openDemoTraining(page);
  await startTraining(page);
  await waitRunEnded(page, 'done', 180_000);

  await expect(page.getByTestId('score-panel')).toBeVisible();
  // The folds default to half the run's epochs (crossValEpochsFor: 20 → 10), as in the headless scan.
  await expect(page.getByTestId('score-cv-epochs')).toHaveValue('10');
  // This spec is about the uncalibrated path; calibration (on by default) has e2e/calibration.spec.ts.
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-stage')).toHaveAttribute('data-stage', 'cross-validation');
  await expect(page.getByTestId('score-stage')).toContainText(/\d of 5 folds done/);
  await expect(page.getByTestId('score-summary')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle');
  const scoreId = await page.getByTestId('score-summary').getAttribute('data-score-id');

  // Flag counts: each family flags its top 5% of 1,797 samples.
  for (const f of ['trajectory', 'influence', 'embedding', 'label']) {
    const n = Number((await page.getByTestId(`flag-count-${f}`).textContent())?.replace(/\D/g, ''));
    expect(n).toBeGreaterThanOrEqual(85);
    expect(n).toBeLessThanOrEqual(95);
  }
  // The record keeps the epochs the folds trained (the worker resolves the default).
  await expect(page.getByTestId('score-params')).toContainText('5-fold cross-validation (10 epochs)');
  await expect(page.getByTestId('score-params')).toContainText('label family on probability scale');
  await expect(page.getByTestId('score-memory')).toHaveAttribute(
    'data-after',
    (await page.getByTestId('score-memory').getAttribute('data-before')) ?? '',
  );

  // Scoring chose its own backend on the scoring probe (issue 15) and says why beside the score set. This machine's
  // WebGPU adapter is software (SwiftShader), which the probe does not time: the choice is the fastest measured of
  // the others, which the test reads from the probe's own figures, and the reason says WebGPU was not timed.
  const cached = await page.evaluate(() => localStorage.getItem('sift.backendProbes.v2'));
  const probes: Array<{ backend: string; available: boolean; scoringMs?: number; adapter?: object }> =
    JSON.parse(cached ?? '{"probes":[]}').probes;
  const gpu = probes.find((p) => p.backend === 'webgpu');
  expect(JSON.stringify(gpu?.adapter)).toContain('swiftshader');
  expect(gpu?.scoringMs).toBeUndefined();
  const timed = probes.filter((p) => p.available && p.scoringMs !== undefined);
  expect(timed.map((p) => p.backend)).toContain('wasm');
  const fastest = timed.reduce((a, b) => ((b.scoringMs ?? 0) < (a.scoringMs ?? 0) ? b : a));
  console.log(`scoring probe: ${timed.map((p) => `${p.backend} ${p.scoringMs?.toFixed(1)} ms`).join(', ')}`);
  await expect(page.getByTestId('score-backend')).toHaveAttribute('data-backend', fastest.backend);
  const reason = page.getByTestId('score-backend-reason');
  await expect(reason).toContainText('Scoring (kNN, influence, spectral and Mahalanobis) on');
  await expect(reason).toContainText('WebGPU was not timed on the scoring probe');
  const runBackend = (await page.getByTestId('run-backend').getAttribute('data-backend')) ?? '';
  const label: Record<string, string> = { wasm: 'WASM', cpu: 'CPU', webgl: 'WebGL', webgpu: 'WebGPU' };
  await expect(reason).toContainText(
    `Cross-validation trained its folds on ${label[runBackend]}, the backend the run trained on.`,
  );
  await expect(page.getByTestId('scoring-backend-choice')).toHaveAttribute('data-backend', fastest.backend);

  // The default rule (weighted max of the families, the label family on the model's probability scale) puts the
  // backdoor on top: ~9 of the demo's top ten are poisoned (measured, detection.test.ts), where ranks put hard clean
  // digits there (1 of 10). Weighting the embedding family alone, recombined in the worker, keeps them there.
  const poisoned = poisonedIds();
  const before = await topSuspects(page);
  expect(before.ids.filter((id) => poisoned.has(id)).length).toBeGreaterThanOrEqual(7);
  for (const f of ['trajectory', 'influence', 'label']) {
    await page.getByTestId(`weight-${f}`).fill('0');
    await expect(page.getByTestId('score-summary')).toHaveAttribute('data-recombining', 'false');
  }
  await expect(page.getByTestId('score-params')).toContainText(
    'weights trajectory 0, influence 0, embedding 1, label 0',
  );
  const after = await topSuspects(page);
  expect(after.ids.filter((id) => poisoned.has(id)).length).toBeGreaterThanOrEqual(7);

  // Reload: the score set (with the new weight) is still there.
  await reloadToStart(page);
  await datasetRow(page, 'digits_backdoor3').getByRole('button', { name: 'Open' }).click();
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('score-summary')).toHaveAttribute('data-score-id', scoreId ?? '');
  await expect(page.getByTestId('weight-label')).toHaveValue('0');
  expect(await topSuspects(page)).toEqual(after);

  // The review entry point hands this score set over: the review opens on it, its ten most suspicious rows are the
  // summary's top ten under the weights set above.
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  // The list draws its rows once it has measured itself, a frame or more after the status turns ready.
  await expect(page.getByTestId('review-row').first()).toBeVisible();
  const reviewTop = await page
    .getByTestId('review-row')
    .evaluateAll((els) => els.slice(0, 10).map((e) => e.getAttribute('data-id') ?? ''));
  expect([...reviewTop].sort()).toEqual([...after.ids].sort());
});

test('cancelling a scoring during cross-validation stops it and frees its tensors; a reload interrupts one', async ({
  page,
}) => {
  await openDemoTraining(page);
  await setSettings(page, { Epochs: '3' });
  await startTraining(page);
  await waitRunEnded(page, 'done');
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'idle');

  // Folds long enough to catch one in flight: the default (half of 3 epochs: 2) ends a fold in a fraction of a second.
  await page.getByTestId('score-cv-epochs').fill('20');
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  // Once a fold has finished and before the last: the stage counts finished folds (a pool of fold workers may finish
  // two at once, so the count can skip a number).
  await expect(page.getByTestId('score-stage')).toContainText(/[1-4] of 5 folds done/, { timeout: 60_000 });
  await page.getByTestId('score-cancel').click();
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('score-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('score-summary')).toHaveCount(0);
  const memory = page.getByTestId('score-memory');
  await expect(memory).toHaveAttribute('data-after', (await memory.getAttribute('data-before')) ?? 'x');

  // A scoring cut short by a reload shows as interrupted afterwards.
  await page.getByTestId('score-calibrate').uncheck();
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-stage')).toContainText(/[0-4] of 5 folds done/, { timeout: 60_000 });
  await reloadToStart(page);
  await datasetRow(page, 'digits_backdoor3').getByRole('button', { name: 'Open' }).click();
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('score-status')).toHaveAttribute('data-status', 'interrupted');
});
