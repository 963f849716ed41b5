/**
 * The training side of the app: owns the train worker, the run store and the probe cache, drives the run slice,
 * and is the only place that awaits the train worker or writes runs; views call it and render the store.
 * A run's record is written when it starts, again at most every two seconds and at each epoch's end while it
 * trains (summary and curves), and with its dynamics when it ends.
 */
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from '../../../workers/core/anomaly/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { TrainSettings } from '../../../workers/core/train/types';
import type { RunId, TrainMessage, TrainOutcome, TrainResult } from '../../../workers/train.api';
import type { RunCurvesRecord, RunRecord, RunStatus } from '../../db/run-schema';
import { newRunId, type RunStore } from '../../db/runs';
import type { DatasetId, DatasetMeta } from '../../db/schema';
import { budgetRefusal, currentBudget } from '../../memory/budget';
import { trainEstimate } from '../../memory/jobs';
import type { CurveData } from '../../state/run-slice';
import type { AppStore } from '../../state/store';
import { WorkerDiedError } from '../worker-life';
import type { TrainWorker } from './client';
import { type ValAccuracy, valAccuracy } from './compare';
import { clearProbes, type ProbeStorage, readProbes, writeProbes } from './probe-cache';

/** How often a training run's curves are written at most (besides every epoch's end), in ms. */
const SAVE_EVERY_MS = 2000;
/**
 * How often the page re-renders a training run at most, in ms. The worker sends up to ten messages a second; drawing
 * five a second keeps the curves live and halves the main thread's work, which matters on a loaded 2-core machine.
 */
const PUBLISH_EVERY_MS = 200;
const OVERRIDE_KEY = 'sift.backendOverride';
const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What the controller needs of the browser; tests may hand in their own. */
export interface TrainEnvironment {
  storage: ProbeStorage;
  userAgent: string;
  /** Web Locks, to tell a run another tab is training from one whose tab is gone; null where unsupported. */
  locks: LockManager | null;
}

/** The browser's environment. */
export function browserEnvironment(): TrainEnvironment {
  return {
    storage: localStorage,
    userAgent: navigator.userAgent,
    locks: typeof navigator.locks === 'undefined' ? null : navigator.locks,
  };
}

const lockName = (id: RunId) => `sift-run:${id}`;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stored status of a finished worker run. */
function statusOf(result: TrainResult): RunStatus {
  switch (result.status) {
    case 'completed':
      return 'done';
    case 'cancelled':
      return 'cancelled';
    case 'non-finite':
      return 'failed';
    default:
      return result.status satisfies never;
  }
}

/** Curves of a stored run for the charts. */
export function curveDataOf(record: RunRecord, curves: RunCurvesRecord, classNames: string[]): CurveData {
  return {
    runId: record.id,
    steps: curves.steps,
    totalSteps: Math.max(record.totalSteps, curves.steps),
    stepsPerEpoch: record.stepsPerEpoch,
    loss: curves.loss,
    gradNorm: curves.gradNorm,
    epochs: curves.epochs,
    anomalies: curves.anomalies,
    classNames,
  };
}

/** The mutable side of the run this tab trains: its record and curve buffers. */
class RunSession {
  loss = new Float32Array(0);
  gradNorm = new Float32Array(0);
  steps = 0;
  curves: CurveData;
  lastSaved = 0;
  lastPublished = Number.NEGATIVE_INFINITY;
  readonly done: Promise<void>;
  finish: () => void = () => undefined;

