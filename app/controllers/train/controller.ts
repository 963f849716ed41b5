/**
 * The training side of the app: owns the train worker and the probe cache, drives the run slice, and is the only
 * place that awaits the train worker; views call it and render the store. The worker reads the dataset and stores
 * the run itself (its record and curves while it trains, its dynamics when it ends, workers/train-store.ts) and
 * tells the page each record it stored; the page writes a run only when its worker died under it.
 */
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from '../../../workers/core/anomaly/types';
import { errorText } from '../../../workers/core/error-text';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { TrainSettings } from '../../../workers/core/train/types';
import type { RunId, StoredRunMessage, StoredRunOutcome } from '../../../workers/train.api';
import { newRunId, type RunStore } from '../../db/runs';
import type { DatasetId, DatasetMeta } from '../../db/schema';
import { budgetRefusal, currentBudget } from '../../memory/budget';
import { trainEstimate } from '../../memory/jobs';
import type { AppStore } from '../../state/store';
import { WorkerDiedError } from '../worker-life';
import { AnomalySamples } from './anomaly-samples';
import { TrainBackends, type TrainEnvironment } from './backends';
import type { TrainWorker } from './client';
import { lockName, RunDisplay } from './run-display';
import { type ComparedRun, curveDataOf, newRunRecord, RunSession, type StartOptions } from './run-session';

/** The record and message types the training views render. */
export type { RunId, RunProgress } from '../../../workers/train.api';
export type { RunRecord, RunStatus } from '../../db/run-schema';

export { browserEnvironment, type TrainEnvironment } from './backends';
export { type ComparedRun, curveDataOf, type StartOptions } from './run-session';

/**
 * How often the page re-renders a training run at most, in ms. The worker sends up to ten messages a second; drawing
 * five a second keeps the curves live and halves the main thread's work, which matters on a loaded 2-core machine.
 */
const PUBLISH_EVERY_MS = 200;

export class TrainController {
  private worker: TrainWorker | null = null;
  private workerDataset: DatasetId | null = null;
  private session: RunSession | null = null;
  private disposed = false;

  /** `startWorker` starts a train worker (the real one in the app); it reads and writes the database `dbName`. */
  constructor(
    private readonly store: AppStore,
    private readonly runs: Promise<RunStore>,
    private readonly startWorker: () => TrainWorker,
    private readonly env: TrainEnvironment,
    private readonly dbName: string,
  ) {
    this.backends = new TrainBackends(store, startWorker, env);
    this.samples = new AnomalySamples(store, (datasetId, rows) =>
      this.answering(datasetId).api.samplesOf({ dbName, datasetId }, rows),
    );
    this.display = new RunDisplay(store, runs, env.locks, {
      live: () => this.session,
      measureBackends: () => this.measureBackends(),
      fail: (error) => this.fail(error),
    });
  }

  /** The probe, the forced backend and the backend check. */
  private readonly backends: TrainBackends;
  private readonly samples: AnomalySamples;
  private readonly display: RunDisplay;

  /** Measures the backends in a throwaway worker and caches the result. */
  measureBackends(): Promise<void> {
    return this.backends.measureBackends();
  }

  /** Forces a backend (or, with null, lets the probe decide); remembered in this browser. */
  setBackendOverride(name: BackendName | null): void {
    this.backends.setBackendOverride(name);
  }

  /** Trains each available backend on a tiny seeded model in a throwaway worker and compares it with WASM. */
  compareBackends(): Promise<void> {
    return this.backends.compareBackends();
  }

  /** Stops everything: cancels nothing on purpose (the tab is going; its run will be found interrupted). */
  dispose(): void {
    this.disposed = true;
    this.backends.disposed = true;
    this.worker?.dispose();
    this.worker = null;
    this.session?.finish();
  }

  private fail(error: unknown): void {
    if (!this.disposed) this.store.getState().setError(errorText(error));
  }

