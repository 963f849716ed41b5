/**
 * Limits on the import form (issue 6): a file over a limit is refused with a message that says the limit and how
 * to change it, and changing the limit in the form re-runs the preview, so raising it unlocks Import.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectOverview, openApp, uploadCsv, waitIdle } from './helpers';

test('a file over a low row limit is refused; raising the limit lets it import', async ({
  page,
}, testInfo) => {
  const file = testInfo.outputPath('thirty-rows.csv');
  const lines = ['id,label,a,b'];
  for (let i = 0; i < 30; i++) lines.push(`r${i},${i % 2 ? 'cat' : 'dog'},${i},${30 - i}`);
  writeFileSync(file, `${lines.join('\n')}\n`);

  await openApp(page);
  await uploadCsv(page, file);
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  await expect(importButton).toBeEnabled();

  await page.locator('details.limits > summary').click();
  const maxRows = page.getByLabel('Max rows');
  await maxRows.fill('10');
  const errors = page.getByTestId('preview-errors');
  await expect(errors).toContainText('more than 10 data rows, the limit');
  await expect(errors).toContainText('limit');
  await expect(importButton).toBeDisabled();
  await waitIdle(page);
  await expect(importButton).toBeDisabled();

  await maxRows.fill('30');
  await expect(errors).toBeHidden();
  await expect(page.getByTestId('preview-rechecking')).toBeHidden();
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expectOverview(page, { rows: 30, features: 2, classes: 2 });
});
