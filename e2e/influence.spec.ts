/**
 * Proponents and opponents (issue 5 "Sample detail panel"): on breast_cancer_flip10, train and score, open the
 * review, select a sample; the detail panel asks the score worker for its TracIn influence (a fresh worker, which
 * must select a backend itself) and lists proponents and opponents; clicking a proponent selects it.
 */
import { expect, type Page, test } from '@playwright/test';
import { sharedDataset, waitIdle } from './helpers';
import { trainAndScore } from './train-helpers';

const FILE = sharedDataset('breast_cancer_flip10');

/** The rows a list in the influence section names, in order. */
async function listedRows(page: Page, testId: string): Promise<number[]> {
  const rows = await page
    .getByTestId(testId)
    .locator('li')
    .evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-row'))));
  return rows;
}

test('the detail panel lists proponents and opponents, and a click selects a proponent', async ({ page }) => {
  test.setTimeout(600_000);
  await trainAndScore(page, FILE);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);

  const first = page.getByTestId('review-row').first();
  const row = Number(await first.getAttribute('data-row'));
  await first.click();
  const detail = page.getByTestId('review-detail');
  await expect(detail).toHaveAttribute('data-row', String(row));
  const influence = page.getByTestId('detail-influence');
  await expect(influence).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('influence-error')).toHaveCount(0);

  const proponents = await listedRows(page, 'detail-proponents');
  const opponents = await listedRows(page, 'detail-opponents');
  expect(proponents.length).toBeGreaterThan(0);
  expect(opponents.length).toBeGreaterThan(0);
  // Distinct rows, the sample itself in neither list, and no row on both sides.
  const all = [...proponents, ...opponents];
  expect(new Set(all).size).toBe(all.length);
  expect(all).not.toContain(row);
  // Proponents strongest first with positive values, opponents negative.
  const values = async (testId: string) =>
    (await page.getByTestId(testId).locator('li .num').allTextContents()).map(Number);
  const up = await values('detail-proponents');
  const down = await values('detail-opponents');
  expect(up.every((v) => v > 0)).toBe(true);
  expect(down.every((v) => v < 0)).toBe(true);
  expect(up).toEqual([...up].sort((a, b) => b - a));

  // Clicking the strongest proponent selects it: the detail panel, the table, and its own influence.
  const target = proponents[0] as number;
  await page.getByTestId('detail-proponents').locator('li').first().getByRole('button').click();
  await expect(detail).toHaveAttribute('data-row', String(target));
  await expect(page.locator(`[data-testid="review-row"][data-row="${target}"]`)).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(influence).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await listedRows(page, 'detail-proponents')).not.toContain(target);
  expect((await listedRows(page, 'detail-proponents')).length).toBeGreaterThan(0);
});