  /**
   * A worker to ask about stored data (it names its dataset in each question): the live one when there is one, so a
   * question never replaces a worker that is training, else the dataset's.
   */
  private answering(datasetId: DatasetId): TrainWorker {
    return this.worker && this.worker.life.reason() === null ? this.worker : this.workerFor(datasetId);
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

  /** A stored run's record, curves and validation accuracy per class (from the worker), for a before/after comparison. */
  async comparedRun(id: RunId): Promise<ComparedRun> {
    const db = await this.runs;
    const [record, curves] = await Promise.all([db.getRun(id), db.getCurves(id)]);
    if (!record || !curves) throw new Error('That run is no longer stored in this browser.');
    const accuracy = record.hasDynamics
      ? await this.answering(record.datasetId).api.validationAccuracy(this.dbName, id)
      : null;
    return {
      record,
      curves: curveDataOf(record, curves, this.store.getState().current?.classes ?? []),
      accuracy,
    };
  }

  private async run(
    meta: DatasetMeta,
    runId: RunId,
    settings: TrainSettings,
    thresholds: AnomalyThresholds,
    options: StartOptions,
  ): Promise<void> {
    const record = newRunRecord(meta, runId, settings, thresholds, options);
    const session = new RunSession(record, meta.classes);
    this.session = session;
    // The lock is held until the run ends: a tab opened meanwhile sees the run is live, not interrupted.
    void this.env.locks?.request(lockName(runId), () => session.done);
    this.store.getState().showRun(record, session.curves);
    this.store.getState().upsertRun(record);

    const backendState = this.store.getState().backendState;
    let outcome: StoredRunOutcome;
    try {
      // The worker reads the dataset from IndexedDB and stores the run itself: no per-sample array crosses here.
      outcome = await this.workerFor(meta.id).api.trainStored(
        {
          dbName: this.dbName,
          record,
          backend: {
            probes: backendState.kind === 'ready' ? backendState.probes : [],
            override: options.backend ?? this.store.getState().backendOverride,
          },
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
   * reason and the backend it was on, keeping what the worker stored last; the dead worker is dropped (the browser
   * has freed all it held), and the error is shown; the UI offers a retry on another backend.
   */
  private async workerDied(session: RunSession, reason: string): Promise<void> {
    session.ended = true;
    this.worker?.dispose();
    this.worker = null;
    this.workerDataset = null;
    const live = this.store.getState().live;
    const backend =
      session.record.backend?.backend ??
      (live?.runId === session.record.id ? live.backend?.backend : null) ??
      null;
    try {
      session.record = await (await this.runs).markFailed(session.record, reason, { backend });
    } catch (error) {
      this.fail(new Error(`Could not store the run in this browser: ${errorText(error)}`));
    }
    this.store.getState().upsertRun(session.record);
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

  private onMessage(session: RunSession, message: StoredRunMessage): void {
    if (this.disposed || this.session !== session || session.ended || message.runId !== session.record.id)
      return;
    const state = this.store.getState();
    switch (message.kind) {
      case 'saved': {
        // The worker stored this record: lists show it (the curves on screen come from the messages).
        session.record = message.record;
        state.upsertRun(message.record);
        return;
      }
      case 'started': {
        session.started(message);
        state.patchLive(message.runId, { phase: 'running', backend: message.backend });
        state.setCurves(session.curves);
        return;
      }
      case 'progress': {
        session.append(message);
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
        return;
      }
      default:
        message satisfies never;
    }
  }

  /** The run ended and the worker stored it: show its final record and every point of its curves. */
  private async finish(session: RunSession, outcome: StoredRunOutcome): Promise<void> {
    session.ended = true;
    const { record } = outcome;
    session.record = record;
    session.curves = curveDataOf(record, outcome.curves, session.classNames);
    const state = this.store.getState();
    state.upsertRun(record);
    state.setCurves(session.curves);
    if (outcome.storeError) this.fail(new Error(outcome.storeError));
    if (record.status === 'failed') state.setTrainError(record.message);
    if (!outcome.tensors) return;
    const { before, after } = outcome.tensors;
    const memory = await this.worker?.api.memory();
    this.store.getState().setWorkerMemory({ before, after, now: memory?.numTensors ?? after });
  }

  /** Pauses the live run between batches. */
  pause(): Promise<void> {
    return this.hold(true);
  }

  /** Resumes the paused live run. */
  resume(): Promise<void> {
    return this.hold(false);
  }

  /** Pauses or resumes the live run in the worker (which stores its new status), then shows it. */
  private async hold(paused: boolean): Promise<void> {
    const session = this.session;
    if (!session || !this.worker) return;
    const id = session.record.id;
    await (paused ? this.worker.api.pause(id) : this.worker.api.resume(id));
    this.store.getState().patchLive(id, { phase: paused ? 'paused' : 'running' });
  }

  /** Cancels the live run; it ends as cancelled with the epochs it finished. */
  async cancel(): Promise<void> {
    const session = this.session;
    if (!session || !this.worker) return;
    this.store.getState().patchLive(session.record.id, { phase: 'stopping' });
    await this.worker.api.cancel(session.record.id);
  }

  /** Marks runs left `running` or `paused` by a closed or reloaded tab as interrupted. */
  init(): Promise<void> {
    return this.display.init();
  }

  /** Opens the training screen of the open dataset and reads its runs. */
  openTrain(): Promise<void> {
    return this.display.openTrain();
  }

  /** Shows a run's stored curves (or the live run's). */
  openRun(id: RunId): Promise<void> {
    return this.display.openRun(id);
  }

  /** Lists the samples (ids and labels) of the batch behind anomaly `index` of the run on show. */
  showSamples(index: number): Promise<void> {
    return this.samples.show(index).catch((error: unknown) => this.fail(error));
  }

  /** Closes the samples list. */
  hideSamples(): void {
    this.store.getState().setSampleList(null);
  }
}
