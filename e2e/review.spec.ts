/**
 * Review, quarantine and export on the demo set digits_backdoor3 (issue 5 "Checks"): train, score, quarantine the
 * top 54 by suspicion (table) after a lasso on the map (quarantined, undone, redone, restored), close the page
 * without warning and reopen, export, then check the files: counts, ids, byte-identical kept rows, signature, and
 * that one changed byte in the manifest or the clean CSV fails verification naming what changed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { runVerify } from '../scripts/verify';
import { parseManifest } from '../workers/core/manifest/schema';
import { verifyManifest } from '../workers/core/manifest/sign';
import type { Manifest } from '../workers/core/manifest/types';
import { downloads, openApp, sharedDataset, waitIdle } from './helpers';
import { findMapPoint, loadedDetailId } from './map-helpers';
import { trainAndScore } from './train-helpers';

const FILE = sharedDataset('digits_backdoor3');
const ROWS = 1797;
const TOP = 54;

async function waitReviewReady(page: Page): Promise<void> {
  await expect(page.getByTestId('review-view')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await waitIdle(page);
}

async function openReview(page: Page): Promise<void> {
  await page.getByTestId('open-review').click();
  await waitReviewReady(page);
}

function quarantinedCount(page: Page) {
  return page.getByTestId('quarantined-count');
}

/** Data lines of a CSV whose fields hold no quoted line breaks (digits): header first. */
function lines(bytes: Buffer): string[] {
  return bytes
    .toString('latin1')
    .split(/\r?\n/)
    .filter((l) => l !== '');
}

