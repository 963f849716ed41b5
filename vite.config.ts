import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The Content-Security-Policy of the built app. Only the production build gets it: the dev server's
 * React refresh preamble is an inline script. 'wasm-unsafe-eval' lets the tfjs WASM backend compile its
 * module; it does not allow eval of strings.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** tfjs's version, for the manifest's `tool.tfjs`: the page never imports tfjs, so the build writes it in. */
const TFJS_VERSION = (
  JSON.parse(
    readFileSync(new URL('./node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8'),
  ) as { version: string }
).version;

function contentSecurityPolicy(): Plugin {
  return {
    name: 'sift-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  define: { __TFJS_VERSION__: JSON.stringify(TFJS_VERSION) },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  test: {
    include: ['workers/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
