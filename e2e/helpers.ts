/** Shared steps for the e2e tests: find datasets, load the app, upload, import, and wait for the app (never sleep). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Download, expect, type Page } from '@playwright/test';

const HERE = path.dirname(fileURLToPath(import.meta.url));

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

/** Before any page script (`page.addInitScript(watchLongTasks)`): record every long task's duration. */
export function watchLongTasks(): void {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks?.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/** The `count` downloads that `action` starts. */
export async function downloads(page: Page, count: number, action: () => Promise<void>): Promise<Download[]> {
  const got: Download[] = [];
  const done = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      got.push(d);
      if (got.length === count) resolve();
    });
  });
  await action();
  await done;
  return got;
}

/** `../shared/datasets/<name>/<name>.csv` beside the repository (CI clones it with shared/ next to it). */
export function sharedDataset(name: string): string {
  return path.resolve(HERE, '../../shared/datasets', name, `${name}.csv`);
}

/** A file under e2e/fixtures/. */
export function fixture(name: string): string {
  return path.resolve(HERE, 'fixtures', name);
}

/** Hex SHA-256 of a file on disk. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Waits until the app's root says it is idle: no worker job, no storage work in flight. */
export async function waitIdle(page: Page): Promise<void> {
  await expect(page.getByTestId('app-root')).toHaveAttribute('data-state', 'idle');
}

/** Loads the app and waits for the stored datasets to be read. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await waitIdle(page);
}

/**
 * Reloads the page (jobs in flight die, stores are reread), then opens the start screen: a reload by itself returns
 * to the place in the URL (hash routing), and these tests go on from the list of datasets.
 */
export async function reloadToStart(page: Page): Promise<void> {
  await page.reload();
  await waitIdle(page);
  await page.goto('/');
  await waitIdle(page);
}

/** Chooses a CSV in the file picker and waits for the import form (or a preview failure). */
export async function uploadCsv(page: Page, file: string): Promise<void> {
  await page.getByLabel('CSV file').setInputFiles(file);
  await expect(page.getByRole('heading', { name: `Import ${path.basename(file)}` })).toBeVisible();
  await waitIdle(page);
}

/** Uploads a CSV, keeps the proposed roles, imports it and waits for its overview. */
export async function importCsv(page: Page, file: string): Promise<void> {
  await uploadCsv(page, file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
}

/** Checks the overview's counts. */
export async function expectOverview(
  page: Page,
  counts: { rows: number; features: number; classes: number },
): Promise<void> {
  await expect(page.getByTestId('overview-rows')).toHaveAttribute('data-value', String(counts.rows));
  await expect(page.getByTestId('overview-features')).toHaveAttribute('data-value', String(counts.features));
  await expect(page.getByTestId('overview-classes')).toHaveAttribute('data-value', String(counts.classes));
}

/** The row of a stored dataset in the start screen's list. */
export function datasetRow(page: Page, name: string) {
  return page.getByTestId('dataset-row').filter({ has: page.getByText(name, { exact: true }) });
}

/**
 * How many records each of `stores` (by default the CSV dataset stores) of the app's IndexedDB holds (read in the
 * page, after the app opened it).
 */
export async function storedRecordCounts(
  page: Page,
  stores: readonly string[] = ['datasets', 'datasetArrays', 'datasetFiles'],
): Promise<Record<string, number>> {
  return page.evaluate(
    (names) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
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
    [...stores],
  );
}

/** What the first stored dataset's packed arrays record says about itself, read raw from IndexedDB in the page. */
export async function probeStoredArrays(page: Page): Promise<{
  format: string;
  rows: number;
  featureCount: number;
  blobBytes: number;
  firstFeatures: number[];
  firstLine: number;
  ids: string[];
  /** Lowercase hex of every row's stored SHA-256, in row order. */
  rowSha256: string[];
}> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('datasetArrays').objectStore('datasetArrays').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = async () => {
            db.close();
            const [record] = request.result;
            const { rows, featureCount, blob } = record;
            // The documented layout (app/db/arrays.ts): rowStart, rowEnd (f64), features (f32), labels, lines (u32), sha.
            const buffer = await blob.arrayBuffer();
            const features = new Float32Array(buffer, 16 * rows, featureCount);
            const lines = new Uint32Array(buffer, 16 * rows + 4 * rows * featureCount + 4 * rows, rows);
            const sha = new Uint8Array(buffer, 16 * rows + 4 * rows * featureCount + 8 * rows, 32 * rows);
            const hex = (r: number) =>
              Array.from(sha.subarray(32 * r, 32 * r + 32), (b) => b.toString(16).padStart(2, '0')).join('');
            resolve({
              format: record.format,
              rows,
              featureCount,
              blobBytes: blob.size,
              firstFeatures: Array.from(features),
              firstLine: lines[0] ?? -1,
              ids: record.idText.split('\u0000'),
              rowSha256: Array.from({ length: rows }, (_, r) => hex(r)),
            });
          };
        };
      }),
  );
}
