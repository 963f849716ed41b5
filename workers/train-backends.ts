/**
 * The train worker's backends: probing which work here and how fast (a short measured workload), choosing and
 * activating one for a run (skipping a backend that lacks a kernel the model's training needs), and the checks
 * around them (training a tiny seeded model on several backends, timing an epoch for the benchmark).
 */
import * as tf from '@tensorflow/tfjs';
import { errorText } from './core/error-text';
import { createRng } from './core/random';
import {
  type AdapterInfo,
  type BackendChoice,
  type BackendName,
  type BackendProbe,
  chooseBackend,
  isSoftwareAdapter,
} from './core/train/backend-choice';
import { prepareKernels } from './core/train/backend-kernels';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from './core/train/trainer';
import type { ModelKind, TrainingData, TrainSettings } from './core/train/types';
import type { WasmThreadInputs } from './core/train/wasm-threads';
import { timeScoringWorkload } from './scoring-probe';
import type {
  BackendCheck,
  BackendComparison,
  BackendRequest,
  BenchmarkRequest,
  BenchmarkResult,
} from './train.api';

/** What a worker may say about its WASM threads before WASM starts. */
export type WasmPlan = Partial<Pick<WasmThreadInputs, 'workersAtOnce' | 'asked'>>;

/** What the service needs from the runtime's tfjs backends (workers/backend.ts in the browser; CPU in tests). */
export interface BackendControl {
  /** Backends this runtime may offer, in probe order. */
  candidates(): BackendName[];
  /** Makes `name` the active backend; null when it took, else why not (tfjs falls back silently: check). */
  activate(name: BackendName): Promise<string | null>;
  /** The WebGPU adapter's identity, or null when there is none. */
  webgpuAdapter(): Promise<AdapterInfo | null>;
  /** A sentence on how an activated backend runs here (WASM: its thread count), or null. */
  describe?(name: BackendName): string | null;
  /**
   * Before WASM's first activation: how many workers train at once on these cores (the fold pool), or a thread
   * count a request asked for (core/train/wasm-threads.ts). Ignored once WASM started: tfjs fixes the count then.
   */
  planWasm?(plan: WasmPlan): void;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** A seeded Gaussian-blob dataset: the probe's and the backend comparison's workload, the same everywhere. */
export function syntheticData(rows: number, features: number, classes: number, seed: number): TrainingData {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => 2 * gauss()));
  const x = new Float32Array(rows * features);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = r % classes;
    labels[r] = y;
    const centre = centres[y] ?? [];
    for (let f = 0; f < features; f++) x[r * features + f] = (centre[f] ?? 0) + gauss();
  }
  return { features: x, featureCount: features, labels, classCount: classes };
}

/**
 * The probe: one epoch of the default MLP (64 hidden) on 512 rows × 64 features, 10 classes, batches of 64, after a
 * warm-up epoch on 128 rows (kernel compilation, WASM start-up). The same loop as a real run, at digits' shape.
 */
const PROBE_DATA = { rows: 512, features: 64, classes: 10, seed: 11 };
const PROBE_SETTINGS: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, validationFraction: 0 };

/** The backend comparison: a tiny model, so that software WebGPU (50-100× slower than WASM) finishes in seconds. */
const COMPARE_DATA = { rows: 64, features: 16, classes: 3, seed: 5 };
const COMPARE_SETTINGS: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  hidden: [16],
  epochs: 2,
  batchSize: 16,
  validationFraction: 0,
  seed: 3,
};

/**
 * Relative difference with a floor of 0.01 on the denominator: probabilities near 0 differ by float noise that is
 * large relative to themselves and meaningless.
 */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    // Equal lengths: both in range (NaN otherwise, which fails the comparison as it should).
    const ai = a[i] ?? Number.NaN;
    const bi = b[i] ?? Number.NaN;
    const d = Math.abs(ai - bi) / Math.max(Math.abs(ai), Math.abs(bi), 1e-2);
    if (!(d <= worst)) worst = d; // NaN propagates as a failure
  }
  return worst;
}

