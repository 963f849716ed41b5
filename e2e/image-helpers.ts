/** Shared steps for the image e2e tests: the bundled image demo, choosing a zip, importing it with its plan. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { openApp, storedRecordCounts, waitIdle } from './helpers';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The bundled image demo: 400 Fashion-MNIST images, 16 with a 3 × 3 checkerboard relabelled Bag. */
export const IMAGE_DEMO = path.resolve(HERE, '../public/demo/fashion_patch4.zip');

/** `../shared/datasets/<name>/<name>.zip`. */
export function sharedImageSet(name: string): string {
  return path.resolve(HERE, '../../shared/datasets', name, `${name}.zip`);
}

/** Chooses a zip in the start screen's picker and waits for the image import form (or a refusal). */
export async function uploadZip(page: Page, file: string): Promise<void> {
  await page.getByLabel('CSV file or image zip').setInputFiles(file);
  await expect(page.getByRole('heading', { name: `Import ${path.basename(file)}` })).toBeVisible();
  await waitIdle(page);
}

/** Uploads a zip, keeps the proposed plan, imports it and waits for its overview. */
export async function importZip(page: Page, file: string): Promise<void> {
  await uploadZip(page, file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('overview')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
}

/** How many records each dataset store, the image overview store included, holds in the page's IndexedDB. */
export async function imageStoreCounts(page: Page): Promise<Record<string, number>> {
  return storedRecordCounts(page, ['datasets', 'datasetArrays', 'datasetFiles', 'datasetImages']);
}

/**
 * Opens the app, imports the image demo, checks the training form offers the CNN (image files' default), trains
 * `model` for `epochs`, scores the run with `folds` folds of `cvEpochs` epochs and opens the review of the suspects.
 */
export async function reviewImageDemo(
  page: Page,
  plan: { model: 'cnn' | 'mlp'; epochs: number; folds: number; cvEpochs: number },
): Promise<void> {
  await openApp(page);
  await importZip(page, IMAGE_DEMO);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 120_000 });
  const model = page.getByRole('combobox', { name: 'Model' });
  await expect(model).toHaveValue('cnn');
  if (plan.model !== 'cnn') await model.selectOption(plan.model);
  await page.getByLabel('Epochs', { exact: true }).fill(String(plan.epochs));
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-phase')).toHaveAttribute('data-phase', 'idle', { timeout: 240_000 });
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'done');
  // Every class is named in the per-class loss chart's legend, inside the chart (ten names wrap onto rows).
  const outside = await page.getByTestId('chart-class-loss').evaluate((chart) => {
    const svg = chart.getBoundingClientRect();
    const names = [...chart.querySelectorAll('.legend text')];
    return names.length === 10
      ? names.filter((t) => t.getBoundingClientRect().right > svg.right + 0.5).map((t) => t.textContent)
      : [`${names.length} legend names`];
  });
  expect(outside).toEqual([]);
  await page.getByTestId('score-folds').fill(String(plan.folds));
  await page.getByTestId('score-cv-epochs').fill(String(plan.cvEpochs));
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-summary')).toBeVisible({ timeout: 300_000 });
  await waitIdle(page);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);
}
