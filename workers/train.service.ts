/**
 * The train worker's service: the `TrainApi` over the training core, with no worker or comlink in it, so the
 * contract test runs it in-process (Node, tfjs CPU backend) and the worker entry only exposes it. It owns the
 * run's mechanics around `trainModel`: backend choice, pause/resume/cancel, the curve monitor, throttled messages,
 * the batch index and the tensor accounting.
 */
import * as tf from '@tensorflow/tfjs';
import { BatchIndexRecorder } from './batch-index';
import { createCurveMonitor } from './core/anomaly/monitor';
import type { Anomaly, BatchAnomaly } from './core/anomaly/types';
import { createRng } from './core/random';
import {
  type AdapterInfo,
  type BackendChoice,
  type BackendName,
  type BackendProbe,
  chooseBackend,
  isSoftwareAdapter,
} from './core/train/backend-choice';
import { toDatasetRows, withoutRows } from './core/train/rows';
import { stratifiedSplit } from './core/train/split';
import { DEFAULT_TRAIN_SETTINGS, type EpochReport, trainModel } from './core/train/trainer';
import type { ModelKind, TrainingData, TrainingDynamics, TrainSettings } from './core/train/types';
import type {
  BackendCheck,
  BackendComparison,
  BackendRequest,
  BatchPoints,
  BenchmarkResult,
  RunAnomaly,
  RunId,
  RunProgress,
  TrainApi,
  TrainMessage,
  TrainMessageCallback,
  TrainOutcome,
  TrainResult,
} from './train.api';

/** What the service needs from the runtime's tfjs backends (workers/backend.ts in the browser; CPU in tests). */
export interface BackendControl {
  /** Backends this runtime may offer, in probe order. */
  candidates(): BackendName[];
  /** Makes `name` the active backend; null when it took, else why not (tfjs falls back silently: check). */
  activate(name: BackendName): Promise<string | null>;
  /** The WebGPU adapter's identity, or null when there is none. */
  webgpuAdapter(): Promise<AdapterInfo | null>;
}

/** Mechanics that tests tune; the defaults are the app's. */
export interface ServiceOptions {
  /** Minimum time between progress messages (default 100 ms: at most ~10 a second). */
  progressIntervalMs?: number;
  /** Passed to the trainer: yield to the worker's event loop this often, so pause and cancel arrive (default 10 ms). */
  yieldIntervalMs?: number;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Live tensors, from the engine's count: unlike tf.memory() it never initialises a backend. */
function liveTensors(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.engine().state;
  return { numTensors, numBytes };
}

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
    for (let f = 0; f < features; f++) x[r * features + f] = centres[y][f] + gauss();
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
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-2);
    if (!(d <= worst)) worst = d; // NaN propagates as a failure
  }
  return worst;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  const out: { resolve?: () => void } = {};
  const promise = new Promise<void>((r) => {
    out.resolve = r;
  });
  // The executor runs synchronously, so `resolve` is set here.
  const { resolve } = out;
  if (!resolve) throw new Error('Promise executor did not run synchronously.');
  return { promise, resolve };
}

/** The state of the run in flight. */
interface ActiveRun {
  runId: RunId;
  cancelled: boolean;
  pause: Deferred | null;
  pausedAt: number;
  pausedMs: number;
  startedAt: number;
  /** Sends a progress message now (state changes); set once the run's message machinery exists. */
  flush: (() => void) | null;
}

