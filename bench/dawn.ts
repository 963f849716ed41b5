/**
 * Dawn (Chromium's WebGPU implementation, as the `webgpu` npm package's Node binding) as navigator.gpu in Node, so
 * that tfjs's WebGPU backend runs on a GPU machine without a browser. Call `installDawn` before importing
 * '@tensorflow/tfjs-backend-webgpu': the backend registers itself only where navigator.gpu exists.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AdapterInfo } from '../workers/core/train/backend-choice';

/** The parts of a WebGPU adapter the benchmarks read. */
export interface GpuAdapterLike {
  info?: AdapterInfo & { device?: string };
  isFallbackAdapter?: boolean;
}

/** The parts of navigator.gpu the benchmarks use. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

interface Dawn {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Command-line value after `--name`, or undefined. */
export function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

/**
 * Loads Dawn (`--dawn path/to/dawn.node`, else the `webgpu` package) with `--dawn-flags a=b,c=d`, and installs
 * navigator.gpu and the WebGPU globals (GPUBufferUsage, …).
 */
export function installDawn(): GpuLike {
  const require = createRequire(import.meta.url);
  const file = arg('dawn');
  const dawn = require(file ? path.resolve(file) : 'webgpu') as Dawn;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create((arg('dawn-flags') ?? '').split(',').filter(Boolean));
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}
