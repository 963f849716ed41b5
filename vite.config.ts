import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The Content-Security-Policy of the built app's page. Only the production build gets it: the dev server's
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

/**
 * The policy of the app's workers (a worker takes its policy from its own script's response, not the page's): the
 * page's, plus `blob:` for scripts and workers and nothing else. tfjs 4.22's threaded WASM backend starts its
 * pthread workers from a blob: URL (its worker script, which tfjs carries as text), and each of them loads the
 * Emscripten factory with importScripts() from another blob: URL (tfjs's Blob of `factory.toString()`); neither
 * path can be pointed at a file of ours. A blob: URL can only be made by script already running in the worker, so
 * this lets no markup or outside source in. The page itself keeps `'self'` only.
 */
export const WORKER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self' 'wasm-unsafe-eval'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
).replace("worker-src 'self'", "worker-src 'self' blob:");

/**
 * Cross-origin isolation, which SharedArrayBuffer and so WASM threads need (workers/core/train/wasm-threads.ts):
 * the page opens in its own browsing context group and loads nothing cross-origin that did not opt in. The app
 * loads nothing cross-origin at all (connect-src 'self'), so 'require-corp' costs nothing. Sent by the dev and
 * preview servers; a host that serves the build without these headers gets single-threaded WASM, as before.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

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

/**
 * The preview's policy header: scripts get the workers' policy (a policy header on a script the page imports is
 * ignored; on a worker's script it is that worker's policy), everything else the page's. Its own plugin: `vite
 * preview` leaves out build-only plugins.
 */
function previewPolicyHeaders(): Plugin {
  return {
    name: 'sift-csp-preview',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split(/[?#]/)[0] ?? '';
        const policy = path.endsWith('.js') ? WORKER_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
        res.setHeader('Content-Security-Policy', policy);
        next();
      });
    },
  };
}

/**
 * tfjs 4.22 starts each WASM pthread worker on its Emscripten factory turned to text (`factory.toString()`), so the
 * factory must use nothing from the scope around it. One statement reads `_scriptDir` from there, behind a typeof
 * guard; the minifier, seeing the variable declared, drops the guard, and every pthread worker died with "e is not
 * defined" (../shared/CHROMIUM.md), leaving WASM's start-up waiting on them. `_scriptDir` is the document's current
 * script when the module loads: undefined in a worker, where Sift runs tfjs, so the statement does nothing here and
 * goes. (The factory's other read, `mainScriptUrlOrBlob || _scriptDir`, is never reached: tfjs sets that Blob.) The
 * build fails if tfjs's text changes, rather than ship the bug again.
 */
const SCRIPT_DIR_STATEMENT =
  'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
function selfContainedWasmFactory(): Plugin {
  return {
    name: 'sift-wasm-pthread-factory',
    apply: 'build',
    transform(code, id) {
      if (!id.split('?')[0]?.endsWith('tfjs-backend-wasm-threaded-simd.js')) return null;
      if (code.split(SCRIPT_DIR_STATEMENT).length !== 2) {
        this.error(
          `tfjs's threaded WASM factory no longer has "${SCRIPT_DIR_STATEMENT}" once: recheck ${id}`,
        );
      }
      return { code: code.replace(SCRIPT_DIR_STATEMENT, ''), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), previewPolicyHeaders()],
  define: { __TFJS_VERSION__: JSON.stringify(TFJS_VERSION) },
  // tfjs runs in the workers only, so the factory fix goes into their bundles.
  worker: { format: 'es', plugins: () => [selfContainedWasmFactory()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    include: ['workers/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
