/**
 * Driving the built app's workers directly from a test, with no screen in between: the worker's asset URL in the
 * build, and comlink's UMD build injected into the page (the spec runs with CSP bypassed for that script only;
 * the workers and their code are the production build's). For checks of worker contracts ahead of their screens.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `/assets/<name>.worker-<hash>.js` of the build under test (SIFT_DIST, default dist/). */
export function workerAsset(name: string): string {
  const dist = process.env.SIFT_DIST ?? 'dist';
  const file = readdirSync(path.resolve(ROOT, dist, 'assets')).find((f) =>
    new RegExp(`^${name}\\.worker-.*\\.js$`).test(f),
  );
  if (!file) throw new Error(`${dist}/assets has no ${name}.worker-*.js: build the app first.`);
  return `/assets/${file}`;
}

/** Opens the app's origin and gives the page `window.Comlink`. */
export async function openWorkerPage(page: Page): Promise<void> {
  await page.goto('/');
  await page.addScriptTag({ path: path.resolve(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js') });
}

/**
 * Serves the page without its cross-origin isolation headers (COOP/COEP; vite.config.ts), as a host that does not
 * send them would: the page and its workers are not crossOriginIsolated, so WASM runs on one thread. Call before
 * `page.goto`. The workers' own responses keep their headers: isolation is decided by the page.
 */
export async function withoutIsolation(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname === '/' || url.pathname.endsWith('.html'),
    async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    },
  );
}
