/**
 * The review maps of issue 13, in the real app: the runs list marks a run scored once it is; each map has a colour
 * key (with the dataset's class names, read from the file here) and axis names; filters and "selection only" reach
 * the maps (fewer points drawn, "showing N of M" against the table); a map grows when its corner is dragged.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { sharedDataset, waitIdle } from './helpers';
import { scoreShownRun, trainForScoring } from './train-helpers';

const FILE = sharedDataset('breast_cancer_flip10');

/** The distinct values of the file's `label` column (the file has no quoted fields). */
function fileClasses(): string[] {
  const lines = readFileSync(FILE, 'utf8').trim().split(/\r?\n/);
  const column = (lines[0] ?? '').split(',').indexOf('label');
  return [...new Set(lines.slice(1).map((l) => l.split(',')[column] ?? ''))].sort();
}

/** Points drawn and points the map has, once the map is drawn for the table as it is now. */
async function mapCount(
  page: Page,
  space: 'pca' | 'cartography',
): Promise<{ drawn: number; points: number }> {
  await waitIdle(page);
  await expect(page.getByTestId(`map-canvas-${space}`)).toHaveAttribute('data-ready', 'true');
  const count = page.getByTestId(`map-count-${space}`);
  const drawn = Number(await count.getAttribute('data-drawn'));
  const points = Number(await count.getAttribute('data-points'));
  await expect(count).toHaveText(
    `showing ${drawn.toLocaleString('en-US')} of ${points.toLocaleString('en-US')} samples${drawn < points ? ' (the filters’ rows)' : ''}`,
  );
  return { drawn, points };
}