/** The backend work of a train service over a runtime's backends; `trainOptions` as the service's runs. */
export function createBackendTools(backends: BackendControl, trainOptions: { yieldIntervalMs: number }) {
  async function timeWorkload(): Promise<number> {
    const { rows, features, classes, seed } = PROBE_DATA;
    await trainModel(syntheticData(128, features, classes, seed), PROBE_SETTINGS, {}, trainOptions);
    const data = syntheticData(rows, features, classes, seed);
    const t0 = performance.now();
    await trainModel(data, PROBE_SETTINGS, {}, trainOptions);
    return performance.now() - t0;
  }

  async function probeBackends(): Promise<BackendProbe[]> {
    const probes: BackendProbe[] = [];
    for (const backend of backends.candidates()) {
      const error = await backends.activate(backend);
      if (error) {
        probes.push({ backend, available: false, error });
        continue;
      }
      const probe: BackendProbe = { backend, available: true };
      if (backend === 'webgpu') {
        const adapter = await backends.webgpuAdapter();
        if (adapter) probe.adapter = adapter;
        // A software adapter takes seconds on either probe and cannot win on it (../shared/CHROMIUM.md): not timed.
        if (isSoftwareAdapter(adapter ?? undefined)) {
          probes.push(probe);
          continue;
        }
      }
      try {
        probe.probeMs = await timeWorkload();
        probe.scoringMs = await timeScoringWorkload();
      } catch (err) {
        probe.available = false;
        probe.error = `the probe failed: ${errorText(err)}`;
      }
      probes.push(probe);
    }
    return probes;
  }

  /** Chooses and activates the backend; a backend that fails to activate is marked unavailable and the rule rerun. */
  /**
   * Chooses and activates the backend; a backend that fails to activate, or lacks a kernel the model's training
   * needs, is marked unavailable and the rule rerun.
   */
  async function pickBackend(request: BackendRequest, model: ModelKind): Promise<BackendChoice> {
    if (request.wasmThreads !== undefined) backends.planWasm?.({ asked: request.wasmThreads });
    let probes = request.probes.length ? [...request.probes] : await probeBackends();
    const unfit: string[] = [];
    probes = probes.map((p) => {
      const missing = p.available ? missingKernels(p.backend, model) : [];
      if (missing.length === 0) return p;
      const error = `tfjs's ${LABEL[p.backend]} backend has no ${missing.join(', ')} kernel, which training a ${model.toUpperCase()} needs`;
      unfit.push(`${LABEL[p.backend]} cannot train this model (${error}).`);
      return { ...p, available: false, error };
    });
    for (;;) {
      const choice = chooseBackend(probes, request.override);
      const error = await backends.activate(choice.backend);
      if (!error) {
        const runsOn = backends.describe?.(choice.backend) ?? null;
        const reason = [explain(choice, probes), ...(runsOn ? [runsOn] : []), ...unfit].join(' ');
        return { backend: choice.backend, reason };
      }
      if (!probes.some((p) => p.backend === choice.backend && p.available)) {
        throw new Error(`No tfjs backend could be started: ${LABEL[choice.backend]}: ${error}`);
      }
      probes = probes.map((p) => (p.backend === choice.backend ? { ...p, available: false, error } : p));
    }
  }

  async function compareBackends(names: BackendName[]): Promise<BackendComparison> {
    const { rows, features, classes, seed } = COMPARE_DATA;
    const checks: BackendCheck[] = [];
    let reference: BackendCheck | null = null;
    for (const backend of names) {
      const t0 = performance.now();
      const error = await backends.activate(backend);
      if (error) {
        checks.push({
          backend,
          ok: false,
          error,
          epochLosses: [],
          finalProbs: new Float32Array(0),
          maxRelativeDifference: Number.NaN,
          ms: 0,
        });
        continue;
      }
      const res = await trainModel(
        syntheticData(rows, features, classes, seed),
        COMPARE_SETTINGS,
        {},
        trainOptions,
      );
      const check: BackendCheck = {
        backend,
        ok: res.status === 'completed' && res.dynamics !== null,
        error: res.status === 'completed' ? null : `training ended as ${res.status}`,
        epochLosses: res.epochs.map((e) => e.trainLoss),
        finalProbs: res.dynamics?.finalProbs ?? new Float32Array(0),
        maxRelativeDifference: 0,
        ms: performance.now() - t0,
      };
      if (reference) {
        check.maxRelativeDifference = Math.max(
          relativeDifference(check.epochLosses, reference.epochLosses),
          relativeDifference(check.finalProbs, reference.finalProbs),
        );
      } else if (check.ok) {
        reference = check;
      }
      checks.push(check);
    }
    return {
      reference: reference?.backend ?? names[0] ?? 'cpu',
      rows,
      features,
      classes,
      settings: COMPARE_SETTINGS,
      checks,
    };
  }

  async function benchmark(request: BenchmarkRequest): Promise<BenchmarkResult> {
    const { backend, maxMs } = request;
    const error = await backends.activate(backend);
    const adapter = backend === 'webgpu' && !error ? await backends.webgpuAdapter() : null;
    const base = {
      backend,
      ok: !error,
      error,
      adapter: adapter
        ? {
            vendor: adapter.vendor,
            architecture: adapter.architecture,
            isFallbackAdapter: adapter.isFallbackAdapter,
          }
        : null,
    };
    if (error) {
      return {
        ...base,
        completed: false,
        batches: 0,
        rowsTrained: 0,
        batchMs: 0,
        samplesPerSecond: 0,
        steadySamplesPerSecond: 0,
        epochMs: Number.NaN,
      };
    }
    const ends: number[] = [];
    const rows: number[] = [];
    let firstStart = Number.NaN;
    const t0 = performance.now();
    const res = await trainModel(
      request.data,
      { ...request.settings, epochs: 1 },
      {
        waitWhilePaused: () => {
          if (Number.isNaN(firstStart)) firstStart = performance.now();
          return Promise.resolve();
        },
        onBatch: (r) => {
          ends.push(performance.now());
          rows.push(r.sampleRows.length);
        },
        shouldStop: () => (performance.now() - t0 > maxMs ? 'cancel' : 'continue'),
      },
      trainOptions,
    );
    const done = performance.now();
    const total = rows.reduce((a, b) => a + b, 0);
    const lastEnd = ends[ends.length - 1];
    const batchMs = lastEnd !== undefined ? lastEnd - firstStart : 0;
    const steadyRows = rows.slice(2).reduce((a, b) => a + b, 0);
    const secondEnd = ends[1];
    const steadyMs =
      lastEnd !== undefined && secondEnd !== undefined && ends.length > 2 ? lastEnd - secondEnd : 0;
    return {
      ...base,
      completed: res.status === 'completed',
      batches: ends.length,
      rowsTrained: total,
      batchMs,
      samplesPerSecond: batchMs > 0 ? (total * 1000) / batchMs : 0,
      steadySamplesPerSecond: steadyMs > 0 ? (steadyRows * 1000) / steadyMs : 0,
      epochMs: res.status === 'completed' ? done - firstStart : Number.NaN,
    };
  }

  return { probeBackends, pickBackend, compareBackends, benchmark };
}

