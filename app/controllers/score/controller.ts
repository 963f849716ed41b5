/**
 * The scoring controller: the app's scoring actions. It owns the score worker, drives the scoring slice, and is the
 * only scoring code that awaits the worker; the views call it. The worker reads the run and dataset from IndexedDB
 * and stores the scoring itself (workers/score-store.ts), answering with summaries; the page writes a scoring only
 * to mark it failed when its worker died, and to mark scorings of closed tabs interrupted at start-up.
 */
import { errorText } from '../../../workers/core/error-text';
import { resolveScoreParams, type ScoreParamsInput } from '../../../workers/core/scores/defaults';
import type { FamilyName, KnnMode } from '../../../workers/core/scores/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { CrossValSettings, InfluenceAnswer } from '../../../workers/score.api';
import type { RunId, RunRecord } from '../../db/run-schema';
import type { RunningScoreRecord, ScoreView } from '../../db/score-schema';
import { newScoreJobId, type ScoreStore } from '../../db/scores';
import { budgetRefusal, currentBudget } from '../../memory/budget';
import { scoreEstimate } from '../../memory/jobs';
import type { AppStore } from '../../state/store';
import { WorkerDiedError } from '../worker-life';
import { expectedScoringBackend, scoreBackendRequest } from './backend-request';
import type { ScoreWorker } from './client';

/** The record and message types the scoring views render, and the form's defaults. */
export { DEFAULT_CROSS_VAL, type ScoreProgressMessage } from '../../../workers/score.api';
export type { DoneScoreView, ScoreView } from '../../db/score-schema';

/** What the scoring form asks for. */
export interface ScoreForm {
  /** Cross-validation folds K. */
  folds: number;
  /** Epochs per fold; null: the run's. */
  cvEpochs: number | null;
  /** kNN neighbours k. */
  k: number;
  /** kNN search: exact, approximate (IVF) or by size; absent: the default (by size). */
  knnMode?: KnnMode;
  /** Flag budget q (fraction). */
  q: number;
  weights: Record<FamilyName, number>;
  /**
   * Calibrate the suspicion on canaries (issue 10; the default): the worker runs the pipeline again on the run's rows
   * plus synthetic poison and ranks the rows by what finds it. False: the weighted rule below, uncalibrated.
   */
  calibrate: boolean;
}

const lockName = (id: string) => `sift-score:${id}`;

/** The scoring actions. One instance per mounted app. */
export class ScoreController {
  private worker: ScoreWorker | null = null;
  private disposed = false;
  /** Recombinations are numbered so a late answer to an older one is dropped. */
  private recombineSeq = 0;
  /** The suspicion weights and q last asked for, per score set. */
  private requested: { id: string; weights: Record<FamilyName, number>; q: number } | null = null;

  constructor(
    private readonly store: AppStore,
    private readonly scores: Promise<ScoreStore>,
    private readonly startWorker: () => ScoreWorker,
    private readonly locks: LockManager | null,
    private readonly dbName: string,
  ) {}

  private get api() {
    // A worker that died is replaced: its calls would only fail.
    if (this.worker?.life.reason()) this.dropWorker();
    this.worker ??= this.startWorker();
    return this.worker.api;
  }

  /** Stops the worker; a running scoring is left to be found interrupted. */
  dispose(): void {
    this.disposed = true;
    this.worker?.dispose();
    this.worker = null;
  }

  /** Ends the worker (dead or not) and forgets what it held. */
  private dropWorker(): void {
    this.worker?.dispose();
    this.worker = null;
  }

  private fail(error: unknown): void {
    if (!this.disposed) this.store.getState().setScoreError(errorText(error));
  }

