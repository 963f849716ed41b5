/**
 * Screenshots of every screen at 1440×900 and 1024×768 into docs/screens/ (`npm run screens`, not part of npm test):
 * breast_cancer_flip10 imported, trained and scored with the app's defaults (calibrated on canaries), then each place
 * reopened by its URL.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { openApp, sharedDataset, uploadCsv, waitIdle } from '../../e2e/helpers';
import { trainAndScore } from '../../e2e/train-helpers';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screens');
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];
const FILE = sharedDataset('breast_cancer_flip10');

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitIdle(page);
    await page.screenshot({ path: path.join(OUT, `${name}-${size.width}x${size.height}.png`) });
  }
}

test('screens', async ({ page }) => {
  test.setTimeout(900_000);
  await openApp(page);
  await shoot(page, 'start');
  await uploadCsv(page, FILE);
  await shoot(page, 'import');
  await page.getByRole('button', { name: 'Cancel' }).first().click();
  await trainAndScore(page, FILE, true);
  await shoot(page, 'train-and-score');
  await expect(page.getByTestId('calibration-card')).toBeVisible();
  await page.getByTestId('calibration-card').screenshot({ path: path.join(OUT, 'calibration-card.png') });
  const train = await page.evaluate(() => window.location.hash);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('review-row').first().click();
  await expect(page.getByTestId('detail-feature-table')).toBeVisible();
  await shoot(page, 'review');
  await page.getByTestId('review-detail').screenshot({ path: path.join(OUT, 'review-detail.png') });
  const dataset = train.replace(/\/train.*$/, '');
  await page.goto(`/${dataset}`);
  await expect(page.getByTestId('overview')).toBeVisible();
  await shoot(page, 'overview');
  await page.goto('/#/verify');
  await expect(page.getByTestId('verify-view')).toBeVisible();
  await shoot(page, 'verify');
});
