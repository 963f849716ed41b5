/**
 * Calibration on canaries in the app (issue 10): scoring the demo calibrates by default, shows calibration as a
 * stage (and cancels there), ends with the calibration card (the sentence, per kind the share found in the top 1% and 5%, the family that
 * finds it, the estimate of poisoned rows), keeps the card across a reload, and never lets a canary row into the
 * scores, the review or the exports.
 */
import { readFileSync } from 'node:fs';
import { type Download, expect, test } from '@playwright/test';
import { parseManifest } from '../workers/core/manifest/schema';
import { datasetRow, importCsv, openApp, reloadToStart, sharedDataset, waitIdle } from './helpers';

const FILE = sharedDataset('digits_backdoor3');

/** The dataset's ids, from the file itself (first column). */
function fileIds(): string[] {
  return readFileSync(FILE, 'latin1')
    .trimEnd()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.slice(0, l.indexOf(',')));
}

test('calibrated scoring: the stage, the card, its estimate across a reload, and no canary in the review or exports', async ({
  page,
}) => {
  test.setTimeout(900_000);
  const ids = fileIds();
  const known = new Set(ids);
  await openApp(page);
  await importCsv(page, FILE);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Epochs', { exact: true }).fill('8');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-phase')).toHaveAttribute('data-phase', 'idle', { timeout: 240_000 });
  await expect(page.getByTestId('shown-run')).toHaveAttribute('data-status', 'done');

  // Calibration is the default; it shows as its own stage while the canary run trains and scores, and cancels.
  await expect(page.getByTestId('score-calibrate')).toBeChecked();
  await page.getByTestId('score-folds').fill('3');
  // Long folds for the part that cancels: on a quiet machine the short scoring below ends within seconds, before a
  // Cancel click could land.
  await page.getByTestId('score-cv-epochs').fill('200');
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-stage')).toHaveAttribute('data-stage', 'calibration', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('score-stage')).toContainText(/Calibration on canaries: \w/);
  await page.getByTestId('score-cancel').click({ timeout: 30_000 });
  await expect(page.getByTestId('score-progress')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('score-status')).toHaveAttribute('data-status', 'cancelled');
  const memory = page.getByTestId('score-memory');
  await expect(memory).toHaveAttribute('data-after', (await memory.getAttribute('data-before')) ?? 'x');

  // Again, to the end, with short folds.
  await page.getByTestId('score-cv-epochs').fill('4');
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-stage')).toHaveAttribute('data-stage', 'calibration', {
    timeout: 60_000,
  });
  const summary = page.getByTestId('score-summary');
  await expect(summary).toBeVisible({ timeout: 600_000 });
  await expect(summary).toHaveAttribute('data-calibrated', 'true');

  // Only the dataset's rows were scored: every top suspect is a row of the file.
  for (const id of await page
    .getByTestId('suspect')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))) {
    expect(known.has(id)).toBe(true);
  }

  // The card: the sentence, one line per injected kind with two percentages, and the estimate in words and numbers.
  const card = page.getByTestId('calibration-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('calibration-sentence')).toContainText(
    /^On this dataset, Sift found \d+% of injected/,
  );
  const kinds = page.getByTestId('calibration-kind');
  // digits: 10 classes and 64 = 8 × 8 features, so the image kinds join the five tabular ones.
  await expect(kinds).toHaveCount(7);
  for (const text of await kinds.allTextContents()) expect(text).toMatch(/^\D+\d+%\d+%[A-Za-z ]+\d+$/);
  const estimate = Number(await card.getAttribute('data-estimate'));
  expect(Number.isInteger(estimate) && estimate > 0 && estimate < ids.length).toBe(true);
  await expect(page.getByTestId('calibration-estimate')).toContainText(
    `Estimated poisoned rows: ${estimate.toLocaleString('en-US')} of 1,797`,
  );
  // Above 1% of the rows estimated poisoned, the card says real poison crowds the top shares; at or below, it does not.
  if (estimate > 0.01 * 1797)
    await expect(page.getByTestId('calibration-crowded')).toContainText('look poisoned, more than the top');
  else await expect(page.getByTestId('calibration-crowded')).toHaveCount(0);
  // The weights and q do not apply to a calibrated suspicion.
  await expect(page.getByTestId('weight-label')).toBeDisabled();
  await expect(page.getByTestId('q-input')).toBeDisabled();

  // Stored with the score record: the card and its estimate are back after a reload.
  await reloadToStart(page);
  await datasetRow(page, 'digits_backdoor3').getByRole('button', { name: 'Open' }).click();
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('calibration-card')).toHaveAttribute('data-estimate', String(estimate));

  // The review lists the file's rows only.
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);
  const shown = await page
    .getByTestId('review-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  expect(shown.length).toBeGreaterThan(0);
  for (const id of shown) expect(known.has(id)).toBe(true);

  // The exports: the manifest's samples and the clean CSV are exactly the file's rows.
  const files: Download[] = [];
  const four = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      files.push(d);
      if (files.length === 4) resolve();
    });
  });
  await page.getByTestId('export-all').click();
  await four;
  const byName = new Map(
    files.map((d) => [d.suggestedFilename().replace(/^.*?\.([a-z]+\.[a-z]+)$/, '$1'), d]),
  );
  const manifestFile = await byName.get('manifest.json')?.path();
  const cleanFile = await byName.get('clean.csv')?.path();
  expect(manifestFile && cleanFile).toBeTruthy();
  const parsed = parseManifest(readFileSync(manifestFile as string, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  expect(parsed.manifest.dataset.rows).toBe(ids.length);
  expect(parsed.manifest.samples.map((s) => s.id)).toEqual(ids);
  expect(parsed.manifest.summary).toEqual({ kept: ids.length, quarantined: 0 });
  // The manifest records the calibration as the scan's does: the canary plan, the fused model and the recalls.
  const calibration = parsed.manifest.calibration as {
    canary?: { seed?: unknown; kinds?: unknown };
    model?: { format?: unknown };
    recalls?: unknown[];
  };
  expect(typeof calibration?.canary?.seed).toBe('number');
  expect(Array.isArray(calibration?.canary?.kinds)).toBe(true);
  expect(calibration?.model?.format).toBe('sift-fused/9');
  expect(calibration?.recalls?.length).toBeGreaterThan(0);
  const cleanIds = readFileSync(cleanFile as string, 'latin1')
    .trimEnd()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.slice(0, l.indexOf(',')));
  expect(cleanIds).toEqual(ids);
});