/** Every ArrayBuffer in a result, once each (a buffer may back several views), for transfer. */
export function resultTransferables(result: TrainResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [
    result.batches.steps,
    result.batches.loss,
    result.batches.gradNorm,
    result.batchIndex.order,
    result.trainRows,
    result.valRows,
    result.excludedRows,
    result.standardization.mean,
    result.standardization.std,
    ...result.epochs.flatMap((e) => [e.classLoss, e.classMedianLoss]),
    ...result.anomalies.flatMap((a) => ('sampleRows' in a ? [a.sampleRows] : [])),
    ...dynamicsViews(result.dynamics),
  ];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

function dynamicsViews(d: TrainingDynamics | null): ArrayBufferView[] {
  if (!d) return [];
  return [
    d.sampleRows,
    d.inTraining,
    d.labels,
    d.probAssigned,
    d.margin,
    d.loss,
    d.correct,
    d.lastLayerGradSq,
    d.finalProbs,
    d.embeddings,
    d.classLoss,
    ...d.checkpoints.flatMap((c) => c.weights),
    ...(d.standardization ? [d.standardization.mean, d.standardization.std] : []),
  ];
}

/** The buffers of a message that may be transferred: its batch points (fresh arrays, never reused). */
export function messageTransferables(message: TrainMessage): ArrayBuffer[] {
  if (message.kind !== 'progress') return [];
  const { steps, loss, gradNorm } = message.batches;
  return [steps.buffer, loss.buffer, gradNorm.buffer] as ArrayBuffer[];
}

/** Builds the service over a runtime's backends. One run at a time. */
export function createTrainService(backends: BackendControl, options: ServiceOptions = {}): TrainApi {
  const progressInterval = options.progressIntervalMs ?? 100;
  const trainOptions = { yieldIntervalMs: options.yieldIntervalMs ?? 10 };
  let active: ActiveRun | null = null;
  let busy = false;

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
        // A software adapter takes seconds on the probe and cannot win on it (../shared/CHROMIUM.md): not timed.
        if (isSoftwareAdapter(adapter ?? undefined)) {
          probes.push(probe);
          continue;
        }
      }
      try {
        probe.probeMs = await timeWorkload();
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
        return { backend: choice.backend, reason: [explain(choice, probes), ...unfit].join(' ') };
      }
      if (!probes.some((p) => p.backend === choice.backend && p.available)) {
        throw new Error(`No tfjs backend could be started: ${LABEL[choice.backend]}: ${error}`);
      }
      probes = probes.map((p) => (p.backend === choice.backend ? { ...p, available: false, error } : p));
    }
  }

  function startMessages(
    run: ActiveRun,
    onMessage: TrainMessageCallback,
    totalSteps: number,
    stepsPerEpoch: number,
  ) {
    let lastSent = Number.NEGATIVE_INFINITY;
    let stepsDone = 0;
    let epoch = 0;
    let batch = 0;
    let samplesPerSecond = 0;
    let pending = { steps: [] as number[], loss: [] as number[], grad: [] as number[] };
    let epochs: EpochReport[] = [];
    let anomalies: RunAnomaly[] = [];
    const elapsed = () =>
      performance.now() - run.startedAt - run.pausedMs - (run.pause ? performance.now() - run.pausedAt : 0);
    const send = () => {
      const ms = elapsed();
      const progress: RunProgress = {
        epoch,
        batch,
        stepsDone,
        totalSteps,
        stepsPerEpoch,
        samplesPerSecond,
        elapsedMs: ms,
        etaMs: stepsDone > 0 ? (ms / stepsDone) * (totalSteps - stepsDone) : Number.NaN,
        paused: run.pause !== null,
      };
      const batches: BatchPoints = {
        steps: Int32Array.from(pending.steps),
        loss: Float32Array.from(pending.loss),
        gradNorm: Float32Array.from(pending.grad),
      };
      const message: TrainMessage = {
        kind: 'progress',
        runId: run.runId,
        batches,
        epochs,
        anomalies,
        progress,
      };
      pending = { steps: [], loss: [], grad: [] };
      epochs = [];
      anomalies = [];
      onMessage(message);
      // Measured from the hand-over, so consecutive messages are at least the interval apart for the receiver.
      lastSent = performance.now();
    };
    const maybeSend = () => {
      if (performance.now() - lastSent >= progressInterval) send();
    };
    run.flush = send;
    const stamp = (found: Anomaly[]) => {
      if (found.length === 0) return;
      const at = elapsed();
      for (const a of found) {
        const timed: RunAnomaly = { ...a, elapsedMs: at };
        anomalies.push(timed);
        all.push(timed);
      }
    };
    const all: RunAnomaly[] = [];
    return {
      /** Every anomaly of the run so far, stamped. */
      all,
      batch(step: number, e: number, b: number, loss: number, grad: number, sps: number, found: Anomaly[]) {
        pending.steps.push(step);
        pending.loss.push(loss);
        pending.grad.push(grad);
        stamp(found);
        stepsDone = step + 1;
        epoch = e;
        batch = b + 1;
        samplesPerSecond = sps;
        maybeSend();
      },
      epoch(report: EpochReport, found: Anomaly[]) {
        epochs.push(report);
        stamp(found);
        maybeSend();
      },
      anomaly(found: Anomaly) {
        stamp([found]);
      },
      send,
    };
  }

  async function train(
    request: Parameters<TrainApi['start']>[0],
    onMessage: TrainMessageCallback,
  ): Promise<TrainOutcome> {
    const { runId, settings } = request;
    const kept = withoutRows(request.data, request.excludeRows);
    const { data } = kept;
    const before = liveTensors().numTensors;
    const run: ActiveRun = {
      runId,
      cancelled: false,
      pause: null,
      pausedAt: 0,
      pausedMs: 0,
      startedAt: performance.now(),
      flush: null,
    };
    active = run;
    const backend = await pickBackend(request.backend, settings.model);
    // The same split the trainer makes (same function, same seed): its sizes let the UI and the index be set up now.
    const split = stratifiedSplit(data.labels, data.classCount, settings.validationFraction, settings.seed);
    const n = split.trainRows.length;
    const stepsPerEpoch = n > 0 ? Math.ceil(n / Math.min(Math.max(1, settings.batchSize), n)) : 0;
    const totalSteps = stepsPerEpoch * settings.epochs;
    onMessage({
      kind: 'started',
      runId,
      backend,
      trainRows: n,
      valRows: split.valRows.length,
      totalSteps,
      stepsPerEpoch,
    });
    const messages = startMessages(run, onMessage, totalSteps, stepsPerEpoch);
    const monitor = createCurveMonitor({ thresholds: request.thresholds, classNames: request.classNames });
    const index = new BatchIndexRecorder(n, stepsPerEpoch, settings.epochs);
    const loss = new Float32Array(totalSteps);
    const grad = new Float32Array(totalSteps);
    let steps = 0;
    const result = await trainModel(
      data,
      settings,
      {
        onBatch(r) {
          if (r.totalSteps !== totalSteps) {
            throw new Error(`The trainer planned ${r.totalSteps} batches, the worker ${totalSteps}.`);
          }
          // Batch rows are rows of the kept data: the index and the anomalies name dataset rows.
          const report = kept.rows ? { ...r, sampleRows: toDatasetRows(kept.rows, r.sampleRows) } : r;
          index.add(report.epoch, report.batch, report.sampleRows);
          loss[r.step] = r.loss;
          grad[r.step] = r.gradNorm;
          steps = r.step + 1;
          messages.batch(
            r.step,
            r.epoch,
            r.batch,
            r.loss,
            r.gradNorm,
            r.samplesPerSecond,
            monitor.batch(report),
          );
        },
        onEpoch(r) {
          messages.epoch(r, monitor.epoch(r));
        },
        shouldStop: () => (run.cancelled ? 'cancel' : 'continue'),
        waitWhilePaused: () => run.pause?.promise ?? Promise.resolve(),
      },
      trainOptions,
    );
    if (result.nonFinite) {
      // The trainer stops before reporting the bad batch, so the monitor never saw it: the anomaly is made here.
      // Its rows are unknown (the batch was never reported); the batch index names the rows of every earlier batch.
      const nf = result.nonFinite;
      const stopped: BatchAnomaly = {
        kind: 'non-finite',
        epoch: nf.epoch,
        batch: nf.step - nf.epoch * stepsPerEpoch,
        step: nf.step,
        value: Number.NaN,
        baseline: Number.NaN,
        magnitude: Number.POSITIVE_INFINITY,
        message: nf.message,
        sampleRows: new Int32Array(0),
      };
      messages.anomaly(stopped);
    }
    messages.send();
    const stepsArray = Int32Array.from({ length: steps }, (_, i) => i);
    return {
      kind: 'finished',
      result: {
        runId,
        status: result.status,
        message: result.nonFinite?.message ?? null,
        backend,
        settings: result.settings,
        dynamics:
          result.dynamics && kept.rows
            ? { ...result.dynamics, sampleRows: toDatasetRows(kept.rows, result.dynamics.sampleRows) }
            : result.dynamics,
        epochs: result.epochs,
        anomalies: messages.all,
        batches: { steps: stepsArray, loss: loss.slice(0, steps), gradNorm: grad.slice(0, steps) },
        batchIndex: index.result(),
        trainRows: toDatasetRows(kept.rows, result.trainRows),
        valRows: toDatasetRows(kept.rows, result.valRows),
        excludedRows: kept.excluded,
        modelSpec: result.modelSpec,
        standardization: result.standardization,
        elapsedMs:
          performance.now() -
          run.startedAt -
          run.pausedMs -
          (run.pause ? performance.now() - run.pausedAt : 0),
        tensors: { before, after: liveTensors().numTensors },
      },
    };
  }

  /** Runs `work` unless another job holds the worker; jobs share the one tfjs engine, so they never overlap. */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (busy) throw new Error('The train worker is busy with another job.');
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  const forRun = (runId: RunId): ActiveRun | null => (active?.runId === runId ? active : null);

  return {
    probeBackends: () => exclusive(probeBackends),

    async start(request, onMessage) {
      if (busy) {
        return { kind: 'failed', message: 'The train worker is already training: one run at a time.' };
      }
      try {
        return await exclusive(() => train(request, onMessage));
      } catch (error) {
        return { kind: 'failed', message: errorText(error) };
      } finally {
        active = null;
      }
    },

    async pause(runId) {
      const run = forRun(runId);
      if (!run || run.pause || run.cancelled) return;
      run.pause = deferred();
      run.pausedAt = performance.now();
      run.flush?.();
    },

    async resume(runId) {
      const run = forRun(runId);
      if (!run?.pause) return;
      run.pausedMs += performance.now() - run.pausedAt;
      const { resolve } = run.pause;
      run.pause = null;
      run.flush?.();
      resolve();
    },

    async cancel(runId) {
      const run = forRun(runId);
      if (!run) return;
      run.cancelled = true;
      if (run.pause) {
        run.pausedMs += performance.now() - run.pausedAt;
        const { resolve } = run.pause;
        run.pause = null;
        resolve();
      }
    },

    async memory() {
      const backend = tf.engine().backendName;
      return { ...liveTensors(), backend: backend || null };
    },

    compareBackends: (names) =>
      exclusive(async (): Promise<BackendComparison> => {
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
      }),

    benchmark: (request) =>
      exclusive(async (): Promise<BenchmarkResult> => {
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
        const batchMs = ends.length ? ends[ends.length - 1] - firstStart : 0;
        const steadyRows = rows.slice(2).reduce((a, b) => a + b, 0);
        const steadyMs = ends.length > 2 ? ends[ends.length - 1] - ends[1] : 0;
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
      }),
  };
}

/**
 * Kernels a model's training needs beyond the MLP's. tfjs 4.22's WASM backend has Conv2D but no
 * Conv2DBackpropFilter, so it can run a CNN forward but not train it (found by training the CNN on digits).
 */
const TRAINING_KERNELS: Record<ModelKind, string[]> = {
  mlp: [],
  cnn: ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPool', 'MaxPoolGrad'],
};

/** The kernels `model`'s training needs that `backend` has not registered. */
function missingKernels(backend: BackendName, model: ModelKind): string[] {
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
