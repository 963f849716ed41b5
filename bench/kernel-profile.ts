/**
 * Time per tfjs kernel in the scan's training (issue 15): `tf.profile` around the logged run (default settings for
 * the set's size, `--epochs` epochs, every epoch's recording pass included) and one cross-validation fold, on the WASM
 * backend in Node. Prints each kernel's calls and summed kernel ms, and the share of the profiled wall time spent
 * outside kernels (tfjs bookkeeping, uploads, JS between ops). Under load the shares mean more than the seconds.
 *
 *   npx tsx bench/kernel-profile.ts [data.csv] [--epochs N]
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../scripts/load-dataset';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import { crossValEpochsFor, trainSettingsFor } from '../workers/core/train/defaults';
import { foldPlan } from '../workers/core/train/fold-pool';
import { trainAndPredict, trainModel } from '../workers/core/train/trainer';
import { ROOT } from './serve';

/** One kernel's share of a profiled run. */
export interface KernelShare {
  name: string;
  calls: number;
  ms: number;
  /** ms over the run's wall time. */
  share: number;
}

/**
 * `f` under `tf.profile`: its wall time and each kernel's calls and summed ms, largest first. Records named `…__op`
 * are the op around a kernel that tfjs also lists (fusedConv2d__op around FusedConv2D): left out, not counted twice.
 */
export async function kernelProfile(
  f: () => Promise<unknown>,
): Promise<{ wallMs: number; kernels: KernelShare[] }> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await f();
    return [];
  });
  const wallMs = performance.now() - t0;
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue;
    const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, e);
  }
  const kernels = [...byKernel]
    .map(([name, e]) => ({ name, calls: e.calls, ms: e.ms, share: e.ms / wallMs }))
    .sort((a, b) => b.ms - a.ms);
  return { wallMs, kernels };
}

async function profiled(label: string, f: () => Promise<unknown>): Promise<void> {
  const { wallMs: wall, kernels } = await kernelProfile(f);
  const calls = kernels.reduce((a, e) => a + e.calls, 0);
  const kernelMs = kernels.reduce((a, e) => a + e.ms, 0);
  console.log(
    `${label}: ${(wall / 1000).toFixed(1)} s wall, ${calls} kernel calls, ${(kernelMs / 1000).toFixed(1)} s in kernels ` +
      `(${((100 * kernelMs) / wall).toFixed(0)}%), load ${os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' / ')}`,
  );
  for (const e of kernels.slice(0, 25)) {
    console.log(
      `  ${e.name.padEnd(22)} ${String(e.calls).padStart(7)} calls ${(e.ms / 1000).toFixed(2).padStart(7)} s ${(100 * e.share).toFixed(1).padStart(5)}%`,
    );
  }
}

async function main(): Promise<void> {
  const file = process.argv[2]?.endsWith('.csv')
    ? process.argv[2]
    : path.resolve(ROOT, '../shared/datasets/synth20k_flip/synth20k_flip.csv');
  const k = process.argv.indexOf('--epochs');
  const epochs = k >= 0 ? Number(process.argv[k + 1]) : 20;
  const loaded = await loadDataset(file, { label: null, id: null });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  await tf.setBackend('wasm');
  await tf.ready();
  prepareKernels();
  const data = loaded.dataset.training;
  const settings = { ...trainSettingsFor(data.labels.length), epochs };
  await profiled(`logged run, ${epochs} epochs`, () => trainModel(data, settings));
  const task = foldPlan(data.labels, data.classCount, 5, settings.seed).tasks[0];
  if (!task) return;
  const cv = { ...settings, epochs: crossValEpochsFor(epochs), seed: task.seed };
  await profiled(`one CV fold, ${cv.epochs} epochs`, () =>
    trainAndPredict(data, task.trainRows, task.heldRows, cv),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
