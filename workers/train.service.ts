/**
 * The train worker's service: the `TrainApi` over the training core, with no worker or comlink in it, so the
 * contract test runs it in-process (Node, tfjs CPU backend) and the worker entry only exposes it. It owns the
 * run's mechanics around `trainModel`: backend choice, pause/resume/cancel, the curve monitor, throttled messages,
 * the batch index and the tensor accounting; a stored run is read and written by train-store.ts around the same.
 */
import * as tf from '@tensorflow/tfjs';
import { BatchIndexRecorder } from './batch-index';
import { createCurveMonitor } from './core/anomaly/monitor';
import type { BatchAnomaly } from './core/anomaly/types';
import { errorText } from './core/error-text';
import { splitWithout, toDatasetRows, withoutRows } from './core/train/rows';
import { stratifiedSplit } from './core/train/split';
import { trainModel } from './core/train/trainer';
import { RowNames } from './row-names';
import type { RunId, TrainApi, TrainMessageCallback, TrainOutcome } from './train.api';
import { type BackendControl, createBackendTools } from './train-backends';
import { type ActiveRun, deferred, startMessages } from './train-messages';
import { storedValAccuracy, trainStoredRun } from './train-store';

export type { BackendControl } from './train-backends';
export { syntheticData } from './train-backends';
export { messageTransferables, resultTransferables } from './train-messages';

/** Mechanics that tests tune; the defaults are the app's. */
export interface ServiceOptions {
  /** Minimum time between progress messages (default 100 ms: at most ~10 a second). */
  progressIntervalMs?: number;
  /** Passed to the trainer: yield to the worker's event loop this often, so pause and cancel arrive (default 10 ms). */
  yieldIntervalMs?: number;
}

/** Live tensors, from the engine's count: unlike tf.memory() it never initialises a backend. */
function liveTensors(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.engine().state;
  return { numTensors, numBytes };
}

/** Builds the service over a runtime's backends. One run at a time. */
export function createTrainService(backends: BackendControl, options: ServiceOptions = {}): TrainApi {
  const progressInterval = options.progressIntervalMs ?? 100;
  const trainOptions = { yieldIntervalMs: options.yieldIntervalMs ?? 10 };
  let active: ActiveRun | null = null;
  let busy = false;
  const { probeBackends, pickBackend, compareBackends, benchmark } = createBackendTools(
    backends,
    trainOptions,
  );

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
    // The split is drawn over the whole dataset, then carried to the kept rows: a retraining without quarantined rows
    // validates on the rows the run before it held out (splitWithout). Its sizes set up the UI and the index now.
    const full = stratifiedSplit(
      request.data.labels,
      request.data.classCount,
      settings.validationFraction,
      settings.seed,
    );
    const split = kept.rows ? splitWithout(full, kept.rows) : full;
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
    const messages = startMessages(run, onMessage, totalSteps, stepsPerEpoch, progressInterval);
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
      split,
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
  const names = new RowNames();

  async function start(...[request, onMessage]: Parameters<TrainApi['start']>): Promise<TrainOutcome> {
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
  }

  return {
    probeBackends: () => exclusive(probeBackends),
    start,
    trainStored: (job, onMessage) => trainStoredRun(start, job, onMessage),

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
    samplesOf: (dataset, rows) => names.name(dataset, rows),
    validationAccuracy: storedValAccuracy,
    compareBackends: (backendNames) => exclusive(() => compareBackends(backendNames)),
    benchmark: (request) => exclusive(() => benchmark(request)),
  };
}
