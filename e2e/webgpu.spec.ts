/**
 * WebGPU in CI runs on Chromium's software adapter (SwiftShader), 50-100× slower than WASM: these tests keep it to
 * tiny models, to check that the WebGPU path computes the same numbers as WASM and that the automatic choice
 * does not pick a software adapter.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
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

test('a run forced onto WebGPU trains and matches the same run on WASM', async ({ page }, testInfo) => {
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
});
