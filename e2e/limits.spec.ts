/**
 * Limits on the import form (issue 6): a file over a limit is refused with a message that says the limit and how
 * to change it, and changing the limit in the form re-runs the preview, so raising it unlocks Import. One test per
 * limit: rows, columns, bytes, classes.
 */
import { statSync, writeFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { expectOverview, openApp, uploadCsv, waitIdle } from './helpers';

const HINT = 'The limit can be changed in the import settings.';

/** thirty-rows.csv: an id, a label of three classes, two features; 30 data rows. */
function writeThirtyRows(file: string): number {
  const lines = ['id,label,a,b'];
  for (let i = 0; i < 30; i++) lines.push(`r${i},${['cat', 'dog', 'owl'][i % 3]},${i},${30 - i}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return statSync(file).size;
}

/**
 * Uploads the file, sets the limit `label` to `low` and expects the message `refusal` with Import disabled; then sets
 * it to `high` and expects the file to import whole.
 */
async function refusedThenImported(
  page: Page,
  file: string,
  label: string,
  values: { low: string; high: string },
  refusal: string,
): Promise<void> {
  await openApp(page);
  await uploadCsv(page, file);
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  await expect(importButton).toBeEnabled();

  await page.locator('details.limits > summary').click();
  const limit = page.getByLabel(label, { exact: true });
  await limit.fill(values.low);
  const errors = page.getByTestId('preview-errors');
  await expect(errors).toContainText(`thirty-rows.csv`);
  await expect(errors).toContainText(refusal);
  await expect(errors).toContainText(HINT);
  await expect(importButton).toBeDisabled();
  await waitIdle(page);
  await expect(importButton).toBeDisabled();

  await limit.fill(values.high);
  await expect(errors).toBeHidden();
  await expect(page.getByTestId('preview-rechecking')).toBeHidden();
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await expectOverview(page, { rows: 30, features: 2, classes: 3 });
}

/** One case per limit: the form field, a value the file is over, the value that fits it, and the refusal. */
const CASES: {
  limit: string;
  label: string;
  low: (bytes: number) => string;
  high: (bytes: number) => string;
  refusal: (bytes: number) => string;
}[] = [
  {
    limit: 'row',
    label: 'Max rows',
    low: () => '10',
    high: () => '30',
    refusal: () => 'the file has more than 10 data rows, the limit.',
  },
  {
    limit: 'column',
    label: 'Max columns',
    low: () => '3',
    high: () => '4',
    refusal: () => 'line 1: the header has 4 columns, over the limit of 3.',
  },
  {
    limit: 'byte',
    label: 'Max file size (bytes)',
    low: (bytes) => String(bytes - 1),
    high: (bytes) => String(bytes),
    refusal: (bytes) => `the file is ${bytes} bytes, over the limit of ${bytes - 1} bytes.`,
  },
  {
    limit: 'class',
    label: 'Max classes',
    low: () => '2',
    high: () => '3',
    refusal: () => 'there are more than 2 distinct labels, the limit (is this the right label column?).',
  },
];

for (const c of CASES) {
  test(`a file over a low ${c.limit} limit is refused; raising the limit lets it import`, async ({
    page,
  }, testInfo) => {
    const file = testInfo.outputPath('thirty-rows.csv');
    const bytes = writeThirtyRows(file);
    await refusedThenImported(
      page,
      file,
      c.label,
      { low: c.low(bytes), high: c.high(bytes) },
      c.refusal(bytes),
    );
  });
}
