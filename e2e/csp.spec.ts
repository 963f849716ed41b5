/**
 * The built app runs under a strict Content-Security-Policy: no inline or eval'd script (WASM compilation only),
 * and nothing it does while loading, opening the demo, probing the backends and training trips the policy. The
 * page is cross-origin isolated, and its workers' policy adds blob: for scripts and workers only, which tfjs's WASM
 * pthread workers need (vite.config.ts): a training run on WASM uses several threads under it.
 */
import { expect, type Page, test } from '@playwright/test';
import { openApp, waitIdle } from './helpers';
import { runPhase, startTraining, waitRunEnded } from './train-helpers';
import { workerAsset } from './worker-helpers';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Before any page script: record every CSP violation the document reports. */
function recordViolations(): void {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations?.push(
      `${event.effectiveDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber}:${event.columnNumber})`,
    );
  });
}

/** Console lines that mention the policy (violations in workers surface there, not as document events). */
function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) lines.push(message.text());
  });
  page.on('pageerror', (error) => {
    if (/Content[- ]Security[- ]Policy/i.test(error.message)) lines.push(error.message);
  });
  return lines;
}

/** The policy's directives, by name. */
function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

test('the built app sends and embeds a strict policy', async ({ page }) => {
  const response = await page.goto('/');
  const header = (await response?.headerValue('content-security-policy')) ?? '';
  const meta =
    (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
  expect(header).not.toBe('');
  expect(meta).toBe(header);
  // The meta tag is the first thing in <head>, so it governs every script the page loads.
  expect(await page.evaluate(() => document.head.firstElementChild?.getAttribute('http-equiv'))).toBe(
    'Content-Security-Policy',
  );
  const policy = directives(header);
  const scripts = policy.get('script-src') ?? policy.get('default-src') ?? [];
  expect(scripts).toContain("'self'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts.some((source) => source === '*' || source.endsWith(':') || source.startsWith('http'))).toBe(
    false,
  );
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('connect-src')).toEqual(["'self'"]);
  expect(policy.get('worker-src')).toEqual(["'self'"]);
  // No inline <script> in the page the build wrote: everything it runs comes from 'self'.
  expect(await page.locator('script:not([src])').count()).toBe(0);

  // Cross-origin isolated, for WASM threads.
  expect(await response?.headerValue('cross-origin-opener-policy')).toBe('same-origin');
  expect(await response?.headerValue('cross-origin-embedder-policy')).toBe('require-corp');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  // A worker's policy comes with its own script: the page's, with blob: added to script-src and worker-src only.
  const worker = await page.request.get(workerAsset('train'));
  const workerPolicy = directives(worker.headers()['content-security-policy'] ?? '');
  expect([...workerPolicy.keys()]).toEqual([...policy.keys()]);
  for (const [name, values] of policy) {
    const added = name === 'script-src' || name === 'worker-src' ? ['blob:'] : [];
    expect(workerPolicy.get(name), name).toEqual([...values, ...added]);
  }
  expect(worker.headers()['cross-origin-embedder-policy']).toBe('require-corp');
});

test('loading, the demo, the backend probe and a short training run trip no policy', async ({ page }) => {
  const consoleLines = watchConsole(page);
  await page.addInitScript(recordViolations);
  await openApp(page);
  await page.getByRole('button', { name: 'Open the demo dataset' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await waitIdle(page);
  await page.getByRole('button', { name: 'Train a model' }).click();
  await expect(page.getByTestId('train-view')).toBeVisible();
  // The probe starts each backend in the training worker, WASM included, under the page's policy.
  await expect(page.getByTestId('backend-choice')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('backend-probes').locator('tr[data-backend="wasm"]')).toContainText('yes');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('combobox', { name: 'Backend', exact: true }).selectOption('wasm');
  await startTraining(page);
  await waitRunEnded(page, 'done');
  await expect(runPhase(page)).toHaveAttribute('data-phase', 'idle');
  // The run says how many WASM threads it had: every core but one (one thread on this 2-core machine).
  await expect(page.getByTestId('run-backend')).toHaveAttribute('data-backend', 'wasm');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Math.min(8, Math.max(1, cores - 1));
  await expect(page.getByTestId('run-backend-reason')).toContainText(
    `WASM runs on ${threads === 1 ? 'one thread' : `${threads} threads`} (${cores} cores reported`,
  );

  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
  expect(consoleLines).toEqual([]);
});

test("a run on WASM threads trips no policy: its pthread workers start under the workers' policy", async ({
  page,
}) => {
  const consoleLines = watchConsole(page);
  // comlink, to drive the train worker, from the app's own origin (no inline script, no bypass of the policy).
  await page.route('**/e2e-comlink.js', (route) =>
    route.fulfill({ path: 'node_modules/comlink/dist/umd/comlink.min.js', contentType: 'text/javascript' }),
  );
  await page.addInitScript(recordViolations);
  await openApp(page);
  await page.addScriptTag({ url: '/e2e-comlink.js' });
  const run = await page.evaluate(async (url) => {
    type Remote = {
      start(
        request: unknown,
        onMessage: unknown,
      ): Promise<{
        kind: string;
        message?: string;
        result?: { status: string; backend: { reason: string } };
      }>;
    };
    const comlink = (window as unknown as { Comlink: { wrap(w: Worker): Remote; proxy<T>(f: T): T } })
      .Comlink;
    const worker = new Worker(url, { type: 'module' });
    const rows = 64;
    const labels = Int32Array.from({ length: rows }, (_, r) => r % 2);
    const features = Float32Array.from(
      { length: rows * 16 },
      (_, i) => ((i * 7919) % 13) / 13 + (labels[i >> 4] ?? 0),
    );
    try {
      const outcome = await comlink.wrap(worker).start(
        {
          runId: 'csp-threads',
          data: { features, featureCount: 16, labels, classCount: 2 },
          settings: {
            model: 'mlp',
            hidden: [16],
            epochs: 1,
            batchSize: 16,
            optimizer: 'adam',
            learningRate: 0.01,
            validationFraction: 0,
            seed: 1,
          },
          thresholds: {},
          classNames: ['a', 'b'],
          backend: { probes: [], override: 'wasm', wasmThreads: 2 },
        },
        comlink.proxy(() => {}),
      );
      return {
        status: outcome.result?.status ?? outcome.message,
        reason: outcome.result?.backend.reason ?? '',
      };
    } finally {
      worker.terminate();
    }
  }, workerAsset('train'));
  expect(run.status).toBe('completed');
  expect(run.reason).toContain('WASM runs on 2 threads, as asked');
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
  expect(consoleLines).toEqual([]);
});

test('the listener would see a violation: an injected inline script is blocked and reported', async ({
  page,
}) => {
  // Guards the test above against passing because nothing was listening.
  await page.addInitScript(recordViolations);
  await openApp(page);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__ranInline = 1;';
    document.body.append(script);
  });
  await expect.poll(() => page.evaluate(() => window.__cspViolations?.length ?? 0)).toBeGreaterThan(0);
  expect(
    await page.evaluate(() => (window as Window & { __ranInline?: number }).__ranInline),
  ).toBeUndefined();
});
