/**
 * The scoring controller: the app's scoring actions. It owns the score worker and the scores store, drives the
 * scoring slice, and is the only scoring code that awaits the worker or IndexedDB; the views call it.
 */
import { resolveScoreParams, type ScoreParamsInput } from '../../../workers/core/scores/defaults';
import type { FamilyName, KnnMode } from '../../../workers/core/scores/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { CrossValSettings, InfluenceAnswer, ScoreOutcome } from '../../../workers/score.api';
import type { RunId, RunRecord } from '../../db/run-schema';
import type { RunStore } from '../../db/runs';
import { newScoreJobId, type ScoreRecord, type ScoreStore } from '../../db/scores';
import { budgetRefusal, currentBudget } from '../../memory/budget';
import { scoreEstimate } from '../../memory/jobs';
import type { AppStore } from '../../state/store';
import { WorkerDiedError } from '../worker-life';
import { scoreBackendRequest } from './backend-request';
import type { ScoreWorker } from './client';

/** The record and message types the scoring views render, and the form's defaults. */
export { DEFAULT_CROSS_VAL, type ScoreProgressMessage } from '../../../workers/score.api';
export type { ScoreRecord } from '../../db/score-schema';

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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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
    private readonly runs: Promise<RunStore>,
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

  /** Reads the scorings of a run for the panel (the newest, and the newest finished one with row ids). */
  async showRun(run: RunRecord): Promise<void> {
    const state = this.store.getState();
    if (state.shownScores?.runId !== run.id)
      state.setShownScores({ runId: run.id, latest: null, done: null, ids: null });
    try {
      const db = await this.scores;
      const all = (await db.listScoreSets(run.datasetId)).filter((r) => r.runId === run.id);
      const done = all.find((r) => r.status === 'done' && r.scoreSet) ?? null;
      const ids = done ? ((await (await this.runs).loadIds(run.datasetId))?.ids ?? null) : null;
      if (this.store.getState().shownScores?.runId !== run.id) return;
      this.store.getState().setShownScores({ runId: run.id, latest: all[0] ?? null, done, ids });
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Scores every sample of a finished run: K-fold cross-validation, then every score, stored with its params.
   * `backend` forces one backend for this job (a retry after a worker died); by default the run's.
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
  async retry(run: RunRecord, previous: ScoreRecord, backend: BackendName | null = null): Promise<void> {
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
    jobId: ScoreRecord['id'],
    backend: BackendName | null,
  ): Promise<void> {
    const runs = await this.runs;
    const db = await this.scores;
    const [stored, arrays] = await Promise.all([
      runs.getDynamics(run.id),
      runs.loadTrainingArrays(run.datasetId),
    ]);
    if (!stored?.dynamics) throw new Error('This run recorded no dynamics: train it to the end first.');
    if (!arrays) throw new Error('The dataset is no longer stored in this browser.');
    const meta = this.store.getState().current;
    const input: ScoreParamsInput = {
      seed: run.settings.seed,
      knn: { k: form.k, ...(form.knnMode ? { mode: form.knnMode } : {}) },
      suspicion: { q: form.q, weights: { ...form.weights } },
    };
    const crossVal: CrossValSettings = { folds: form.folds, epochs: form.cvEpochs };
    const now = Date.now();
    const record: ScoreRecord = {
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
      scoreSet: null,
      sampleRows: null,
      labels: null,
      summary: null,
      timings: null,
      calibrate: form.calibrate,
      calibration: null,
    };
    await db.saveScoreSet(record);
    this.store.getState().upsertScore(record);
    this.store.getState().patchLiveScore(jobId, { phase: 'running' });

    const asked = backend ?? run.backend?.backend ?? null;
    const api = this.api;
    const sampleRows = stored.dynamics.sampleRows.slice();
    const labels = stored.dynamics.labels.slice();
    let before = 0;
    let outcome: ScoreOutcome;
    try {
      before = (await api.memory()).numTensors;
      outcome = await api.score(
        {
          jobId,
          data: {
            features: arrays.features,
            featureCount:
              meta?.id === run.datasetId
                ? meta.featureNames.length
                : arrays.features.length / arrays.labels.length,
            labels: arrays.labels,
            classCount: stored.dynamics.classCount,
            ...(meta?.image && run.settings.model === 'cnn' ? { image: meta.image } : {}),
          },
          settings: run.settings,
          dynamics: stored.dynamics,
          params: input,
          crossVal,
          backend: scoreBackendRequest(this.store.getState().backendState, asked),
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
      const failed: ScoreRecord = {
        ...record,
        updatedAt: Date.now(),
        status: 'failed',
        message: error.message,
        crash: { backend: asked },
      };
      await db.saveScoreSet(failed);
      this.store.getState().setScoreMemory(null);
      this.store.getState().upsertScore(failed);
      this.store.getState().setScoreError(error.message);
      return;
    }
    const now2 = Date.now();
    let final: ScoreRecord;
    if (outcome.kind === 'finished') {
      const r = outcome.result;
      final = {
        ...record,
        updatedAt: now2,
        status: 'done',
        params: r.scoreSet.params,
        crossVal: r.crossVal,
        backend: r.backend,
        scoreSet: r.scoreSet,
        sampleRows,
        labels,
        summary: r.summary,
        timings: r.timings,
        calibration: r.calibration ?? null,
      };
    } else {
      final = {
        ...record,
        updatedAt: now2,
        status: outcome.kind === 'cancelled' ? 'cancelled' : 'failed',
        message: outcome.kind === 'failed' ? outcome.message : 'Cancelled before it finished.',
      };
    }
    await db.saveScoreSet(final);
    const after = await api.memory();
    this.store.getState().setScoreMemory({ before, after: after.numTensors, now: after.numTensors });
    if (final.status === 'done') {
      const ids = (await runs.loadIds(run.datasetId))?.ids ?? null;
      const shown = this.store.getState().shownScores;
      if (shown?.runId === run.id) this.store.getState().setShownScores({ ...shown, ids });
    }
    this.store.getState().upsertScore(final);
    if (final.status === 'failed') this.store.getState().setScoreError(final.message);
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
    if (!done?.scoreSet || done.calibration) return;
    const set = done.scoreSet;
    const base =
      this.requested?.id === done.id
        ? this.requested
        : { id: done.id, weights: set.params.suspicion.weights, q: set.params.suspicion.q };
    const wanted = { id: done.id, weights: { ...base.weights, ...patch.weights }, q: patch.q ?? base.q };
    this.requested = wanted;
    const seq = ++this.recombineSeq;
    this.store.getState().setRecombining(true);
    try {
      const next = await this.api.recombine({
        samples: set.samples,
        scores: set.scores,
        labelIssue: set.labelIssue,
        suspicion: { ...set.params.suspicion, weights: wanted.weights, q: wanted.q },
      });
      if (seq !== this.recombineSeq) return;
      const updated = await (await this.scores).updateSuspicion(done.id, next);
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
    const { backendState } = this.store.getState();
    return this.api.influenceFor(
      {
        dbName: this.dbName,
        datasetId,
        runId,
        probes: backendState.kind === 'ready' ? backendState.probes : [],
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