/**
 * Kernels a model's training needs beyond the MLP's. tfjs 4.22's WASM backend has Conv2D but no
 * Conv2DBackpropFilter, so it can run a CNN forward but not train it (found by training the CNN on digits).
 */
const TRAINING_KERNELS: Record<ModelKind, string[]> = {
  mlp: [],
  cnn: ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPool', 'MaxPoolGrad'],
};

/**
 * The kernels `model`'s training needs that `backend` lacks, after composing those it can have (prepareKernels): in
 * a worker that has not activated WASM yet (the app probes in another worker) its composed filter gradient is not
 * registered, and the CNN fell back to the CPU backend, ~50× slower (bench/results/images-train-screen-before.json).
 */
function missingKernels(backend: BackendName, model: ModelKind): string[] {
  if (model !== 'mlp') prepareKernels(backend);
  return TRAINING_KERNELS[model].filter((kernel) => !tf.getKernel(kernel, backend));
}

/** The choice's reason, plus what the probe did not measure, so the UI never implies a measurement it lacks. */
function explain(choice: BackendChoice, probes: readonly BackendProbe[]): string {
  const gpu = probes.find((p) => p.backend === 'webgpu' && p.available);
  if (choice.backend !== 'webgpu' && gpu && gpu.probeMs === undefined && isSoftwareAdapter(gpu.adapter)) {
    return `${choice.reason} WebGPU was not timed: on a software adapter the probe alone takes seconds.`;
  }
  return choice.reason;
}