  constructor(
    public record: RunRecord,
    readonly classNames: string[],
  ) {
    this.curves = curveDataOf(
      record,
      { id: record.id, steps: 0, loss: this.loss, gradNorm: this.gradNorm, epochs: [], anomalies: [] },
      classNames,
    );
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** Sizes the buffers once the worker has said how many batches the run has. */
  plan(totalSteps: number, stepsPerEpoch: number): void {
    this.loss = new Float32Array(totalSteps);
    this.gradNorm = new Float32Array(totalSteps);
    this.curves = { ...this.curves, totalSteps, stepsPerEpoch, loss: this.loss, gradNorm: this.gradNorm };
  }

  /** Appends a progress message's points; returns whether an epoch finished in it. */
  append(message: Extract<TrainMessage, { kind: 'progress' }>): boolean {
    const { steps, loss, gradNorm } = message.batches;
    for (let k = 0; k < steps.length; k++) {
      // Points arrive in step order; indexing by step keeps a lost message from shifting later ones.
      const s = steps[k];
      if (s < this.loss.length) {
        this.loss[s] = loss[k];
        this.gradNorm[s] = gradNorm[k];
        this.steps = Math.max(this.steps, s + 1);
      }
    }
    this.curves = {
      ...this.curves,
      steps: this.steps,
      epochs: message.epochs.length ? [...this.curves.epochs, ...message.epochs] : this.curves.epochs,
      anomalies: message.anomalies.length
        ? [...this.curves.anomalies, ...message.anomalies]
        : this.curves.anomalies,
    };
    const last = this.curves.epochs[this.curves.epochs.length - 1];
    this.record = {
      ...this.record,
      updatedAt: Date.now(),
      stepsDone: message.progress.stepsDone,
      epochsDone: this.curves.epochs.length,
      elapsedMs: message.progress.elapsedMs,
      anomalyCount: this.curves.anomalies.length,
      final: last
        ? {
            epoch: last.epoch,
            trainLoss: last.trainLoss,
            trainAccuracy: last.trainAccuracy,
            valLoss: last.valLoss,
            valAccuracy: last.valAccuracy,
          }
        : null,
    };
    return message.epochs.length > 0;
  }

  /** The curves as stored: copies trimmed to the points recorded (a view would store the whole buffer). */
  curvesRecord(): RunCurvesRecord {
    return {
      id: this.record.id,
      steps: this.steps,
      loss: this.loss.slice(0, this.steps),
      gradNorm: this.gradNorm.slice(0, this.steps),
      epochs: this.curves.epochs,
      anomalies: this.curves.anomalies,
    };
  }
}

/** What a run may be asked beyond its settings. */
export interface StartOptions {
  /** Dataset rows to leave out entirely (retrain on clean). */
  excludeRows?: Int32Array;
  /** The run whose settings this one repeats without `excludeRows`. */
  retrainOf?: RunId;
  /** Forces this run's backend (a retry after a worker died), leaving the saved backend setting as it is. */
  backend?: BackendName;
}

/** One side of a before/after comparison. */
export interface ComparedRun {
  record: RunRecord;
  curves: CurveData;
  /** Null when the run recorded no dynamics. */
  accuracy: ValAccuracy | null;
}

export class TrainController {
  private worker: TrainWorker | null = null;
  private workerDataset: DatasetId | null = null;
  private session: RunSession | null = null;
  /** Writes are chained so a late periodic write never lands after the final one. */
  private writes: Promise<void> = Promise.resolve();
  private ids: { datasetId: DatasetId; ids: string[]; labels: Int32Array } | null = null;
  private disposed = false;

  /** `startWorker` starts a train worker (the real one in the app). */
  constructor(
    private readonly store: AppStore,
    private readonly runs: Promise<RunStore>,
    private readonly startWorker: () => TrainWorker,
    private readonly env: TrainEnvironment,
  ) {
    const saved = env.storage.getItem(OVERRIDE_KEY);
    const override = BACKENDS.find((b) => b === saved) ?? null;
    store.getState().setBackendOverride(override);
    const cached = readProbes(env.storage, env.userAgent);
    if (cached) store.getState().setBackendState({ kind: 'ready', ...cached });
  }

  /** Stops everything: cancels nothing on purpose (the tab is going; its run will be found interrupted). */
  dispose(): void {
    this.disposed = true;
    this.worker?.dispose();
    this.worker = null;
    this.session?.finish();
  }

  private fail(error: unknown): void {
    if (!this.disposed) this.store.getState().setError(errorText(error));
  }

