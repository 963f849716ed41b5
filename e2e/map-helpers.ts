/** The review maps in e2e: find a drawn point by hovering, waiting for each hover's answer (never sleeping). */
import { expect, type Page } from '@playwright/test';

/**
 * Moves over a map (`map-canvas-<space>`) on a grid from `from` to `to` (fractions of its box) until the tooltip shows
 * a point; returns the row and where it is. Each move waits for the review worker's hit test to answer.
 */
export async function findMapPoint(
  page: Page,
  space: 'pca' | 'cartography' = 'pca',
  grid: { from: number; to: number; step: number } = { from: 0.3, to: 0.8, step: 0.05 },
): Promise<{ row: number; x: number; y: number }> {
  const canvas = page.getByTestId(`map-canvas-${space}`);
  await canvas.scrollIntoViewIfNeeded();
  await expect(canvas).toHaveAttribute('data-ready', 'true');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('map not visible');
  const tip = page.getByTestId('map-tip');
  for (let gy = grid.from; gy < grid.to; gy += grid.step) {
    for (let gx = grid.from; gx < grid.to; gx += grid.step) {
      const x = box.x + gx * box.width;
      const y = box.y + gy * box.height;
      await page.mouse.move(x, y);
      await expect(canvas).toHaveAttribute('data-hover', 'idle');
      if (await tip.isVisible()) return { row: Number(await tip.getAttribute('data-row')), x, y };
    }
  }
  throw new Error('no map point found');
}

/** The id the detail panel shows once it has loaded the sample at `row` (the detail arrives from the review worker). */
export async function loadedDetailId(page: Page, row: number): Promise<string> {
  const detail = page.getByTestId('review-detail');
  await expect(detail).toHaveAttribute('data-row', String(row));
  await expect(detail).toHaveAttribute('data-id', /.+/);
  return (await detail.getAttribute('data-id')) ?? '';
}
