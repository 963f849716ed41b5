/**
 * The tfjs backends of a worker in the browser: registers WebGPU and WASM next to tfjs's own WebGL and CPU, serves
 * the WASM binaries from the app (Vite `?url` assets, never a CDN), and switches backends checking that the switch
 * took: tfjs falls back silently (`setBackend` resolves false and `getBackend()` names another). Shared by every
 * worker that runs tfjs (train now, score later). Import it only from a worker entry.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { activateBackend } from './activate';
import type { AdapterInfo, BackendName } from './core/train/backend-choice';
import { type WasmThreads, wasmThreads } from './core/train/wasm-threads';
import { type GpuDeviceLike, watchDeviceLoss } from './life';
import type { BackendControl } from './train.service';
import type { WasmPlan } from './train-backends';

/**
 * All three binaries must be named (tfjs refuses a partial map). tfjs loads the threaded one when the page is
 * cross-origin isolated (SharedArrayBuffer) and this worker's thread count is above 1 (configureWasmThreads); its
 * pthread workers start from blob: URLs, which the workers' policy allows (vite.config.ts), and its factory is
 * kept self-contained in the minified build (the same file).
 */
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

/** Workers that train at once and share the cores (1 unless the fold pool says), and a count a request asked for. */
let plan: WasmPlan = {};
/** The thread count WASM was set up with in this worker; null until its first activation. */
let configured: WasmThreads | null = null;

function plannedThreads(): WasmThreads {
  return wasmThreads({
    cores: globalThis.navigator?.hardwareConcurrency,
    workersAtOnce: plan.workersAtOnce ?? 1,
    isolated: globalThis.crossOriginIsolated === true,
    ...(plan.asked !== undefined ? { asked: plan.asked } : {}),
  });
}

/**
 * Before WASM first starts in this worker: its thread count (wasm-threads.ts). One thread loads the SIMD binary
 * without threads, as before isolation: the threaded one would start its 8 pthread workers for nothing.
 */
function configureWasmThreads(): void {
  if (configured) return;
  configured = plannedThreads();
  setThreadsCount(configured.threads);
  if (configured.threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/**
 * Activates WASM with the planned threads. tfjs 4.22 sizes its XNNPACK thread pool as the smallest of the count asked
 * for, 8, and navigator.hardwareConcurrency / 2 (tfjs-backend-wasm's backend.cc halves the count for hyper-threading),
 * so on this 2-core machine it never went past one thread. While WASM starts (the halved count is read once, then),
 * this worker's navigator reports twice the planned threads; the real count is back as soon as it started.
 */
async function activateWasm(): Promise<string | null> {
  configureWasmThreads();
  const threads = configured?.threads ?? 1;
  const nav = globalThis.navigator;
  if (threads <= 1 || !nav) return activateBackend('wasm');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await activateBackend('wasm');
  } finally {
    Reflect.deleteProperty(nav, 'hardwareConcurrency');
  }
}

/** What WASM runs on here, from tfjs's own count (after a successful activation): the run record keeps it. */
function describeWasm(): string | null {
  if (!configured) return null;
  const actual = getThreadsCount();
  if (actual === configured.threads) return configured.why;
  const runs = actual === 1 ? 'one thread' : `${actual} threads`;
  return `WASM runs on ${runs}, though ${configured.threads} were asked for.`;
}

/** The parts of WebGPU this file reads; the DOM typings of TypeScript 5.9 do not include WebGPU. */
interface GpuAdapterLike {
  info?: AdapterInfo;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfo>;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<GpuAdapterLike | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined)?.gpu;
}

/** Probe order: the cheap, always-present ones first, so a crash in a GPU driver comes last. */
const CANDIDATES: BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** Reads the adapter tfjs's WebGPU backend would get (it asks for 'high-performance' too). */
async function readAdapter(): Promise<AdapterInfo | null> {
  const adapter = await gpu()?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : undefined);
  // GPUAdapter.isFallbackAdapter moved to GPUAdapterInfo in newer Chromium: read both.
  return {
    isFallbackAdapter: info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
    architecture: info?.architecture,
    vendor: info?.vendor,
    description: info?.description,
  };
}

/** The browser's backends for the train service. */
export function browserBackends(): BackendControl {
  return {
    candidates: () => CANDIDATES,
    async activate(name) {
      if (name === 'webgpu' && !gpu()) return 'this browser offers no WebGPU (navigator.gpu is missing)';
      const error = name === 'wasm' ? await activateWasm() : await activateBackend(name);
      if (error) return error;
      if (name === 'webgpu') {
        // The WebGPU backend keeps its GPUDevice as `device` (tfjs-backend-webgpu 4.22, WebGPUBackend).
        const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
        if (device?.lost) watchDeviceLoss(device);
      }
      return null;
    },
    webgpuAdapter: readAdapter,
    describe: (name) => (name === 'wasm' ? describeWasm() : null),
    planWasm(next) {
      // Before WASM starts only: tfjs fixes its thread count then.
      if (!configured) plan = { ...plan, ...next };
    },
  };
}
