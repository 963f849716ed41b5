/**
 * Memory estimates before training and scoring (issue 6): the estimate shows before a job starts, a budget
 * override below it refuses the job with the estimate, the budget and what to change, and the browser's budget
 * restored lets it start.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { openApp, waitIdle } from './helpers';
import { runPhase, startTraining, waitRunEnded } from './train-helpers';

async function openDemoTraining(page: Page): Promise<void> {
  await openApp(page);
  await page.getByRole('button', { name: 'Open the demo dataset' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('train-view')).toBeVisible();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
}

async function total(estimate: Locator): Promise<number> {
  return Number(await estimate.getAttribute('data-total'));
}

test('the estimate shows before training; a tiny budget refuses the run, the browser’s budget lets it start', async ({
  page,
}) => {
  await openDemoTraining(page);
  const estimate = page.getByTestId('train-memory-estimate');
  await expect(estimate).toBeVisible();
  await expect(page.getByTestId('train-memory-estimate-total')).toHaveText(/^\d+(\.\d)? (B|KB|MB|GB)$/);
  const twenty = await total(estimate);
  expect(twenty).toBeGreaterThan(1e6);
  // More epochs record more: the estimate follows the form.
  await page.getByLabel('Epochs', { exact: true }).fill('200');
  await expect.poll(() => total(estimate)).toBeGreaterThan(twenty);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await expect.poll(() => total(estimate)).toBeLessThan(twenty);

  // The breakdown: every part with its size.
  await estimate.locator('summary').click();
  await expect(page.getByTestId('train-memory-estimate-part')).not.toHaveCount(0);
  await expect(estimate.locator('[data-key="checkpoints"]')).toBeVisible();

  const start = page.getByRole('button', { name: 'Start training' });
  await page.getByTestId('train-memory-estimate-override').fill('1');
  const refusal = page.getByTestId('train-memory-estimate-refusal');
  await expect(refusal).toContainText(
    /^Training needs about \d+\.\d MB of memory, over the budget of 1\.0 MB \(your override\)\. Try /,
  );
  await expect(refusal).toContainText('raise the memory budget');
  await expect(start).toBeDisabled();

  await page.getByTestId('train-memory-estimate-override-reset').click();
  await expect(refusal).toBeHidden();
  await expect(start).toBeEnabled();
  await startTraining(page);
  await waitRunEnded(page, 'done');
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'idle');

  // Scoring: the estimate before the job, smaller with approximate kNN, and the same refusal.
  const scoreEstimate = page.getByTestId('score-memory-estimate');
  await expect(scoreEstimate).toBeVisible();
  const exact = await total(scoreEstimate);
  await page.getByTestId('score-knn-mode').selectOption('ivf');
  await expect.poll(() => total(scoreEstimate)).toBeLessThan(exact);
  await scoreEstimate.locator('summary').click();
  await page.getByTestId('score-memory-estimate-override').fill('2');
  await expect(page.getByTestId('score-memory-estimate-refusal')).toContainText(
    /^Scoring needs about \d+\.\d MB of memory, over the budget of 2\.0 MB \(your override\)\. Try /,
  );
  await expect(page.getByTestId('score-start')).toBeDisabled();
  await page.getByTestId('score-memory-estimate-override-reset').click();
  await expect(page.getByTestId('score-memory-estimate-refusal')).toBeHidden();
  await expect(page.getByTestId('score-start')).toBeEnabled();
});
