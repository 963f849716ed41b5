/**
 * WebGPU on a hardware GPU without a browser: the app's own train service (workers/train.service.ts, unchanged) in
 * Node, with Dawn (Chromium's WebGPU implementation, as the `webgpu` npm package's Node binding) standing in for
 * navigator.gpu. For a machine that has a GPU but no Chromium, such as the GPU machines lent here now and then. It
 * prints which backend Sift's rule picks there and why, whether WebGPU training agrees with WASM, and one epoch's
 * samples/s on each backend and batch size. bench/train.ts measures the same in Chromium.
 *
 *   npm i --no-save webgpu@0.6.2 && npx tsx bench/train-dawn.ts [--dawn path/to/dawn.node] [--dawn-flags a=b,c=d]
 *     [--batches 64,256,1024] [--out file.json]
 *
 * Writes bench/results/train-dawn.json unless --out says otherwise. SIFT_DATASETS points at the datasets folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
import { activateBackend } from '../workers/activate';
import { type BackendName, chooseBackend } from '../workers/core/train/backend-choice';
import { DEFAULT_TRAIN_SETTINGS } from '../workers/core/train/defaults';
import type { BenchmarkResult } from '../workers/train.api';
import type { BackendControl } from '../workers/train.service';
import { arg, type GpuLike, installDawn } from './dawn';
import { loadCsv } from './dev-data';
import { reportHeader } from './report';

function nodeBackends(gpu: GpuLike): BackendControl {
  return {
    candidates: () => ['cpu', 'wasm', 'webgpu'],
    activate: activateBackend,
    async webgpuAdapter() {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return null;
      const info = adapter.info;
      return {
        isFallbackAdapter: info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
        architecture: info?.architecture,
        vendor: info?.vendor,
        description: info?.description,
      };
    },
  };
}

async function main(): Promise<void> {
  const gpu = installDawn();
  // After navigator.gpu exists: tfjs's WebGPU backend registers itself only where it finds one.
  await import('@tensorflow/tfjs-backend-webgpu');
  const { createTrainService } = await import('../workers/train.service');
  const service = createTrainService(nodeBackends(gpu));

  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  console.log('adapter:', JSON.stringify(adapter?.info ?? null));

  const probes = await service.probeBackends();
  const choice = chooseBackend(probes);
  console.log('probes:', JSON.stringify(probes));
  console.log(`choice: ${choice.backend}: ${choice.reason}`);

  const comparison = await service.compareBackends(['wasm', 'webgpu', 'cpu']);
  for (const c of comparison.checks) {
    console.log(
      `agreement with ${comparison.reference}: ${c.backend} ${c.ok ? `max relative difference ${c.maxRelativeDifference.toExponential(2)}` : `unavailable: ${c.error}`}`,
    );
  }

  const backends: BackendName[] = ['webgpu', 'wasm', 'cpu'];
  const batchSizes = (arg('batches') ?? '64,256,1024').split(',').map(Number);
  const rows: {
    dataset: string;
    rows: number;
    backend: BackendName;
    batchSize: number;
    result: BenchmarkResult;
  }[] = [];
  for (const name of ['synth20k_flip', 'digits_flip5']) {
    const d = loadCsv(name);
    const data = {
      features: Float32Array.from(d.features),
      featureCount: d.featureCount,
      labels: Int32Array.from(d.labels),
      classCount: d.classCount,
    };
    for (const backend of backends) {
      // The CPU backend is the slow fallback: the default batch size tells enough.
      for (const batchSize of backend === 'cpu' ? [DEFAULT_TRAIN_SETTINGS.batchSize] : batchSizes) {
        const settings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, batchSize };
        const result = await service.benchmark({ data, settings, backend, maxMs: 120_000 });
        rows.push({ dataset: name, rows: d.rows, backend, batchSize, result });
        console.log(
          `${name} ${backend} batch ${batchSize}: ${result.ok ? `${Math.round(result.samplesPerSecond)} samples/s (steady ${Math.round(result.steadySamplesPerSecond)}), epoch with recording pass ${(result.epochMs / 1000).toFixed(2)} s` : `unavailable: ${result.error}`}`,
        );
      }
    }
  }

  const out = arg('out') ?? path.resolve('bench/results/train-dawn.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const report = {
    ...reportHeader('train-dawn'),
    node: process.version,
    adapter: adapter?.info ?? null,
    probes,
    choice,
    comparison: {
      reference: comparison.reference,
      checks: comparison.checks.map(({ finalProbs: _, ...c }) => c),
    },
    note:
      'The train service of the app in Node; WebGPU through Dawn (npm webgpu). samplesPerSecond: rows trained / time ' +
      'from the first batch start to the last batch end; steady: without the first two batches; epochMs adds the ' +
      'end-of-epoch recording pass.',
    results: rows,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