test('review: map click, lasso, keyboard, undo/redo, top-54 quarantine, reopen, signed export and verify', async ({
  page,
  context,
}) => {
  test.setTimeout(900_000);
  await trainAndScore(page, FILE);
  // The scores screen's "Review suspects" opens the review of that score set.
  await page.getByTestId('review-suspects').click();
  await waitReviewReady(page);
  await expect(page.getByTestId('review-row').first()).toBeVisible();

  // A map point: click it, the table and the detail panel show that sample.
  const point = await findMapPoint(page);
  await page.mouse.click(point.x, point.y);
  const pointId = await loadedDetailId(page, point.row);
  await expect(page.getByTestId('detail-id')).toHaveText(pointId);
  await expect(page.locator(`[data-testid="review-row"][data-row="${point.row}"]`)).toHaveAttribute(
    'aria-selected',
    'true',
  );
  // The suspicion and the thirteen scores, one row each.
  await expect(page.getByTestId('detail-scores').locator('tbody tr')).toHaveCount(14);
  // As many neighbours as the score set's kNN scores used (k = 10 by default).
  await expect(page.getByTestId('detail-neighbours').locator('tbody tr')).toHaveCount(10);

  // Lasso on the map: a box around the clicked point.
  const { x, y } = point;
  await page.mouse.move(x - 40, y - 40);
  await page.mouse.down();
  for (const [px, py] of [
    [x + 40, y - 40],
    [x + 40, y + 40],
    [x - 40, y + 40],
    [x - 40, y - 38],
  ] as const) {
    await page.mouse.move(px, py, { steps: 4 });
  }
  await page.mouse.up();
  await waitIdle(page);
  const lassoed = Number(await page.getByTestId('selection-count').getAttribute('data-count'));
  expect(lassoed).toBeGreaterThan(1);
  // Keyboard: q quarantines the selection, u undoes, shift+u redoes, ctrl+y after undo redoes, r restores.
  await page.getByTestId('review-view').focus();
  await page.keyboard.press('q');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', String(lassoed));
  await page.keyboard.press('u');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', '0');
  await page.keyboard.press('Shift+U');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', String(lassoed));
  await page.keyboard.press('u');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', '0');
  await page.keyboard.press('Control+y');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', String(lassoed));
  await page.keyboard.press('r');
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', '0');

  // j/k move through the table in its order.
  const rows = page.getByTestId('review-row');
  const first = await rows.nth(0).getAttribute('data-row');
  const second = await rows.nth(1).getAttribute('data-row');
  const third = await rows.nth(2).getAttribute('data-row');
  await rows.nth(0).click();
  await page.getByTestId('review-view').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', third ?? '');
  await page.keyboard.press('k');
  await expect(page.getByTestId('review-detail')).toHaveAttribute('data-row', second ?? '');
  expect(first).not.toBe(second);

  // The top 54 by suspicion, through the table.
  await page.getByTestId('top-n').fill(String(TOP));
  await page.getByTestId('select-top').click();
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', String(TOP));
  await page.getByTestId('reason').fill('top suspicion, backdoor review');
  await page.getByTestId('quarantine').click();
  await expect(quarantinedCount(page)).toHaveAttribute('data-count', String(TOP));
  await waitIdle(page);

  // Close the page without a warning, reopen in the same profile: the decisions are there.
  await page.close({ runBeforeUnload: false });
  const again = await context.newPage();
  await openApp(again);
  await again.getByTestId('dataset-row').first().getByRole('button', { name: 'Open' }).click();
  await expect(again.getByTestId('overview')).toBeVisible();
  await openReview(again);
  await expect(quarantinedCount(again)).toHaveAttribute('data-count', String(TOP));

  // Export: four files through a[download] with blob: URLs under the app's CSP.
  await expect(again.getByTestId('export-all')).toHaveText(
    'Export the signed manifest, the clean and quarantine CSVs and the review CSV',
  );
  const files = await downloads(again, 4, () => again.getByTestId('export-all').click());
  const dir = mkdtempSync(path.join(tmpdir(), 'sift-review-'));
  const saved: Record<string, string> = {};
  for (const d of files) {
    const name = d.suggestedFilename();
    const to = path.join(dir, name);
    await d.saveAs(to);
    saved[name.replace(/^.*?\.(manifest\.json|clean\.csv|quarantine\.csv|review\.csv)$/, '$1')] = to;
  }
  expect(Object.keys(saved).sort()).toEqual(['clean.csv', 'manifest.json', 'quarantine.csv', 'review.csv']);
  const manifestText = readFileSync(saved['manifest.json'] as string, 'utf8');
  const parsed = parseManifest(manifestText);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const manifest: Manifest = parsed.manifest;
  expect(manifest.summary).toEqual({ kept: ROWS - TOP, quarantined: TOP });
  const tfjsPackage = new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url);
  const tfjsVersion = (JSON.parse(readFileSync(tfjsPackage, 'utf8')) as { version: string }).version;
  expect(manifest.tool).toMatchObject({ name: 'Sift', tfjs: tfjsVersion });
  expect(manifest.tool.backend).toMatch(/^(wasm|cpu|webgl|webgpu)$/);
  expect(manifest.dataset.rows).toBe(ROWS);
  const quarantined = manifest.samples.filter((s) => s.decision === 'quarantine');
  const kept = manifest.samples.filter((s) => s.decision === 'keep');
  expect(quarantined).toHaveLength(TOP);
  expect(quarantined.every((s) => s.reasons.includes('backdoor review'))).toBe(true);
  // The quarantined are the top 54 by suspicion.
  const minQ = Math.min(...quarantined.map((s) => s.scores.suspicion ?? -1));
  const maxK = Math.max(...kept.map((s) => s.scores.suspicion ?? -1));
  expect(minQ).toBeGreaterThanOrEqual(maxK);

  // Clean CSV: the header and the kept rows, byte for byte; no quarantined id.
  const input = readFileSync(FILE);
  const clean = readFileSync(saved['clean.csv'] as string);
  const inputLines = lines(input);
  const cleanLines = lines(clean);
  expect(cleanLines[0]).toBe(inputLines[0]);
  expect(cleanLines.slice(1)).toEqual(kept.map((s) => inputLines[s.row + 1]));
  const cleanIds = new Set(cleanLines.slice(1).map((l) => l.split(',')[0]));
  for (const s of quarantined) expect(cleanIds.has(s.id)).toBe(false);
  const quarantineLines = lines(readFileSync(saved['quarantine.csv'] as string));
  expect(quarantineLines.slice(1)).toEqual(quarantined.map((s) => inputLines[s.row + 1]));
  expect(readFileSync(saved['review.csv'] as string, 'utf8').split('\r\n')[0]).toMatch(
    /^id,label,decision,reasons,suspicion,.*,note$/,
  );

  // The signature and every row verify (Node WebCrypto), through the core and through `npm run verify`.
  const result = await verifyManifest(manifest, new Uint8Array(clean));
  expect(result.problems).toEqual([]);
  const out: string[] = [];
  const err: string[] = [];
  const cli = (argv: string[]) => runVerify(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  expect(await cli([saved['manifest.json'] as string, saved['clean.csv'] as string])).toBe(0);

  // One byte changed in the manifest, then in the clean CSV: verification fails naming what changed.
  const tamperedManifest = path.join(dir, 'tampered.manifest.json');
  writeFileSync(tamperedManifest, manifestText.replace(`"quarantined": ${TOP}`, `"quarantined": ${TOP + 1}`));
  expect(await cli([tamperedManifest])).toBe(1);
  expect(err).toContain('MISMATCH manifest field "summary.quarantined" changed: signature does not verify');
  const edited = Buffer.from(clean);
  const lastKept = kept[kept.length - 1] as Manifest['samples'][number];
  const at = edited.lastIndexOf(Buffer.from(lastKept.id)) + lastKept.id.length + 1; // the label digit
  edited[at] = edited[at] === 0x31 ? 0x32 : 0x31;
  const tamperedCsv = path.join(dir, 'tampered.clean.csv');
  writeFileSync(tamperedCsv, edited);
  err.length = 0;
  expect(await cli([saved['manifest.json'] as string, tamperedCsv])).toBe(1);
  expect(err).toEqual([`MISMATCH row ${kept.length} (id ${lastKept.id}): sha256 differs from the manifest`]);

  // Dropping the files on the app verifies them there too, and names the change.
  await again
    .getByTestId('verify-input')
    .setInputFiles([saved['manifest.json'] as string, saved['clean.csv'] as string]);
  await expect(again.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  await again.getByTestId('verify-input').setInputFiles([saved['manifest.json'] as string, tamperedCsv]);
  await expect(again.getByTestId('verify-result')).toHaveAttribute('data-ok', 'false');
  await expect(again.getByTestId('verify-problem')).toHaveText([
    `row ${kept.length} (id ${lastKept.id}): sha256 differs from the manifest`,
  ]);
});
