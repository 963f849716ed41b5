/**
 * Every hostile archive of scripts/make-hostile-archives.ts (bombs, path tricks, symlinks, duplicates, nested and
 * encrypted entries, a million empty entries...) through the real file picker of the built app: each must end in a
 * clear message that names the entry it trips on, with nothing stored, no page error and no long task over 1 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type HostileArchive, hostileArchives, millionEmptyEntries } from '../scripts/make-hostile-archives';
import { GENERATED_DIR } from '../scripts/make-hostile-fixtures';
import { openApp, waitIdle, watchLongTasks } from './helpers';
import { imageStoreCounts } from './image-helpers';

/** Chooses the archive in the picker and follows it to its message: a refusal, the form's errors, or the import's. */
async function refusalOf(page: Page, file: string, totalLimit?: number): Promise<string> {
  await page.getByLabel('CSV file or image zip').setInputFiles(file);
  const form = page.getByRole('heading', { name: `Import ${path.basename(file)}` });
  await expect(form.or(page.getByRole('alert')).first()).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  if (!(await form.isVisible())) return (await page.getByRole('alert').first().textContent()) ?? '';
  const previewErrors = page.getByTestId('preview-errors');
  if (await previewErrors.isVisible()) return (await previewErrors.textContent()) ?? '';
  if (totalLimit !== undefined) {
    await page.locator('details.limits > summary').click();
    await page.getByLabel('Max bytes in all (inflated)').fill(String(totalLimit));
    await expect(page.getByTestId('preview-rechecking')).toHaveCount(0, { timeout: 180_000 });
    await waitIdle(page);
  }
  // Nothing refused it yet: importing must, naming the entry (the decode and byte caps act on the real bytes).
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const importError = page.getByTestId('import-error');
  await expect(importError.or(page.getByTestId('overview'))).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  return (await importError.isVisible()) ? ((await importError.textContent()) ?? '') : 'IMPORTED';
}

test('every hostile archive is refused with a message naming its entry, storing nothing', async ({
  page,
}) => {
  test.setTimeout(900_000);
  const dir = path.join(GENERATED_DIR, 'hostile-archives');
  mkdirSync(dir, { recursive: true });
  const archives: HostileArchive[] = [
    ...hostileArchives(),
    { name: 'million-empty-entries.zip', code: 'too-many-entries', bytes: await millionEmptyEntries() },
  ];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => errors.push(`dialog: ${d.message()}`));
  await page.addInitScript(watchLongTasks);
  const outcomes: string[] = [];
  for (const archive of archives) {
    const file = path.join(dir, archive.name);
    writeFileSync(file, archive.bytes);
    await openApp(page);
    // The total-bytes bomb is sized for the default 2 GiB; here it is refused under a 256 MiB total set in the form,
    // so the test inflates an eighth of it on two shared cores (the same guard, at the analyst's limit).
    const text = await refusalOf(
      page,
      file,
      archive.code === 'too-many-bytes' ? 256 * 1024 * 1024 : undefined,
    );
    const longest = Math.max(0, ...(await page.evaluate(() => window.__longTasks ?? [])));
    const stored = await imageStoreCounts(page);
    outcomes.push(`${archive.name}: longest task ${Math.round(longest)} ms; ${text.slice(0, 160)}`);
    expect.soft(text, archive.name).not.toBe('IMPORTED');
    expect.soft(text, archive.name).toContain(archive.name);
    if (archive.entry) expect.soft(text, archive.name).toContain(archive.entry);
    expect
      .soft(stored, archive.name)
      .toEqual({ datasets: 0, datasetArrays: 0, datasetFiles: 0, datasetImages: 0 });
    expect.soft(longest, `${archive.name}: longest main-thread task (ms)`).toBeLessThan(1000);
  }
  console.log(outcomes.join('\n'));
  expect(outcomes).toHaveLength(archives.length);
  expect(errors).toEqual([]);
});
