/**
 * The embedding map's UMAP (issue 5): on digits, switch the map to UMAP, cancel it between epochs, start it again
 * and wait for it (it runs in its own worker, under the strict CSP), then click a point and lasso on the UMAP layout
 * exactly as on the PCA one, and switch back and forth without recomputing (the layout is kept per run).
 */
import { expect, test } from '@playwright/test';
import { waitIdle } from './helpers';
import { findMapPoint, loadedDetailId } from './map-helpers';
import { DIGITS, trainAndScore } from './train-helpers';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

test('UMAP on the embedding map: cancel, compute, click and lasso select, cached per run, no CSP violation', async ({
  page,
}) => {
  test.setTimeout(900_000);
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations?.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
    });
  });
  const policyLines: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|unsafe-eval/i.test(m.text())) policyLines.push(m.text());
  });
  page.on('pageerror', (e) => {
    if (/Content[- ]Security[- ]Policy|unsafe-eval/i.test(e.message)) policyLines.push(e.message);
  });

  await trainAndScore(page, DIGITS);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);
  const map = page.getByTestId('map-pca');
  const controls = page.getByTestId('map-projection');
  await expect(map).toHaveAttribute('data-layout', 'pca');
  await expect(controls).toHaveAttribute('data-umap', 'idle');

  // UMAP starts on demand; Cancel during the epochs stops it and the map keeps showing the PCA.
  await page.getByTestId('projection-umap').check();
  await expect(page.getByTestId('umap-progress')).toContainText('epoch', { timeout: 120_000 });
  await page.getByTestId('umap-cancel').click();
  await expect(controls).toHaveAttribute('data-umap', 'cancelled');
  await expect(map).toHaveAttribute('data-layout', 'pca');

  // Again, to the end: the map draws the UMAP layout.
  const started = Date.now();
  await page.getByTestId('umap-start').click();
  await expect(controls).toHaveAttribute('data-umap', 'done', { timeout: 300_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(map).toHaveAttribute('data-layout', 'umap');
  await expect(map.locator('figcaption')).toContainText('Embedding map (UMAP)');
  await expect(page.getByTestId('umap-done')).toContainText('1,797 points');
  test.info().annotations.push({ type: 'umap-digits-seconds', description: seconds.toFixed(1) });
  console.log(
    `UMAP on digits (1,797 × 64): ${seconds.toFixed(1)} s (${await page.getByTestId('umap-done').textContent()})`,
  );

  // A UMAP point: click it, the detail panel and the table show that sample.
  // Centre out: UMAP draws islands, so the first hit may be anywhere on the canvas.
  const point = await findMapPoint(page, 'pca', { from: 0.2, to: 0.85, step: 0.04 });
  await page.mouse.click(point.x, point.y);
  const id = await loadedDetailId(page, point.row);
  await expect(page.getByTestId('detail-id')).toHaveText(id);
  await expect(page.locator(`[data-testid="review-row"][data-row="${point.row}"]`)).toHaveAttribute(
    'aria-selected',
    'true',
  );

  // A lasso around that point on the UMAP layout selects it and its neighbours.
  const { x, y } = point;
  await page.mouse.move(x - 30, y - 30);
  await page.mouse.down();
  for (const [px, py] of [
    [x + 30, y - 30],
    [x + 30, y + 30],
    [x - 30, y + 30],
    [x - 30, y - 28],
  ] as const) {
    await page.mouse.move(px, py, { steps: 4 });
  }
  await page.mouse.up();
  await waitIdle(page);
  expect(Number(await page.getByTestId('selection-count').getAttribute('data-count'))).toBeGreaterThan(1);
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', /\d+/);

  // Back to PCA and to UMAP again: the layout is kept for the run, nothing is recomputed.
  await page.getByTestId('projection-pca').check();
  await expect(map).toHaveAttribute('data-layout', 'pca');
  await page.getByTestId('projection-umap').check();
  await expect(map).toHaveAttribute('data-layout', 'umap');
  await expect(controls).toHaveAttribute('data-umap', 'done');
  await expect(page.getByTestId('umap-progress')).toHaveCount(0);

  expect(await page.evaluate(() => window.__cspViolations ?? [])).toEqual([]);
  expect(policyLines).toEqual([]);
});
