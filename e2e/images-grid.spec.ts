/**
 * The review's grid of thumbnails for image datasets (issue 11): the bundled demo trained with its default model (the
 * CNN, on WASM) and scored, then the review shown as a grid. The grid follows the review's sort (most suspicious
 * first, then by id when asked), and the review's keys work on it: j/k move the focus, q quarantines the focused
 * sample and moves on, u undoes. Only the grid lines in view are in the page (app/views/review/use-row-window.ts).
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { waitIdle } from './helpers';
import { reviewImageDemo } from './image-helpers';

/** The first `n` grid cells' attribute `name`, in grid order (the cells are laid out by table position). */
async function firstCells(page: Page, name: string, n: number): Promise<string[]> {
  const cells = page.getByTestId('grid-cell');
  await expect(cells.nth(n - 1)).toBeVisible();
  const values: string[] = [];
  for (let at = 0; at < n; at++) {
    values.push((await page.locator(`[data-testid="grid-cell"][data-at="${at}"]`).getAttribute(name)) ?? '');
  }
  return values;
}

const cellAt = (page: Page, at: number): Locator =>
  page.locator(`[data-testid="grid-cell"][data-at="${at}"]`);

test('the review grid shows an image set in the sort order, and j/k/q/u work on it as in the table', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await reviewImageDemo(page, { model: 'cnn', epochs: 4, folds: 2, cvEpochs: 2 });
  const toggle = page.getByTestId('samples-view');
  await toggle.getByRole('button', { name: 'Grid' }).click();
  await expect(toggle.getByRole('button', { name: 'Grid' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('review-table')).toHaveCount(0);
  const grid = page.getByTestId('review-grid');
  await expect(grid.locator('canvas[data-drawn="true"]').first()).toBeVisible();

  // Each cell's label is in the page's text colour, on the page's background and on the light blue of a hovered cell
  // (a cell is a button, and buttons draw white text on blue).
  const label = cellAt(page, 0).locator('.cell-text').first();
  await expect(label).toHaveCSS('color', 'rgb(27, 31, 36)');
  await cellAt(page, 0).hover();
  await expect(cellAt(page, 0)).toHaveCSS('background-color', 'rgb(238, 243, 248)');
  await expect(label).toHaveCSS('color', 'rgb(27, 31, 36)');

  // Most suspicious first, as the table opens.
  const suspicion = (await firstCells(page, 'data-suspicion', 12)).map(Number);
  expect(suspicion.every((s) => Number.isFinite(s))).toBe(true);
  for (let i = 1; i < suspicion.length; i++)
    expect(suspicion[i] as number).toBeLessThanOrEqual(suspicion[i - 1] as number);

  // j/k move the focus through the grid in its order; the detail follows.
  await cellAt(page, 0).click();
  await expect(cellAt(page, 0)).toHaveClass(/focus/);
  await page.keyboard.press('j');
  await expect(cellAt(page, 1)).toHaveClass(/focus/);
  await expect(cellAt(page, 0)).not.toHaveClass(/focus/);
  await page.keyboard.press('j');
  await expect(cellAt(page, 2)).toHaveClass(/focus/);
  await page.keyboard.press('k');
  await expect(cellAt(page, 1)).toHaveClass(/focus/);
  const second = (await cellAt(page, 1).getAttribute('data-id')) ?? '';
  await expect(page.getByTestId('detail-id')).toHaveText(second);

  // q quarantines the focused sample and moves on to the next; u undoes it.
  await page.keyboard.press('q');
  await expect(page.getByTestId('quarantined-count')).toHaveAttribute('data-count', '1');
  await expect(page.locator(`[data-testid="grid-cell"][data-id="${second}"]`)).toHaveAttribute(
    'data-decision',
    'quarantine',
  );
  const next = page.locator('[data-testid="grid-cell"].focus');
  await expect(next).toHaveCount(1);
  expect(await next.getAttribute('data-id')).not.toBe(second);
  await page.keyboard.press('u');
  await expect(page.getByTestId('quarantined-count')).toHaveAttribute('data-count', '0');
  await expect(page.locator(`[data-testid="grid-cell"][data-id="${second}"]`)).toHaveAttribute(
    'data-decision',
    '',
  );

  // The grid's sort is the review's: by id, lowest first, in the grid and in the table.
  await page.getByTestId('grid-sort').selectOption('id');
  await expect(page.getByTestId('grid-direction')).toHaveText(/Highest first/);
  await page.getByTestId('grid-direction').click();
  await expect(page.getByTestId('grid-direction')).toHaveText(/Lowest first/);
  await waitIdle(page);
  const ids = await firstCells(page, 'data-id', 12);
  expect(ids).toEqual([...ids].sort());
  expect(new Set(ids).size).toBe(12);

  // Only the lines in view are in the page; scrolled to the end, the last sample is drawn and the first is gone.
  const count = Number((await grid.locator('.grid-controls .muted').textContent())?.split(' of ')[0]);
  expect(count).toBeGreaterThan(100);
  expect(await page.getByTestId('grid-cell').count()).toBeLessThan(count);
  await grid.locator('.review-scroll').evaluate((e) => {
    e.scrollTop = e.scrollHeight;
  });
  await expect(cellAt(page, count - 1)).toBeVisible();
  await expect(cellAt(page, 0)).toHaveCount(0);
  await grid.locator('.review-scroll').evaluate((e) => {
    e.scrollTop = 0;
  });
  await expect(cellAt(page, 0)).toBeVisible();
  await toggle.getByRole('button', { name: 'Table' }).click();
  const rows = page.getByTestId('review-row');
  await expect(rows.first()).toHaveAttribute('data-id', ids[0] as string);
  await expect(rows.nth(11)).toHaveAttribute('data-id', ids[11] as string);
  await expect(page.getByTestId('review-table').locator('th[aria-sort="ascending"]')).toContainText('Id');
  expect(errors).toEqual([]);
});
