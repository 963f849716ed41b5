import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page, type TestInfo, test } from '@playwright/test';
import {
  datasetRow,
  expectOverview,
  fileSha256,
  fixture,
  importCsv,
  openApp,
  probeStoredArrays,
  reloadToStart,
  sharedDataset,
  storedRecordCounts,
  uploadCsv,
  waitIdle,
} from './helpers';

const DIGITS = sharedDataset('digits_flip5');
const SYNTH20K = sharedDataset('synth20k_flip');
const DIGITS_COUNTS = { rows: 1797, features: 64, classes: 10 };

test('a CSV imports into an overview that survives a reload', async ({ page }) => {
  await openApp(page);
  await uploadCsv(page, DIGITS);
  await expect(page.getByTestId('detected-delimiter')).toHaveText('comma');
  await expect(page.getByTestId('label-column')).toHaveValue('label');
  await expect(page.getByTestId('id-column')).toHaveValue('id');
  await expect(page.getByTestId('preview-table').locator('tbody tr')).toHaveCount(10);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);

  await expectOverview(page, DIGITS_COUNTS);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 1,797 rows in');
  await expect(page.getByTestId('overview-sha256')).toHaveText(fileSha256(DIGITS));
  await expect(page.getByTestId('class-balance').locator('rect')).toHaveCount(10);
  await expect(
    page.getByTestId('feature-table').getByRole('cell', { name: 'px_0_0', exact: true }),
  ).toBeVisible();
  // 64 features are an 8×8 image: thumbnails are offered and on.
  await expect(page.getByLabel('Render rows as 8×8 images')).toBeChecked();
  await expect(page.getByTestId('thumbnails').locator('canvas')).toHaveCount(48);
  expect(await storedRecordCounts(page)).toEqual({ datasets: 1, datasetArrays: 1, datasetFiles: 1 });
  const stored = await probeStoredArrays(page);
  const fileLines = readFileSync(DIGITS, 'utf8').split('\n');
  const [, firstRow = ''] = fileLines;
  const [firstId, , ...pixels] = firstRow.split(',');
  expect(stored.format).toBe('sift-arrays/1');
  expect(stored.rows).toBe(1797);
  expect(stored.featureCount).toBe(64);
  expect(stored.blobBytes).toBe(1797 * (8 + 8 + 64 * 4 + 4 + 4 + 32));
  expect(stored.firstFeatures).toEqual(pixels.map(Number));
  expect(stored.firstLine).toBe(2);
  expect(stored.ids).toHaveLength(1797);
  expect(stored.ids[0]).toBe(firstId);
  // Every row's hash, computed in the row-hash worker beside the parse, is node:crypto's of the row's bytes.
  const dataLines = fileLines.slice(1).filter((line) => line !== '');
  expect(stored.rowSha256).toEqual(dataLines.map((line) => createHash('sha256').update(line).digest('hex')));

  await reloadToStart(page);
  const row = datasetRow(page, 'digits_flip5');
  await expect(row).toContainText('1,797');
  await row.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expectOverview(page, DIGITS_COUNTS);
  await expect(page.getByTestId('overview-sha256')).toHaveText(fileSha256(DIGITS));
  await expect(page.getByTestId('thumbnails').locator('canvas')).toHaveCount(48);
});

test('a ragged CSV is refused before import, with its line named', async ({ page }) => {
  await openApp(page);
  await uploadCsv(page, fixture('ragged.csv'));
  // The preview reads the whole of this small file, so the short row is found before anything is imported.
  const alert = page.getByTestId('preview-errors');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('ragged.csv, line 4');
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
});