  /** Marks scorings left `running` by a closed or reloaded tab as interrupted. */
  async init(): Promise<void> {
    try {
      const held = new Set<string>();
      if (this.locks) {
        const snapshot = await this.locks.query();
        for (const lock of snapshot.held ?? []) if (lock.name) held.add(lock.name);
      }
      await (await this.scores).markInterrupted((id) => held.has(lockName(id)));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Shows the scorings of a run in the panel (the newest, and the newest finished one), as the worker reads them. */
  async showRun(run: RunRecord): Promise<void> {
    const state = this.store.getState();
    if (state.shownScores?.runId !== run.id)
      state.setShownScores({ runId: run.id, latest: null, done: null });
    try {
      const { latest, done } = await this.api.scoringsOf(this.dbName, run.id);
      if (this.store.getState().shownScores?.runId !== run.id) return;
      this.store.getState().setShownScores({ runId: run.id, latest, done });
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Scores every sample of a finished run: K-fold cross-validation, then every score, stored with its params.
   * `backend` forces one backend for this job (a retry after a worker died); by default scoring chooses its own.
   */
  async start(run: RunRecord, form: ScoreForm, backend: BackendName | null = null): Promise<void> {
    const state = this.store.getState();
    if (state.liveScore) return;
    // Refused before anything starts when the estimate is over the memory budget (the form shows the same text).
    const meta = state.current;
    const estimate = meta?.id === run.datasetId ? scoreEstimate(meta, run, form) : null;
    const refusal = estimate && budgetRefusal('Scoring', estimate, currentBudget(state.memoryBudgetOverride));
    if (refusal) {
      state.setScoreError(refusal);
      return;
    }
    const jobId = newScoreJobId();
    state.setScoreError(null);
    state.setLiveScore({ jobId, runId: run.id, phase: 'starting', progress: null });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    void this.locks?.request(lockName(jobId), () => held);
    try {
      await this.score(run, form, jobId, backend);
    } catch (error) {
      this.store.getState().setScoreError(errorText(error));
    } finally {
      release();
      this.store.getState().setLiveScore(null);
    }
  }

  /** Scores a run again with a stored scoring's parameters (interrupted, or failed when its worker died). */
  async retry(run: RunRecord, previous: ScoreView, backend: BackendName | null = null): Promise<void> {
    const p = previous.params;
    await this.start(
      run,
      {
        folds: previous.crossVal.folds,
        cvEpochs: previous.crossVal.epochs,
        k: p.knn.k,
        knnMode: p.knn.mode,
        q: p.suspicion.q,
        weights: { ...p.suspicion.weights },
        calibrate: previous.calibrate ?? false,
      },
      backend,
    );
  }

  private async score(
    run: RunRecord,
    form: ScoreForm,
    jobId: RunningScoreRecord['id'],
    backend: BackendName | null,
  ): Promise<void> {
    const input: ScoreParamsInput = {
      seed: run.settings.seed,
      knn: { k: form.k, ...(form.knnMode ? { mode: form.knnMode } : {}) },
      suspicion: { q: form.q, weights: { ...form.weights } },
    };
    const crossVal: CrossValSettings = { folds: form.folds, epochs: form.cvEpochs };
    const now = Date.now();
    const record: RunningScoreRecord = {
      id: jobId,
      runId: run.id,
      datasetId: run.datasetId,
      createdAt: now,
      updatedAt: now,
      status: 'running',
      message: null,
      params: resolveScoreParams(input),
      crossVal,
      backend: null,
      calibrate: form.calibrate,
    };
    this.store.getState().upsertScore(record);
    this.store.getState().patchLiveScore(jobId, { phase: 'running' });

    // Scoring chooses its own backend (the analyst's setting or this retry's forces it); the folds prefer the run's.
    const { backendState, backendOverride } = this.store.getState();
    const backends = scoreBackendRequest(
      backendState,
      run.backend?.backend ?? null,
      backend ?? backendOverride,
    );
    const asked = backend ?? expectedScoringBackend(backends);
    const api = this.api;
    let before = 0;
    let ended: ScoreView;
    try {
      before = (await api.memory()).numTensors;
      // The worker reads the run and dataset and stores the scoring itself: no per-sample array crosses here.
      ended = await api.scoreStored(
        {
          dbName: this.dbName,
          record,
          params: input,
          backend: backends,
          // The canaries' defaults (seed, ~2% of rows, the kinds that fit the data); the image shape comes with data.
          ...(form.calibrate ? { calibration: { canary: {}, fusion: {} } } : {}),
        },
        (progress) => this.store.getState().patchLiveScore(jobId, { progress }),
      );
    } catch (error) {
      if (!(error instanceof WorkerDiedError) || this.disposed) throw error;
      // The worker died under the job: stored as failed with the reason and the backend asked for; the dead worker
      // is dropped (the browser has freed all it held); earlier score sets, runs and decisions are untouched.
      this.dropWorker();
      const failed = await (await this.scores).markFailed(record, error.message, { backend: asked });
      this.store.getState().setScoreMemory(null);
      // A scoring the worker stored as ended before it died is shown as stored.
      if (failed.status === 'done') void this.showRun(run);
      else this.store.getState().upsertScore(failed);
      this.store.getState().setScoreError(error.message);
      return;
    }
    const after = await api.memory();
    this.store.getState().setScoreMemory({ before, after: after.numTensors, now: after.numTensors });
    this.store.getState().upsertScore(ended);
    if (ended.status === 'failed') this.store.getState().setScoreError(ended.message);
  }

  /** Stops the running scoring at its next batch or stage. */
  async cancel(): Promise<void> {
    const live = this.store.getState().liveScore;
    if (!live || !this.worker) return;
    this.store.getState().patchLiveScore(live.jobId, { phase: 'cancelling' });
    await this.worker.api.cancel(live.jobId);
  }

  /**
   * New weights or q for the shown score set: merged into the last requested ones (so quick successive edits all
   * count), recombined in the worker, stored, shown; answers to superseded requests are dropped.
   */
  async recombine(patch: { weights?: Partial<Record<FamilyName, number>>; q?: number }): Promise<void> {
    const done = this.store.getState().shownScores?.done;
    // A calibrated suspicion is not a weighting of the families: the weights and q do not apply to it.
    if (!done || done.calibration) return;
    const base =
      this.requested?.id === done.id
        ? this.requested
        : { id: done.id, weights: done.params.suspicion.weights, q: done.params.suspicion.q };
    const wanted = { id: done.id, weights: { ...base.weights, ...patch.weights }, q: patch.q ?? base.q };
    this.requested = wanted;
    const seq = ++this.recombineSeq;
    this.store.getState().setRecombining(true);
    try {
      const updated = await this.api.recombineStored(this.dbName, done.id, {
        weights: wanted.weights,
        q: wanted.q,
      });
      if (updated && seq === this.recombineSeq) this.store.getState().upsertScore(updated);
    } catch (error) {
      this.requested = null;
      this.fail(error);
    } finally {
      if (seq === this.recombineSeq) this.store.getState().setRecombining(false);
    }
  }

  /**
   * TracIn proponents and opponents of dataset row `row` of a run, computed in this controller's score worker, which
   * reads the run's checkpoints and features from IndexedDB itself (once per run).
   */
  influence(datasetId: string, runId: string, row: number, top: number): Promise<InfluenceAnswer> {
    const { backendState, backendOverride } = this.store.getState();
    return this.api.influenceFor(
      {
        dbName: this.dbName,
        datasetId,
        runId,
        probes: backendState.kind === 'ready' ? backendState.probes : [],
        override: backendOverride,
      },
      row,
      top,
    );
  }

  /** Reads the worker's live tensors now (for the panel and tests). */
  async refreshMemory(): Promise<void> {
    if (!this.worker) return;
    const now = (await this.worker.api.memory()).numTensors;
    const m = this.store.getState().scoreMemory;
    this.store.getState().setScoreMemory({ before: m?.before ?? now, after: m?.after ?? now, now });
  }

  /** Hands the shown score set to the review screen (issue 5 reads `reviewRequest`). */
  review(runId: RunId): void {
    const state = this.store.getState();
    const done = state.shownScores?.done;
    if (!done || done.runId !== runId) return;
    state.requestReview({ datasetId: done.datasetId, runId, scoreId: done.id });
  }
}