  /** Marks runs left `running` or `paused` by a closed or reloaded tab as interrupted. */
  async init(): Promise<void> {
    try {
      const held = new Set<string>();
      if (this.env.locks) {
        const snapshot = await this.env.locks.query();
        for (const lock of snapshot.held ?? []) if (lock.name) held.add(lock.name);
      }
      await (await this.runs).markInterrupted((id) => held.has(lockName(id)));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Opens the training screen of the open dataset and reads its runs. */
  async openTrain(): Promise<void> {
    const state = this.store.getState();
    const meta = state.current;
    if (!meta) return;
    if (state.runs === null || state.shownRun?.datasetId !== meta.id) {
      state.setRuns(null);
      if (this.session?.record.datasetId !== meta.id) state.showRun(null, null);
    }
    state.go({ kind: 'train' });
    try {
      const runs = await (await this.runs).listForDataset(meta.id);
      if (this.store.getState().current?.id !== meta.id) return;
      this.store.getState().setRuns(runs);
      const shown = this.store.getState().shownRun;
      if (!shown && runs[0]) await this.openRun(runs[0].id);
    } catch (error) {
      this.fail(error);
    }
    if (this.store.getState().backendState.kind === 'unknown') await this.measureBackends();
  }

  /** Measures the backends in a throwaway worker (it leaves every backend it touched behind) and caches the result. */
  async measureBackends(): Promise<void> {
    const { backendState, setBackendState } = this.store.getState();
    if (backendState.kind === 'measuring') return;
    setBackendState({ kind: 'measuring' });
    const probeWorker = this.startWorker();
    try {
      const probes = await probeWorker.api.probeBackends();
      const cached = { probes, measuredAt: Date.now() };
      writeProbes(this.env.storage, this.env.userAgent, cached);
      if (!this.disposed) this.store.getState().setBackendState({ kind: 'ready', ...cached });
    } catch (error) {
      clearProbes(this.env.storage);
      if (!this.disposed)
        this.store.getState().setBackendState({ kind: 'failed', message: errorText(error) });
    } finally {
      probeWorker.dispose();
    }
  }

  /** Forces a backend (or, with null, lets the probe decide); remembered in this browser. */
  setBackendOverride(name: BackendName | null): void {
    if (name) this.env.storage.setItem(OVERRIDE_KEY, name);
    else this.env.storage.removeItem(OVERRIDE_KEY);
    this.store.getState().setBackendOverride(name);
  }

  /** Trains each available backend on a tiny seeded model in a throwaway worker and compares it with WASM. */
  async compareBackends(): Promise<void> {
    const { backendState, setComparison } = this.store.getState();
    const available =
      backendState.kind === 'ready'
        ? backendState.probes.filter((p) => p.available).map((p) => p.backend)
        : BACKENDS;
    const names: BackendName[] = ['wasm', ...BACKENDS.filter((b) => b !== 'wasm' && available.includes(b))];
    setComparison({ kind: 'running' });
    const checker = this.startWorker();
    try {
      const result = await checker.api.compareBackends(names);
      if (!this.disposed) this.store.getState().setComparison({ kind: 'done', result });
    } catch (error) {
      if (!this.disposed) this.store.getState().setComparison({ kind: 'failed', message: errorText(error) });
    } finally {
      checker.dispose();
    }
  }

  /** The train worker of a dataset: one per open dataset, replaced when another dataset is trained. */
  private workerFor(datasetId: DatasetId): TrainWorker {
    // A worker that died is replaced too: its calls would only fail.
    if (this.worker && (this.workerDataset !== datasetId || this.worker.life.reason() !== null)) {
      this.worker.dispose();
      this.worker = null;
    }
    this.worker ??= this.startWorker();
    this.workerDataset = datasetId;
    return this.worker;
  }

  private save(write: (db: RunStore) => Promise<void>): Promise<void> {
    this.writes = this.writes.then(async () => {
      try {
        await write(await this.runs);
      } catch (error) {
        this.fail(new Error(`Could not store the run in this browser: ${errorText(error)}`));
      }
    });
    return this.writes;
  }

  private saveSession(session: RunSession): void {
    session.lastSaved = performance.now();
    const record = session.record;
    const curves = session.curvesRecord();
    void this.save((db) => db.saveProgress(record, curves));
    this.store.getState().upsertRun(record);
  }

  /** Starts training the open dataset. Resolves when the run has ended (done, failed or cancelled). */
  async start(
    settings: TrainSettings,
    thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS,
    options: StartOptions = {},
  ): Promise<RunId | null> {
    const state = this.store.getState();
    const meta = state.current;
    if (!meta || state.live) return null;
    // Refused before anything starts when the estimate is over the memory budget (the form shows the same text).
    const refusal = budgetRefusal(
      'Training',
      trainEstimate(meta, settings),
      currentBudget(state.memoryBudgetOverride),
    );
    if (refusal) {
      state.setTrainError(refusal);
      return null;
    }
    const runId = newRunId();
    state.setTrainError(null);
    state.setSampleList(null);
    state.setLive({ runId, datasetId: meta.id, phase: 'starting', backend: null, progress: null });
    try {
      await this.run(meta, runId, settings, thresholds, options);
      return runId;
    } catch (error) {
      this.store.getState().setTrainError(errorText(error));
      return null;
    } finally {
      this.session?.finish();
      this.session = null;
      this.store.getState().setLive(null);
    }
  }

  /**
   * Retrains the open dataset with `baseRunId`'s settings and thresholds, leaving `excludeRows` out. Resolves with
   * the new run's id when it has ended, or null when it could not start (another run is live, no dataset open).
   */
  async retrainOnClean(baseRunId: RunId, excludeRows: Int32Array): Promise<RunId | null> {
    const base = await (await this.runs).getRun(baseRunId);
    if (!base) throw new Error('The scored run is no longer stored in this browser.');
    return this.start(base.settings, base.thresholds, { excludeRows, retrainOf: baseRunId });
  }

  /**
   * Retrain on clean: trains `baseRunId`'s settings without `excludeRows`, then reads both runs for a before/after
   * comparison. Rejects when the new run could not start or did not finish.
   */
  async retrainAndCompare(
    baseRunId: RunId,
    excludeRows: Int32Array,
  ): Promise<{ before: ComparedRun; after: ComparedRun }> {
    const after = await this.retrainOnClean(baseRunId, excludeRows);
    if (!after) throw new Error('Training could not start: is another run still training?');
    const [b, a] = await Promise.all([this.comparedRun(baseRunId), this.comparedRun(after)]);
    if (a.record.status !== 'done')
      throw new Error(a.record.message ?? `The retraining ended as ${a.record.status}.`);
    return { before: b, after: a };
  }

  /** A stored run's record, curves and validation accuracy per class, for a before/after comparison. */
  async comparedRun(id: RunId): Promise<ComparedRun> {
    const meta = this.store.getState().current;
    const db = await this.runs;
    const [record, curves, dynamics] = await Promise.all([
      db.getRun(id),
      db.getCurves(id),
      db.getDynamics(id),
    ]);
    if (!record || !curves) throw new Error('That run is no longer stored in this browser.');
    return {
      record,
      curves: curveDataOf(record, curves, meta?.classes ?? []),
      accuracy: dynamics?.dynamics ? valAccuracy(dynamics.dynamics) : null,
    };
  }

  private async run(
    meta: DatasetMeta,
    runId: RunId,
    settings: TrainSettings,
    thresholds: AnomalyThresholds,
    options: StartOptions,
  ): Promise<void> {
    const db = await this.runs;
    const arrays = await db.loadTrainingArrays(meta.id);
    if (!arrays) throw new Error('The dataset is no longer stored in this browser.');
    const now = Date.now();
    const session = new RunSession(
      {
        id: runId,
        datasetId: meta.id,
        createdAt: now,
        updatedAt: now,
        status: 'running',
        message: null,
        settings,
        thresholds,
        backend: null,
        trainRows: 0,
        valRows: 0,
        totalSteps: 0,
        stepsPerEpoch: 0,
        stepsDone: 0,
        epochsDone: 0,
        elapsedMs: 0,
        final: null,
        anomalyCount: 0,
        hasDynamics: false,
        ...(options.excludeRows?.length ? { excludedRows: options.excludeRows.slice() } : {}),
        ...(options.retrainOf ? { retrainOf: options.retrainOf } : {}),
      },
      meta.classes,
    );
    this.session = session;
    // The lock is held until the run ends: a tab opened meanwhile sees the run is live, not interrupted.
    void this.env.locks?.request(lockName(runId), () => session.done);
    this.store.getState().showRun(session.record, session.curves);
    this.saveSession(session);

    const backendState = this.store.getState().backendState;
    let outcome: TrainOutcome;
    try {
      outcome = await this.workerFor(meta.id).api.start(
        {
          runId,
          data: {
            features: arrays.features,
            featureCount: meta.featureNames.length,
            labels: arrays.labels,
            classCount: meta.classes.length,
            ...(settings.model === 'cnn' && meta.image ? { image: meta.image } : {}),
          },
          settings,
          thresholds,
          classNames: meta.classes,
          backend: {
            probes: backendState.kind === 'ready' ? backendState.probes : [],
            override: options.backend ?? this.store.getState().backendOverride,
          },
          // A copy: the request's arrays are transferred, and the record keeps its own.
          ...(options.excludeRows?.length ? { excludeRows: options.excludeRows.slice() } : {}),
        },
        (message) => this.onMessage(session, message),
      );
    } catch (error) {
      if (!(error instanceof WorkerDiedError) || this.disposed) throw error;
      await this.workerDied(session, error.message);
      return;
    }
    if (this.disposed) return;
    await this.finish(session, outcome);
  }

  /**
   * The worker died under a run (crash, out of memory, lost WebGPU device): the run is stored as failed with the
   * reason and the backend it was on, the dead worker is dropped (the browser has freed all it held), and the error
   * is shown; the UI offers a retry on another backend. The curves saved so far stay; nothing else is touched.
   */
  private async workerDied(session: RunSession, reason: string): Promise<void> {
    this.worker?.dispose();
    this.worker = null;
    this.workerDataset = null;
    const live = this.store.getState().live;
    const backend =
      session.record.backend?.backend ??
      (live?.runId === session.record.id ? live.backend?.backend : null) ??
      null;
    session.record = {
      ...session.record,
      status: 'failed',
      message: reason,
      updatedAt: Date.now(),
      crash: { backend },
    };
    this.saveSession(session);
    await this.writes;
    this.store.getState().setWorkerMemory(null);
    this.store.getState().setTrainError(reason);
  }

  /**
   * Trains a run's settings again on `backend`, forced for that run only: the retry offered when a run's worker died.
   * Resolves like `start`.
   */
  async retryOnBackend(runId: RunId, backend: BackendName): Promise<RunId | null> {
    const base = await (await this.runs).getRun(runId);
    if (!base) throw new Error('That run is no longer stored in this browser.');
    return this.start(base.settings, base.thresholds, {
      ...(base.excludedRows?.length ? { excludeRows: base.excludedRows } : {}),
      ...(base.retrainOf ? { retrainOf: base.retrainOf } : {}),
      backend,
    });
  }

  private onMessage(session: RunSession, message: TrainMessage): void {
    if (this.disposed || this.session !== session || message.runId !== session.record.id) return;
    const state = this.store.getState();
    switch (message.kind) {
      case 'started': {
        session.record = {
          ...session.record,
          backend: message.backend,
          trainRows: message.trainRows,
          valRows: message.valRows,
          totalSteps: message.totalSteps,
          stepsPerEpoch: message.stepsPerEpoch,
          updatedAt: Date.now(),
        };
        session.plan(message.totalSteps, message.stepsPerEpoch);
        state.patchLive(message.runId, { phase: 'running', backend: message.backend });
        state.setCurves(session.curves);
        this.saveSession(session);
        return;
      }
      case 'progress': {
        const epochEnded = session.append(message);
        const live = state.live;
        const phase =
          live?.phase === 'stopping' ? 'stopping' : message.progress.paused ? 'paused' : 'running';
        // The page re-renders at most every PUBLISH_EVERY_MS (and on a phase change); the data are all kept.
        const now = performance.now();
        if (phase !== live?.phase || now - session.lastPublished >= PUBLISH_EVERY_MS) {
          session.lastPublished = now;
          state.patchLive(message.runId, { progress: message.progress, phase });
          state.setCurves(session.curves);
        }
        if (epochEnded || now - session.lastSaved >= SAVE_EVERY_MS) this.saveSession(session);
        return;
      }
      default:
        message satisfies never;
    }
  }

  private async finish(session: RunSession, outcome: TrainOutcome): Promise<void> {
    const state = this.store.getState();
    if (outcome.kind === 'failed') {
      session.record = {
        ...session.record,
        status: 'failed',
        message: outcome.message,
        updatedAt: Date.now(),
      };
      this.saveSession(session);
      await this.writes;
      state.setTrainError(outcome.message);
      return;
    }
    const { result } = outcome;
    // The final result carries every point, even those of a progress message still in flight: it is the truth.
    const last = result.epochs[result.epochs.length - 1];
    session.record = {
      ...session.record,
      status: statusOf(result),
      message: result.message ?? (result.status === 'cancelled' ? 'Cancelled.' : null),
      backend: result.backend,
      updatedAt: Date.now(),
      stepsDone: result.batches.loss.length,
      epochsDone: result.epochs.length,
      elapsedMs: result.elapsedMs,
      anomalyCount: result.anomalies.length,
      hasDynamics: result.dynamics !== null,
      // The worker's list is the truth: sorted, distinct, within the dataset.
      ...(result.excludedRows.length ? { excludedRows: result.excludedRows } : {}),
      final: last
        ? {
            epoch: last.epoch,
            trainLoss: last.trainLoss,
            trainAccuracy: last.trainAccuracy,
            valLoss: last.valLoss,
            valAccuracy: last.valAccuracy,
          }
        : null,
    };
    const curves: RunCurvesRecord = {
      id: result.runId,
      steps: result.batches.loss.length,
      loss: result.batches.loss,
      gradNorm: result.batches.gradNorm,
      epochs: result.epochs,
      anomalies: result.anomalies,
    };
    const record = session.record;
    await this.save((db) =>
      db.saveFinal(record, curves, {
        id: result.runId,
        dynamics: result.dynamics,
        batchIndex: result.batchIndex,
        trainRows: result.trainRows,
        valRows: result.valRows,
        modelSpec: result.modelSpec,
        standardization: result.standardization,
      }),
    );
    session.curves = curveDataOf(record, curves, session.classNames);
    state.upsertRun(record);
    state.setCurves(session.curves);
    if (result.status === 'non-finite' && result.message) state.setTrainError(result.message);
    const memory = await this.worker?.api.memory();
    this.store.getState().setWorkerMemory({
      before: result.tensors.before,
      after: result.tensors.after,
      now: memory?.numTensors ?? result.tensors.after,
    });
  }

  /** Pauses the live run between batches. */
  pause(): Promise<void> {
    return this.hold(true);
  }

  /** Resumes the paused live run. */
  resume(): Promise<void> {
    return this.hold(false);
  }

  /** Pauses or resumes the live run in the worker, then shows and stores its new status. */
  private async hold(paused: boolean): Promise<void> {
    const session = this.session;
    if (!session || !this.worker) return;
    const id = session.record.id;
    await (paused ? this.worker.api.pause(id) : this.worker.api.resume(id));
    this.store.getState().patchLive(id, { phase: paused ? 'paused' : 'running' });
    session.record = { ...session.record, status: paused ? 'paused' : 'running', updatedAt: Date.now() };
    this.saveSession(session);
  }

  /** Cancels the live run; it ends as cancelled with the epochs it finished. */
  async cancel(): Promise<void> {
    const session = this.session;
    if (!session || !this.worker) return;
    this.store.getState().patchLive(session.record.id, { phase: 'stopping' });
    await this.worker.api.cancel(session.record.id);
  }

  /** Shows a run's stored curves (or the live run's). */
  async openRun(id: RunId): Promise<void> {
    const meta = this.store.getState().current;
    if (!meta) return;
    if (this.session?.record.id === id) {
      this.store.getState().showRun(this.session.record, this.session.curves);
      return;
    }
    try {
      const db = await this.runs;
      const [record, curves] = await Promise.all([db.getRun(id), db.getCurves(id)]);
      if (!record || !curves) throw new Error('That run is no longer stored in this browser.');
      this.store.getState().showRun(record, curveDataOf(record, curves, meta.classes));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Lists the samples (ids and labels) of the batch behind anomaly `index` of the run on show. */
  async showSamples(index: number): Promise<void> {
    const { curves, current, shownRun } = this.store.getState();
    const anomaly = curves?.anomalies[index];
    if (!anomaly || !current || !shownRun) return;
    const title =
      'batch' in anomaly
        ? `Samples of epoch ${anomaly.epoch + 1}, batch ${anomaly.batch + 1}`
        : `Epoch ${anomaly.epoch + 1}`;
    if (!('sampleRows' in anomaly)) {
      this.store.getState().setSampleList({
        anomaly: index,
        title,
        rows: [],
        note: 'This anomaly is about a whole epoch, not one batch.',
      });
      return;
    }
    try {
      const rows = anomaly.sampleRows;
      if (this.ids?.datasetId !== current.id) {
        const loaded = await (await this.runs).loadIds(current.id);
        if (!loaded) throw new Error('The dataset is no longer stored in this browser.');
        this.ids = { datasetId: current.id, ...loaded };
      }
      const { ids, labels } = this.ids;
      this.store.getState().setSampleList({
        anomaly: index,
        title,
        rows: Array.from(rows, (row) => ({
          row,
          id: ids[row] ?? `row-${row}`,
          label: current.classes[labels[row] ?? -1] ?? '?',
        })),
        note: rows.length ? null : 'The rows of this batch were not recorded (training stopped inside it).',
      });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Closes the samples list. */
  hideSamples(): void {
    this.store.getState().setSampleList(null);
  }
}
