/**
 * The tfjs backends of a worker in the browser: registers WebGPU and WASM next to tfjs's own WebGL and CPU, serves
 * the WASM binaries from the app (Vite `?url` assets, never a CDN), and switches backends checking that the switch
 * took: tfjs falls back silently (`setBackend` resolves false and `getBackend()` names another). Shared by every
 * worker that runs tfjs (train now, score later). Import it only from a worker entry.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { activateBackend } from './activate';
import type { AdapterInfo, BackendName } from './core/train/backend-choice';
import { type GpuDeviceLike, watchDeviceLoss } from './life';
import type { BackendControl } from './train.service';

/**
 * All three binaries must be named (tfjs refuses a partial map). The threaded one is never loaded here: threads
 * need cross-origin isolation (SharedArrayBuffer), which the app does not ask for, and tfjs 4.22's pthread worker
 * breaks in a minified build; SIMD without threads is nearly as fast on this hardware (../shared/CHROMIUM.md).
 */
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

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
      const error = await activateBackend(name);
      if (error) return error;
      if (name === 'webgpu') {
        // The WebGPU backend keeps its GPUDevice as `device` (tfjs-backend-webgpu 4.22, WebGPUBackend).
        const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
        if (device?.lost) watchDeviceLoss(device);
      }
      return null;
    },
    webgpuAdapter: readAdapter,
  };
}
