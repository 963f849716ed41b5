/**
 * The CNN through the app's training screen (issue 11: two epochs of the 400-image demo took ~150 s there, ~1.3 s
 * through the train worker alone): the production build, the image demo imported through the start screen, the
 * training form's defaults with `--epochs` epochs, timed from the Start training click to the run's end; the run's
 * own elapsed time, backend and epoch ends are read from what the app stored.
 *
 *   npx tsx bench/images-train-screen.ts [--zip public/demo/fashion_patch4.zip] [--epochs 2] [--out name]
 *
 * Writes bench/results/images-train-screen.json (or `--out`).
 */
import os from 'node:os';
import path from 'node:path';
import { arg } from './dawn';
import { reportHeader, saveReport } from './report';
import { ensureBuild, freePort, importThroughApp, launchChromium, ROOT, startPreview } from './serve';

async function main(): Promise<void> {
  ensureBuild();
  const zip = path.resolve(arg('zip') ?? path.join(ROOT, 'public/demo/fashion_patch4.zip'));
  const epochs = Number(arg('epochs') ?? 2);
  const port = await freePort();
  const server = await startPreview(port);
  const browser = await launchChromium();
  const loadBefore = os.loadavg();
  try {
    const page = await browser.newPage();
    await importThroughApp(page, port, zip);
    await page.getByRole('button', { name: 'Train a model' }).click();
    const tb = performance.now();
    await page.getByTestId('backend-choice').waitFor({ timeout: 300_000 });
    const backendReadyMs = performance.now() - tb;
    const model = await page.getByRole('combobox', { name: 'Model' }).inputValue();
    await page.getByLabel('Epochs', { exact: true }).fill(String(epochs));
    const t0 = performance.now();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.locator('[data-testid="shown-run"][data-status="done"]').waitFor({ timeout: 1_200_000 });
    const wallMs = performance.now() - t0;
    const run = await page.evaluate(
      () =>
        new Promise<{
          elapsedMs: number;
          backend: { backend: string; reason: string } | null;
          settings: Record<string, unknown>;
        }>((resolve, reject) => {
          const open = indexedDB.open('sift');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const all = db.transaction('runs', 'readonly').objectStore('runs').getAll();
            all.onsuccess = () => {
              db.close();
              resolve(all.result[0]);
            };
            all.onerror = () => reject(all.error);
          };
        }),
    );
    const report = {
      ...reportHeader('images-train-screen'),
      loadAverageBefore: loadBefore,
      chromium: browser.version(),
      command: `npx tsx bench/images-train-screen.ts ${process.argv.slice(2).join(' ')}`,
      zip: path.relative(ROOT, zip),
      model,
      epochs,
      backendReadyMs: Math.round(backendReadyMs),
      wallMs: Math.round(wallMs),
      run: { elapsedMs: Math.round(run.elapsedMs), backend: run.backend, settings: run.settings },
    };
    saveReport(arg('out') ?? 'images-train-screen', report);
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
