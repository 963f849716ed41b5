/**
 * WebGPU in CI runs on Chromium's software adapter (SwiftShader), 50-100× slower than WASM: these tests keep it to
 * tiny models, to check that the WebGPU path computes the same numbers as WASM and that the automatic choice
 * does not pick a software adapter.
 */
import { writeFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { createRng } from '../workers/core/random';
import {
  importAndOpenTraining,
  setSettings,
  startTraining,
  storedEpochLosses,
  waitRunEnded,
} from './train-helpers';

/**
 * Largest relative difference allowed between WebGPU and WASM. Measured here on SwiftShader (2026-12-04, load
 * average ~11): 7.3e-7 in the backend check (two epochs, final softmax and losses), 1.9e-7 on the forced run's
 * batch losses; the README quotes these. The bound leaves a factor of ~14 for other drivers' float rounding
 * (the old bound, 1e-3, let through errors a thousand times larger than any measured).
 */
const AGREEMENT = 1e-5;

/**
 * Largest difference allowed between the scores of one run scored on WebGPU and on WASM, as a fraction of each
 * score's range: its folds retrain on each backend (float rounding grows over training steps) and its scores are
 * sums and products in float32. A wrong kernel moves scores by a sizeable share of their range.
 */
const SCORE_AGREEMENT = 1e-4;

test('the automatic choice does not pick the software WebGPU adapter, and says why', async ({ page }) => {
  await importAndOpenTraining(page);
  const gpu = page.getByTestId('backend-probes').locator('tr[data-backend="webgpu"]');
  await expect(gpu).toContainText('swiftshader');
  await expect(gpu).toContainText('not timed: software adapter');
  const choice = page.getByTestId('backend-choice');
  await expect(choice).not.toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('backend-choice-reason')).toContainText('WebGPU adapter is software');
});

test('WebGPU and WASM agree on a tiny seeded model', async ({ page }) => {
  await importAndOpenTraining(page);
  await page.getByRole('button', { name: 'Check backends agree' }).click();
  const check = page.getByTestId('backend-check');
  await expect(check).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(check.locator('tr[data-backend="wasm"]')).toHaveAttribute('data-ok', 'true');
  const gpu = check.locator('tr[data-backend="webgpu"]');
  await expect(gpu).toHaveAttribute('data-ok', 'true');
  const difference = Number(await gpu.getAttribute('data-difference'));
  console.log(`backend check: WebGPU vs WASM largest relative difference ${difference.toExponential(2)}`);
  expect(difference).toBeGreaterThanOrEqual(0);
  expect(difference).toBeLessThan(AGREEMENT);
});

test('a run forced onto WebGPU trains and scores, and matches the same run on WASM', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  // 64 rows × 8 features, 2 classes: one epoch is 4 batches of 13 rows on SwiftShader.
  const rng = createRng(9);
  const lines = ['id,label,f0,f1,f2,f3,f4,f5,f6,f7'];
  for (let r = 0; r < 64; r++) {
    const y = r % 2;
    const f = Array.from({ length: 8 }, (_, k) => (y * (k % 3) + rng.next()).toFixed(4));
    lines.push([`s${r}`, y, ...f].join(','));
  }
  const file = testInfo.outputPath('tiny.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  await importAndOpenTraining(page, file);
  await setSettings(page, { Epochs: '1', 'Batch size': '16', 'Hidden sizes': '8' });
  const backend = page.getByRole('combobox', { name: 'Backend', exact: true });
  await backend.selectOption('webgpu');
  await startTraining(page);
  await waitRunEnded(page, 'done', 150_000);
  await expect(page.getByTestId('run-backend')).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('run-backend-reason')).toContainText('forced');

  await backend.selectOption('wasm');
  await startTraining(page);
  await waitRunEnded(page, 'done');
  await expect(page.getByTestId('run-backend')).toHaveAttribute('data-backend', 'wasm');

  const [gpuRun, wasmRun] = await storedEpochLosses(page);
  expect(gpuRun.backend).toBe('webgpu');
  expect(wasmRun.backend).toBe('wasm');
  expect(gpuRun.batchLoss).toHaveLength(4);
  for (const key of ['trainLoss', 'valLoss', 'batchLoss'] as const) {
    expect(gpuRun[key]).toHaveLength(wasmRun[key].length);
    const worst = Math.max(
      ...gpuRun[key].map((v, i) => {
        const w = wasmRun[key][i];
        return Math.abs(v - w) / Math.max(Math.abs(w), 1e-6);
      }),
    );
    console.log(`forced run: ${key} largest relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(AGREEMENT);
  }

  // Scoring follows the backend setting too (issue 15): the WASM run scored with WebGPU forced (its folds and its
  // scores on WebGPU) and with WASM gives the same scores to float noise.
  for (const name of ['webgpu', 'wasm']) {
    await backend.selectOption(name);
    await page.getByTestId('score-folds').fill('2');
    await page.getByTestId('score-cv-epochs').fill('1');
    await page.getByTestId('score-calibrate').uncheck();
    await page.getByTestId('score-start').click();
    await expect(page.getByTestId('score-backend')).toHaveAttribute('data-backend', name, {
      timeout: 300_000,
    });
    await expect(page.getByTestId('score-backend-reason')).toContainText('forced by the backend setting');
  }
  const [gpuScores, wasmScores] = await storedScores(page);
  expect([gpuScores?.backend, wasmScores?.backend]).toEqual(['webgpu', 'wasm']);
  const names = Object.keys(wasmScores?.scores ?? {});
  expect(names.length).toBeGreaterThan(5);
  let worst = 0;
  for (const name of names) {
    const a = gpuScores?.scores[name] ?? [];
    const b = wasmScores?.scores[name] ?? [];
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    const scale = Math.max(1e-12, ...b.filter(Number.isFinite).map(Math.abs));
    b.forEach((v, i) => {
      if (Number.isNaN(v)) expect(a[i]).toBeNaN();
      else worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - v) / scale);
    });
  }
  console.log(
    `scores: WebGPU against WASM, largest difference ${worst.toExponential(2)} of each score's range`,
  );
  expect(worst).toBeLessThan(SCORE_AGREEMENT);
});

/** The finished score sets in IndexedDB, oldest first: their backend and every score as plain numbers. */
function storedScores(page: Page): Promise<{ backend: string; scores: Record<string, number[]> }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('sift');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('scores', 'readonly').objectStore('scores').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            type Stored = {
              status: string;
              createdAt: number;
              backend: { backend: string } | null;
              scoreSet?: { scores: Record<string, Float32Array> };
            };
            const done = (all.result as Stored[]).filter((r) => r.status === 'done' && r.scoreSet);
            resolve(
              done
                .sort((a, b) => a.createdAt - b.createdAt)
                .map((r) => ({
                  backend: r.backend?.backend ?? '',
                  scores: Object.fromEntries(
                    Object.entries(r.scoreSet?.scores ?? {}).map(([k, v]) => [k, Array.from(v)]),
                  ),
                })),
            );
          };
        };
      }),
  );
}
