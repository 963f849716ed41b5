/** Serving the production build for the browser benchmarks: one place for the free port and `vite preview`. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config';

/** The project root (bench/ sits one level below it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the app into dist/ when it has no build yet, or always with `force`. */
export function ensureBuild(force = false): void {
  if (!force && existsSync(path.join(ROOT, 'dist/index.html'))) return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `vite preview` of `dist` (relative to ROOT) on `port` and resolves once it answers (30 s at most). */
export async function startPreview(port: number, dist = 'dist'): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--outDir',
      dist,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`vite preview did not answer on ${url}`);
}

/** Headless Chromium (Debian's, or SIFT_CHROMIUM) with the e2e tests' launch flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.SIFT_CHROMIUM ?? '/usr/bin/chromium',
    args: playwrightConfig.use?.launchOptions?.args ?? [],
    headless: true,
  });
}

/**
 * Opens the app served on `port`, imports `file` (a CSV or an image zip) through the start screen with the proposed
 * plan, and waits for its overview.
 */
export async function importThroughApp(page: Page, port: number, file: string): Promise<void> {
  const idle = () =>
    page.locator('[data-testid="app-root"][data-state="idle"]').waitFor({ timeout: 120_000 });
  await page.goto(`http://127.0.0.1:${port}/`);
  await idle();
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('button', { name: 'Import', exact: true }).waitFor({ timeout: 120_000 });
  await idle();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByTestId('overview').waitFor({ timeout: 120_000 });
  await idle();
}
