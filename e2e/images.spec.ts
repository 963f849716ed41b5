/**
 * Image datasets through the screens (issue 11): a zip imported with its detected plan, stored by the ingest worker
 * (pixels, the zip, each file's SHA-256, the overview record), shown as class means and thumbnails.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { datasetRow, fileSha256, openApp, reloadToStart, waitIdle } from './helpers';
import { IMAGE_DEMO, imageStoreCounts, uploadZip } from './image-helpers';

test('a zip of class folders imports into an image overview that survives a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  await uploadZip(page, IMAGE_DEMO);
  await expect(page.getByTestId('detected-layout')).toHaveAttribute('data-value', 'class-folders');
  await expect(page.getByTestId('detected-images')).toHaveAttribute('data-value', '400');
  await expect(page.getByTestId('detected-classes')).toHaveAttribute('data-value', '10');
  await expect(page.getByTestId('detected-size')).toContainText('28 × 28 (400)');
  await expect(page.getByTestId('detected-colour')).toHaveText('every image is grey');
  await expect(page.getByTestId('shape-height')).toHaveValue('28');
  await expect(page.getByTestId('shape-width')).toHaveValue('28');
  await expect(page.getByTestId('shape-channels')).toHaveValue('1');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);

  await expect(page.getByTestId('overview-rows')).toHaveAttribute('data-value', '400');
  await expect(page.getByTestId('overview-classes')).toHaveAttribute('data-value', '10');
  await expect(page.getByTestId('overview-shape')).toHaveAttribute('data-value', '28x28x1');
  await expect(page.getByTestId('overview-sha256')).toHaveText(fileSha256(IMAGE_DEMO));
  await expect(page.getByTestId('import-summary')).toContainText('Imported 400 images in');
  await expect(page.getByTestId('class-balance').locator('rect')).toHaveCount(10);
  await expect(page.getByTestId('class-means').locator('canvas[data-drawn="true"]')).toHaveCount(10);
  await expect(page.getByTestId('class-thumbnails').locator('canvas[data-drawn="true"]')).toHaveCount(120);
  expect(await imageStoreCounts(page)).toEqual({
    datasets: 1,
    datasetArrays: 1,
    datasetFiles: 1,
    datasetImages: 1,
  });
  // The stored file is the zip, byte for byte; the pixels are uint8, 784 a row.
  const stored = await page.evaluate(
    () =>
      new Promise<{ format: string; blobBytes: number; zip: number[] }>((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['datasetArrays', 'datasetFiles']);
          const arrays = tx.objectStore('datasetArrays').getAll();
          const files = tx.objectStore('datasetFiles').getAll();
          tx.oncomplete = async () => {
            db.close();
            const [a] = arrays.result;
            const [f] = files.result;
            resolve({
              format: a.format,
              blobBytes: a.blob.size,
              zip: Array.from(new Uint8Array(await f.blob.arrayBuffer())),
            });
          };
        };
      }),
  );
  expect(stored.format).toBe('sift-image-arrays/1');
  // Per image: file size (8), label (4), native width and height (4 + 4), SHA-256 (32), pixels (784).
  expect(stored.blobBytes).toBe(400 * (8 + 4 + 4 + 4 + 32 + 784));
  expect(Buffer.from(stored.zip).equals(readFileSync(IMAGE_DEMO))).toBe(true);

  await reloadToStart(page);
  const row = datasetRow(page, 'fashion_patch4');
  await expect(row).toContainText('400');
  await row.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('overview-shape')).toHaveAttribute('data-value', '28x28x1');
  await expect(page.getByTestId('class-means').locator('canvas[data-drawn="true"]')).toHaveCount(10);
  expect(errors).toEqual([]);
});
