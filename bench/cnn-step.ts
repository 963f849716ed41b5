/**
 * One training step of the shipped CNN on WASM in Node (issue 11: 10 epochs of fashion_badnets in the browser under
 * 30 s needs ~80 ms a step), per kernel: the model `buildModel` makes for 28 × 28 × 1 images and 10 classes with the
 * image defaults for 6,000 rows (batch 128), the trainer's step (variableGrads of the mean softmax cross-entropy, then
 * FlatAdam), and the recording pass over 6,000 rows (recordPass with outputs, as every epoch runs it). Random
 * standardised pixels: the time does not depend on the values. Prints the median step of `--steps` timed steps after
 * warm-up, `tf.profile` of 9 steps and 3 passes (each kernel's median calls and ms, its share of the median wall time), and the
 * load average; writes bench/results/<--out, default cnn-step>.json.
 *
 *   npx tsx bench/cnn-step.ts [--steps 20] [--threads 1] [--out cnn-step]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../workers/core/random';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import { trainSettingsFor } from '../workers/core/train/defaults';
import { FlatAdam } from '../workers/core/train/flat-adam';
import { buildModel, modelSpecFor, trainableVariables } from '../workers/core/train/model';
import { recordPass } from '../workers/core/train/recorder';
import { trainStep } from '../workers/core/train/trainer';
import { arg } from './dawn';
import { type KernelShare, kernelProfile } from './kernel-profile';
import { reportHeader, saveReport } from './report';

const ROWS = 6000;
const SIDE = 28;
const CLASSES = 10;

/**
 * `runs` profiles of `f`: the median wall time, and each kernel's median ms over the runs (a kernel missing from a run
 * counts 0), its share of that median wall time. One profile on a loaded machine can put a stall on any kernel.
 */
async function medianProfile(
  f: () => Promise<void>,
  runs: number,
): Promise<{ wallMs: number; kernels: KernelShare[] }> {
  const profiles: Array<{ wallMs: number; kernels: KernelShare[] }> = [];
  for (let i = 0; i < runs; i++) profiles.push(await kernelProfile(f));
  const mid = (v: number[]) => [...v].sort((a, c) => a - c)[Math.floor(v.length / 2)] ?? Number.NaN;
  const wallMs = mid(profiles.map((p) => p.wallMs));
  const names = [...new Set(profiles.flatMap((p) => p.kernels.map((k) => k.name)))];
  const kernels = names
    .map((name) => {
      const of = profiles.map((p) => p.kernels.find((k) => k.name === name));
      const ms = mid(of.map((k) => k?.ms ?? 0));
      return { name, calls: mid(of.map((k) => k?.calls ?? 0)), ms, share: ms / wallMs };
    })
    .sort((a, b) => b.ms - a.ms);
  return { wallMs, kernels };
}

function print(label: string, p: { wallMs: number; kernels: KernelShare[] }): void {
  console.log(`${label}: ${p.wallMs.toFixed(1)} ms wall`);
  for (const k of p.kernels.slice(0, 20)) {
    console.log(
      `  ${k.name.padEnd(22)} ${String(k.calls).padStart(5)} calls ${k.ms.toFixed(1).padStart(8)} ms ${(100 * k.share).toFixed(1).padStart(5)}%`,
    );
  }
}

async function main(): Promise<void> {
  const steps = Number(arg('steps') ?? 20);
  const threads = Number(arg('threads') ?? 1);
  const passChunk = Number(arg('pass-chunk') ?? 0);
  setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  prepareKernels();
  const settings = trainSettingsFor(ROWS, 'images');
  const fc = SIDE * SIDE;
  const m = buildModel(
    modelSpecFor(settings, {
      featureCount: fc,
      classCount: CLASSES,
      image: { width: SIDE, height: SIDE, channels: 1 },
    }),
    1,
  );
  const vars = trainableVariables(m);
  const optimizer = new FlatAdam(vars, settings.learningRate);
  const rng = createRng(7);
  const pixels = Float32Array.from({ length: ROWS * fc }, () => rng.next() * 2 - 1);
  const labels = Int32Array.from({ length: ROWS }, (_, i) => i % CLASSES);
  const b = settings.batchSize;
  const oneHot = new Float32Array(b * CLASSES);
  for (let j = 0; j < b; j++) oneHot[j * CLASSES + (j % CLASSES)] = 1;

  const step = async () => {
    const xb = tf.tensor2d(pixels.slice(0, b * fc), [b, fc]);
    const yb = tf.tensor2d(oneHot.slice(), [b, CLASSES]);
    const packed = trainStep(m, vars, optimizer, xb, yb);
    tf.dispose([xb, yb]);
    await packed.data();
    packed.dispose();
  };
  const x = tf.tensor2d(pixels, [ROWS, fc]);
  const y = tf.tensor1d(labels, 'int32');
  const all = Int32Array.from({ length: ROWS }, (_, i) => i);
  const pass = async () => {
    await recordPass(m, x, y, all, { withOutputs: true, ...(passChunk ? { batchSize: passChunk } : {}) });
  };

  for (let i = 0; i < 3; i++) await step();
  await pass();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  const passTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await pass();
    passTimes.push(performance.now() - t0);
  }
  const median = (v: number[]) => [...v].sort((a, c) => a - c)[Math.floor(v.length / 2)] ?? Number.NaN;
  const least = (v: number[]) => Math.min(...v);
  const stepProfile = await medianProfile(step, 9);
  const passProfile = await medianProfile(pass, 3);
  print('one step (median of 9 profiled)', stepProfile);
  print(`recording pass over ${ROWS} rows (median of 3 profiled)`, passProfile);
  const report = {
    ...reportHeader('cnn-step'),
    settings: { batchSize: b, hidden: settings.hidden, threads, image: `${SIDE}x${SIDE}x1` },
    stepMedianMs: median(times),
    stepFastestMs: least(times),
    stepMs: times,
    passMedianMs: median(passTimes),
    passFastestMs: least(passTimes),
    passMs: passTimes,
    loadAverageAfter: os.loadavg(),
    profile: { step: stepProfile, pass: passProfile },
  };
  console.log(
    `step median ${report.stepMedianMs.toFixed(1)} ms (fastest ${report.stepFastestMs.toFixed(1)}) over ${steps}; ` +
      `pass median ${report.passMedianMs.toFixed(0)} ms (fastest ${report.passFastestMs.toFixed(0)}); load ${report.loadAverage.map((v) => v.toFixed(2)).join(' ')} → ${report.loadAverageAfter.map((v) => v.toFixed(2)).join(' ')}`,
  );
  saveReport(arg('out') ?? 'cnn-step', report);
  tf.dispose([x, y]);
  optimizer.dispose();
  m.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