test('runs list marks scored runs; map legends, axes, filters, selection only and resizing', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await trainForScoring(page, FILE);
  const run = page.getByTestId('run-row').first();
  await expect(run.getByTestId('run-scored')).toHaveAttribute('data-count', '0');
  await expect(run.getByTestId('run-scored')).toHaveText('not scored');
  await scoreShownRun(page);
  await expect(run.getByTestId('run-scored')).toHaveAttribute('data-count', '1');
  await expect(run.getByTestId('run-scored')).toContainText('scored once');

  // The runs list's Review opens that scoring's review.
  await run.getByTestId('run-review').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);

  // Colour key: by label, one entry per class of the file; by decision, the three decisions.
  const legend = page.getByTestId('map-legend-pca');
  for (const c of fileClasses())
    await expect(legend.locator('li', { hasText: new RegExp(`^\\s*${c}$`) })).toHaveCount(1);
  await expect(legend).toContainText('colour: given label');
  await expect(legend).toContainText('selected (0)');
  await page.getByTestId('map-pca').getByLabel('colour by').selectOption('decision');
  await expect(legend).toHaveAttribute('data-by', 'decision');
  for (const d of ['undecided', 'kept', 'quarantined']) await expect(legend).toContainText(d);
  await expect(page.getByTestId('map-legend-cartography')).toContainText('colour: given label');

  // Axis names as the plotted numbers are computed; cartography's ends show the range its points span.
  await expect(page.getByTestId('map-axis-x-pca')).toContainText('1st principal component');
  await expect(page.getByTestId('map-axis-y-pca')).toContainText('2nd principal component');
  await expect(page.getByTestId('map-axis-x-cartography')).toContainText(
    'variability: std over epochs of the probability of the given label',
  );
  await expect(page.getByTestId('map-axis-y-cartography')).toContainText(
    'confidence: mean over epochs of the probability of the given label',
  );
  // Cartography's y ends: the smaller confidence is drawn below the larger, as the points are.
  const yEnds = page.getByTestId('map-axis-y-cartography').locator('span');
  await expect(yEnds).toHaveCount(3);
  const low = { value: Number(await yEnds.first().textContent()), box: await yEnds.first().boundingBox() };
  const high = { value: Number(await yEnds.last().textContent()), box: await yEnds.last().boundingBox() };
  expect(low.value).toBeLessThan(high.value);
  expect(low.box?.y ?? 0).toBeGreaterThan(high.box?.y ?? 0);

  // Unfiltered, every point is drawn; a class filter draws fewer, never more than the table's rows.
  const all = await mapCount(page, 'pca');
  expect(all.drawn).toBe(all.points);
  expect(all.points).toBeGreaterThan(100);
  await page.getByTestId('review-filters').getByLabel('Class').selectOption({ index: 1 });
  const filtered = await mapCount(page, 'pca');
  const tableRows = Number(await page.getByTestId('review-table').getAttribute('aria-rowcount')) - 1;
  expect(filtered.points).toBe(all.points);
  expect(filtered.drawn).toBeLessThan(all.points);
  expect(filtered.drawn).toBeGreaterThan(0);
  expect(filtered.drawn).toBeLessThanOrEqual(tableRows);
  expect((await mapCount(page, 'cartography')).drawn).toBe(filtered.drawn);
  await page.getByTestId('review-filters').getByLabel('Class').selectOption({ index: 0 });
  expect((await mapCount(page, 'pca')).drawn).toBe(all.points);

  // Selection only: the five most suspicious rows (scored, so on both maps) and nothing else.
  await page.getByTestId('top-n').fill('5');
  await page.getByTestId('select-top').click();
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '5');
  await expect(legend).toContainText('selected (5)');
  await page.getByTestId('selection-only').check();
  expect(await mapCount(page, 'pca')).toEqual({ drawn: 5, points: all.points });
  expect(await mapCount(page, 'cartography')).toEqual({ drawn: 5, points: all.points });
  await page.getByTestId('selection-only').uncheck();
  expect((await mapCount(page, 'pca')).drawn).toBe(all.points);

  // Resizing: dragging the map's lower-right corner redraws it wider and taller; an arrow key widens it by a step.
  const canvas = page.getByTestId('map-canvas-pca');
  await page.getByTestId('map-resize-pca').scrollIntoViewIfNeeded();
  const before = await canvas.boundingBox();
  const corner = await page.getByTestId('map-resize-pca').boundingBox();
  if (!before || !corner) throw new Error('map not visible');
  await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
  await page.mouse.down();
  await page.mouse.move(corner.x + 120, corner.y + 60, { steps: 5 });
  await page.mouse.up();
  await expect(canvas).not.toHaveAttribute('data-width', String(Math.round(before.width)));
  await expect(canvas).toHaveAttribute('data-ready', 'true');
  // The pointer went down at the corner's centre and up 120 px right of its left edge.
  const moved = 120 - corner.width / 2;
  expect(
    Math.abs(Number(await canvas.getAttribute('data-width')) - (before.width + moved)),
  ).toBeLessThanOrEqual(1);
  const after = await canvas.boundingBox();
  expect(after?.height ?? 0).toBeGreaterThan(before.height + 30);
  const wide = Number(await canvas.getAttribute('data-width'));
  await page.getByTestId('map-resize-pca').press('ArrowRight');
  await expect(canvas).toHaveAttribute('data-width', String(wide + 40));
  await expect(canvas).toHaveAttribute('data-ready', 'true');
  expect((await mapCount(page, 'pca')).drawn).toBe(all.points);
  // Layout: at 1440 px the maps sit below the table and the detail; on a wide screen, beside them.
  const box = async (testId: string) => {
    const b = await page.getByTestId(testId).boundingBox();
    if (!b) throw new Error(`${testId} is not on the page`);
    return b;
  };
  const [detail, maps] = [await box('review-detail'), await box('review-maps')];
  expect(maps.x).toBeLessThan(detail.x);
  expect(maps.y).toBeGreaterThan(detail.y);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect
    .poll(async () => (await box('review-maps')).x)
    .toBeGreaterThanOrEqual((await box('review-detail')).x + (await box('review-detail')).width);
  expect((await box('review-maps')).y).toBeLessThan((await box('review-detail')).y + 200);
  await page.screenshot({ path: 'test-results/review-maps.png', fullPage: true });
});

test('a sample far from all others is drawn on the map’s edge, and the map says so, instead of squeezing the rest', async ({
  page,
}) => {
  test.setTimeout(600_000);
  // 300 rows of two classes on a grid of small whole numbers, and one row whose features are all 5,000.
  const lines = ['id,label,a,b,c,d'];
  for (let i = 0; i < 300; i++) {
    const k = i % 2;
    lines.push(`r${i},${k},${(i % 7) + 10 * k},${(i % 5) - 10 * k},${(i % 3) + 5 * k},${i % 11}`);
  }
  lines.push('far,1,5000,5000,5000,5000');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sift-far-')), 'far-point.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  await trainForScoring(page, file);
  await scoreShownRun(page);
  await page.getByTestId('review-suspects').click();
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('map-canvas-pca')).toHaveAttribute('data-ready', 'true');
  const beyond = page.getByTestId('map-beyond-pca');
  const count = Number(await beyond.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(1);
  // At most the half-percent at each end of each axis (1 of 301 points each): 4.
  expect(count).toBeLessThanOrEqual(4);
  await expect(beyond).toHaveText(
    count === 1
      ? '1 sample lies far from the others and is drawn on the map’s edge.'
      : `${count} samples lie far from the others and are drawn on the map’s edge.`,
  );
});