test('a failed import leaves stored datasets untouched', async ({ page }, testInfo) => {
  await openApp(page);
  await importCsv(page, DIGITS);
  await page.getByRole('button', { name: '← All datasets' }).click();

  // A short row far past the preview's head, so the streaming validator (not the preview) finds it.
  const lines = readFileSync(SYNTH20K, 'utf8').split('\n');
  lines[14_999] = lines[14_999]?.split(',').slice(0, 10).join(',') ?? '';
  const broken = testInfo.outputPath('synth20k_ragged.csv');
  writeFileSync(broken, lines.join('\n'));
  await uploadCsv(page, broken);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const alert = page.getByTestId('import-error');
  await expect(alert).toBeVisible();
  await waitIdle(page);
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('synth20k_ragged.csv');
  await expect(alert).toContainText(/line 15,?000\b/);

  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(datasetRow(page, 'digits_flip5')).toContainText('1,797');
  expect(await storedRecordCounts(page)).toEqual({ datasets: 1, datasetArrays: 1, datasetFiles: 1 });
  await reloadToStart(page);
  await datasetRow(page, 'digits_flip5').getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expectOverview(page, DIGITS_COUNTS);
});

test('the demo dataset opens from the start screen, and opens the stored copy the second time', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Open the demo dataset' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expect(page.getByTestId('overview-name')).toHaveText('digits_backdoor3');
  await expectOverview(page, DIGITS_COUNTS);
  await expect(page.getByTestId('thumbnails').locator('canvas')).toHaveCount(48);

  await page.getByRole('button', { name: '← All datasets' }).click();
  await page.getByRole('button', { name: 'Open the demo dataset' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expectOverview(page, DIGITS_COUNTS);
  expect(await storedRecordCounts(page)).toEqual({ datasets: 1, datasetArrays: 1, datasetFiles: 1 });
  await page.getByRole('button', { name: '← All datasets' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
});

test('a stored dataset can be renamed and, after confirmation, deleted', async ({ page }) => {
  await openApp(page);
  await importCsv(page, DIGITS);
  await page.getByRole('button', { name: '← All datasets' }).click();

  await datasetRow(page, 'digits_flip5').getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name').fill('Digits, reviewed');
  await page.getByLabel('New name').press('Enter');
  await expect(datasetRow(page, 'Digits, reviewed')).toBeVisible();
  await waitIdle(page);
  await reloadToStart(page);
  const row = datasetRow(page, 'Digits, reviewed');
  await expect(row).toContainText('1,797');

  await row.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete “Digits, reviewed”?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
  await waitIdle(page);
  expect(await storedRecordCounts(page)).toEqual({ datasets: 0, datasetArrays: 0, datasetFiles: 0 });
  await reloadToStart(page);
  await expect(page.getByText('None yet: import a CSV or an image zip, or open a demo.')).toBeVisible();
});

/** 10 copies of synth20k (45 MB, ids made unique), so an import of it runs long enough to be cancelled or broken. */
function synthCopies(testInfo: TestInfo): string {
  const [header, ...rows] = readFileSync(SYNTH20K, 'utf8').trimEnd().split('\n');
  const big = testInfo.outputPath('synth200k_copies.csv');
  const parts = [header];
  for (let copy = 0; copy < 10; copy++) for (const row of rows) parts.push(`c${copy}-${row}`);
  writeFileSync(big, `${parts.join('\n')}\n`);
  return big;
}

/** The live row-hash workers (the ingest worker starts one per CSV import). */
const rowHashWorkers = (page: Page) => page.workers().filter((w) => w.url().includes('/row-hash.worker'));

/** Starts importing `synthCopies` and waits until it has parsed rows and its row-hash worker is up. */
async function startLongImport(page: Page, testInfo: TestInfo): Promise<void> {
  const big = synthCopies(testInfo);
  await openApp(page);
  await uploadCsv(page, big);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-progress')).toContainText(/[1-9][\d,]* rows/);
  await expect.poll(() => rowHashWorkers(page).length, { message: 'live row-hash workers' }).toBe(1);
}

test('cancelling a running import stores nothing and ends its workers', async ({ page }, testInfo) => {
  await startLongImport(page, testInfo);
  await page.getByRole('button', { name: 'Cancel import' }).click();
  await expect(page.getByTestId('import-cancelled')).toBeVisible();
  await waitIdle(page);
  await expect.poll(() => rowHashWorkers(page).length).toBe(0);
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
  expect(await storedRecordCounts(page)).toEqual({ datasets: 0, datasetArrays: 0, datasetFiles: 0 });
});

test('a row-hash worker killed mid-import fails the import with the reason and stores nothing', async ({
  page,
}, testInfo) => {
  await startLongImport(page, testInfo);
  // Once it hashes (the import has read past its first chunks, which wait for the hasher), close() inside it ends it
  // as a crash would, without a word to the ingest worker.
  const megabytesRead = async () =>
    Number(/([\d.]+) MB of/.exec((await page.getByTestId('import-progress').textContent()) ?? '')?.[1] ?? 0);
  await expect.poll(megabytesRead, { intervals: [20] }).toBeGreaterThan(8);
  await rowHashWorkers(page)[0]?.evaluate('setTimeout(() => close(), 0)');
  await expect(page.getByTestId('import-error')).toContainText(
    'The hashing worker stopped while importing synth200k_copies.csv (it crashed, ran out of memory or was closed); nothing was stored.',
    { timeout: 15_000 },
  );
  await waitIdle(page);
  expect(await storedRecordCounts(page)).toEqual({ datasets: 0, datasetArrays: 0, datasetFiles: 0 });
});

test('dataset strings are rendered as text, never as markup', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('markup.csv');
  const rows = ['id,label,<b>x</b>,y'];
  for (let i = 0; i < 6; i++)
    rows.push(`r${i},${i % 2 ? '<img src=x onerror=alert(1)>' : 'plain'},${i},${i * 2}`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  page.on('dialog', () => {
    throw new Error('a dataset string ran as script');
  });
  await openApp(page);
  await importCsv(page, file);
  await expectOverview(page, { rows: 6, features: 2, classes: 2 });
  await expect(
    page.getByTestId('feature-table').getByRole('cell', { name: '<b>x</b>', exact: true }),
  ).toBeVisible();
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('main b')).toHaveCount(0);
});

test('text columns block Import until they are one-hot encoded or excluded, then import as 0/1 features', async ({
  page,
}, testInfo) => {
  const file = testInfo.outputPath('people.csv');
  const rows = ['id,age,home city,job,label'];
  const cities = ['paris', 'lyon', 'nice'];
  for (let i = 0; i < 12; i++) rows.push(`r${i},${20 + i},${cities[i % 3]},job ${i},${i % 2 ? 'yes' : 'no'}`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  await openApp(page);
  await uploadCsv(page, file);
  const errors = page.getByTestId('preview-errors');
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  // Both text columns of the first row are named at once.
  await expect(errors).toContainText('people.csv, line 2, column "home city": "paris" is not a number.');
  await expect(errors).toContainText('people.csv, line 2, column "job": "job 0" is not a number.');
  await expect(importButton).toBeDisabled();
  // Columns, not features: a one-hot column becomes as many features as it has values (the overview counts those).
  await expect(page.getByTestId('feature-columns')).toHaveText('3 feature columns selected');

  await page.getByLabel('One-hot encode home city').check();
  await expect(errors).not.toContainText('home city');
  await expect(errors).toContainText('column "job"');
  await expect(importButton).toBeDisabled();
  await page.getByLabel('Exclude job').check();
  await expect(errors).toBeHidden();
  await expect(importButton).toBeEnabled();
  await expect(page.getByTestId('feature-columns')).toHaveText('2 feature columns selected');

  await importButton.click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  // age, then one 0/1 feature per city.
  await expectOverview(page, { rows: 12, features: 4, classes: 2 });
  await expect(
    page.getByTestId('feature-table').getByRole('cell', { name: 'home city=paris', exact: true }),
  ).toBeVisible();
});
