import { defineConfig } from '@playwright/test';

/**
 * Real Chromium from Debian (scripts/ensure-chromium.sh installs it), driving the production build.
 * SIFT_DIST and SIFT_PORT let two checkouts' builds be tested side by side (default: dist/ on port 4300).
 */
const dist = process.env.SIFT_DIST ?? 'dist';
const port = Number(process.env.SIFT_PORT ?? 4300);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    headless: true,
    launchOptions: {
      executablePath: process.env.SIFT_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    command: `node node_modules/vite/bin/vite.js preview --outDir ${dist} --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
