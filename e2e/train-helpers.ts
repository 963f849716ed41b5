/** Steps shared by the training e2e tests: open the training screen, set settings, train and wait (never sleep). */
import { expect, type Page } from '@playwright/test';
import { importCsv, openApp, sharedDataset, waitIdle } from './helpers';

export const DIGITS = sharedDataset('digits_flip5');

/** Loads the app, imports a CSV and opens its training screen; waits for the backend probe to finish. */
export async function importAndOpenTraining(page: Page, file = DIGITS): Promise<void> {
  await openApp(page);
  await importCsv(page, file);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('train-view')).toBeVisible();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
}

/** Sets the number of epochs (and optionally other numeric settings by label). */
export async function setSettings(page: Page, values: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(values)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

/** The run phase shown in the controls: idle, starting, running, paused, stopping. */
export function runPhase(page: Page) {
  return page.getByTestId('run-phase');
}

/** Starts training and waits until the run is under way. */
export async function startTraining(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(runPhase(page)).not.toHaveAttribute('data-phase', 'idle');
}

/** Waits until the live run has ended and the run on show has the status given. */
export async function waitRunEnded(page: Page, status: string, timeout = 120_000): Promise<void> {
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'idle', { timeout });
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', status, { timeout });
}

/** The epoch losses of every stored run, oldest first, read from IndexedDB in the page. */
export async function storedEpochLosses(
  page: Page,
): Promise<{ id: string; backend: string; trainLoss: number[]; valLoss: number[]; batchLoss: number[] }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['runs', 'runCurves'], 'readonly');
          const runs = tx.objectStore('runs').getAll();
          const curves = tx.objectStore('runCurves').getAll();
          tx.oncomplete = () => {
            db.close();
            type Run = { id: string; createdAt: number; backend: { backend: string } | null };
            type Curves = {
              id: string;
              loss: Float32Array;
              epochs: { trainLoss: number; valLoss: number }[];
            };
            const byId = new Map((curves.result as Curves[]).map((c) => [c.id, c]));
            resolve(
              (runs.result as Run[])
                .sort((a, b) => a.createdAt - b.createdAt)
                .map((r) => {
                  const c = byId.get(r.id);
                  return {
                    id: r.id,
                    backend: r.backend?.backend ?? '',
                    trainLoss: c ? c.epochs.map((e) => e.trainLoss) : [],
                    valLoss: c ? c.epochs.map((e) => e.valLoss) : [],
                    batchLoss: c ? Array.from(c.loss) : [],
                  };
                }),
            );
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/**
 * Imports `file`, trains 12 epochs with default settings and scores it with 3 folds of 6 epochs: the set-up the
 * review and retrain tests share.
 */
export async function trainAndScore(page: Page, file: string, calibrate = false): Promise<void> {
  await trainForScoring(page, file);
  await scoreShownRun(page, calibrate);
}

/** Imports a CSV and trains 12 epochs on it (the run trainAndScore scores); waits until the run is done. */
export async function trainForScoring(page: Page, file: string): Promise<void> {
  await openApp(page);
  await importCsv(page, file);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Epochs', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-phase')).toHaveAttribute('data-phase', 'idle', { timeout: 240_000 });
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'done');
}

/**
 * Scores the run on show with 3 folds of 6 epochs, uncalibrated unless `calibrate` (the app's default); waits for the
 * summary.
 */
export async function scoreShownRun(page: Page, calibrate = false): Promise<void> {
  await page.getByTestId('score-folds').fill('3');
  await page.getByTestId('score-cv-epochs').fill('6');
  // Most specs are about the uncalibrated path; calibration (on by default) has e2e/calibration.spec.ts.
  await page.getByTestId('score-calibrate').setChecked(calibrate);
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-summary')).toBeVisible({ timeout: 300_000 });
  await waitIdle(page);
}
