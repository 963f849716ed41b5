/** Shared steps for the image e2e tests: the bundled image demo, choosing a zip, importing it with its plan. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { waitIdle } from './helpers';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The bundled image demo: 400 Fashion-MNIST images, 16 with a 3 × 3 checkerboard relabelled Bag. */
export const IMAGE_DEMO = path.resolve(HERE, '../public/demo/fashion_patch4.zip');

/** `../shared/datasets/<name>/<name>.zip`. */
export function sharedImageSet(name: string): string {
  return path.resolve(HERE, '../../shared/datasets', name, `${name}.zip`);
}

/** Chooses a zip in the start screen's picker and waits for the image import form (or a refusal). */
export async function uploadZip(page: Page, file: string): Promise<void> {
  await page.getByLabel('CSV file or image zip').setInputFiles(file);
  await expect(page.getByRole('heading', { name: `Import ${path.basename(file)}` })).toBeVisible();
  await waitIdle(page);
}

/** Uploads a zip, keeps the proposed plan, imports it and waits for its overview. */
export async function importZip(page: Page, file: string): Promise<void> {
  await uploadZip(page, file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('overview')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
}

/** How many records each dataset store holds, read raw from the page's IndexedDB. */
export async function imageStoreCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ['datasets', 'datasetArrays', 'datasetFiles', 'datasetImages'];
          const tx = db.transaction(names, 'readonly');
          const counts: Record<string, number> = {};
          for (const name of names) {
            const request = tx.objectStore(name).count();
            request.onsuccess = () => {
              counts[name] = request.result;
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}
