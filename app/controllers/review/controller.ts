/**
 * The review controller: loads a dataset's latest scores, run dynamics and decisions, drives the review worker,
 * writes every decision to IndexedDB before showing it, and builds the exports. Views call it and render the store.
 */
import { version } from '../../../package.json';
import { manifestModel, type RowDecision } from '../../../workers/core/manifest/build';
import {
  applyEntry,
  type DecisionState,
  emptyDecisionState,
  type LogEntry,
  planDecide,
  planRedo,
  planUndo,
} from '../../../workers/core/review/decision-log';
import type { ReviewQuery } from '../../../workers/core/review/table';
import { FAMILY_NAMES, SCORE_NAMES } from '../../../workers/core/scores/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import { crossValEpochsFor } from '../../../workers/core/train/defaults';
import type { TrainingDynamics } from '../../../workers/core/train/types';
import type { ReviewApi } from '../../../workers/review.api';
import { profileSigningKey } from '../../db/keys';
import type { DatasetArrays, DatasetId, DatasetMeta } from '../../db/schema';
import type { ScoreJobId } from '../../db/scores';
import type { Stores } from '../../db/stores';
import type { ExportedFile } from '../../state/review-slice';
import type { AppStore } from '../../state/store';
import { scoreBackendRequest } from '../score/backend-request';
import { type ScoreWorker, startScoreWorker } from '../score/client';
import type { ReviewWorker } from './client';
import { type PositionHint, sampleIndexOf, stepInOrder } from './position';
import { startUmapWorker } from './umap-client';
import { UmapLayouts, type UmapSource } from './umap-layouts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the detail panel shows about one row beyond the store. */
export interface RowDetail {
  row: number;
  features: Float32Array;
  featureNames: string[];
  image: { width: number; height: number } | null;
  percentiles: Record<string, number>;
  scores: Record<string, number>;
  /** Per epoch, null without dynamics. */
  loss: number[] | null;
  margin: number[] | null;
  neighbours: Array<{ row: number; distance: number }>;
}

/** One training row's TracIn influence on the focused sample. */
export interface InfluenceEntry {
  /** Dataset row. */
  row: number;
  /** Positive for a proponent, negative for an opponent. */
  value: number;
}

/** The focused sample's strongest proponents and opponents among the rows its run trained on. */
export interface InfluenceView {
  row: number;
  proponents: InfluenceEntry[];
  opponents: InfluenceEntry[];
  /** The tfjs backend the score worker computed them on. */
  backend: string;
  /** True when the run left this row out (quarantined before it trained): it has no influence, both lists empty. */
  leftOut: boolean;
}

export class ReviewController {
  private worker: ReviewWorker | null = null;
  private decisions: DecisionState = emptyDecisionState();
  private meta: DatasetMeta | null = null;
  private arrays: DatasetArrays | null = null;
  private dynamics: TrainingDynamics | null = null;
  private scores: Record<string, Float32Array> = {};
  private sampleIndex: (row: number) => number = (row) => row;
  /** Where j/k last moved to, so holding j does not scan the table order on every press. */
  private moveHint: PositionHint | null = null;
  private runInfo: {
    id: string;
    backend: string;
    model: unknown;
    seed: number;
    epochs: number;
    scoring: unknown;
  } | null = null;
  /** Serialises decision writes: each waits for the one before it, so the log stays in order. */
  private writes: Promise<void> = Promise.resolve();
  private urls: string[] = [];
  private generation = 0;
  /** UMAP layouts of the embedding map, per run in memory, made on demand in their own worker. */
  readonly umap = new UmapLayouts(startUmapWorker);
  /** The run's training backend: influence is computed on it when it starts, as its scores were. */
  private runBackend: BackendName | null = null;
  /** A score worker of the review's own for influence, started on the first question (it loads tfjs). */
  private influenceWorker: ScoreWorker | null = null;
  /** The run whose checkpoints that worker holds. */
  private influenceKey: string | null = null;
  /** Influence questions run one at a time; one superseded while waiting is skipped (j/k held down). */
  private influenceChain: Promise<unknown> = Promise.resolve();
  private influenceTicket = 0;
  private influenceBackend = 'unknown';

  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: AppStore,
    private readonly startWorker: () => ReviewWorker,
    private readonly stores: Promise<Stores>,
    private readonly startInfluenceWorker: () => ScoreWorker = startScoreWorker,
  ) {
    // The scores screen's "Review suspects" sets `reviewRequest` (a score slice field): open that score set.
    this.unsubscribe = store.subscribe((state, previous) => {
      const request = state.reviewRequest;
      if (request && request !== previous.reviewRequest) void this.open(request.datasetId, request.scoreId);
    });
  }

  private get api(): ReviewApi {
    this.worker ??= this.startWorker();
    return this.worker.api;
  }

  private async busy<T>(action: () => Promise<T>): Promise<T | undefined> {
    const { beginWork, endWork, setError } = this.store.getState();
    beginWork();
    try {
      return await action();
    } catch (error) {
      setError(errorText(error));
      return undefined;
    } finally {
      endWork();
    }
  }

  /** Stops the worker and frees export URLs. */
  dispose(): void {
    this.unsubscribe();
    this.generation++;
    this.worker?.dispose();
    this.worker = null;
    this.umap.dispose();
    this.influenceWorker?.dispose();
    this.influenceWorker = null;
    this.influenceKey = null;
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }

  /** Opens the review of a dataset: the given (else its latest) score set, dynamics, anomalies, stored decisions. */
  open(datasetId: DatasetId, scoreId?: ScoreJobId): Promise<void> {
    const generation = ++this.generation;
    const state = this.store.getState();
    state.patchReview({
      status: { kind: 'loading' },
      data: null,
      selection: [],
      focus: null,
      exported: [],
      verify: null,
    });
    state.go({ kind: 'review' });
    return this.busy(async () => {
      const { datasets, scores: scoresDb, runs: runsDb, decisions: decisionsDb } = await this.stores;
      {
        const meta = await datasets.getMeta(datasetId);
        const arrays = await datasets.loadArrays(datasetId);
        if (!meta || !arrays) throw new Error('That dataset is no longer stored in this browser.');
        const chosen = scoreId ? await scoresDb.get(scoreId) : undefined;
        const record = chosen?.scoreSet ? chosen : await scoresDb.latestScoreSetForDataset(datasetId);
        const scoreSet = record?.scoreSet;
        if (!record || !scoreSet) {
          this.store.getState().patchReview({
            status: {
              kind: 'empty',
              message: 'Train a model and score this dataset first: there is nothing to review yet.',
            },
          });
          return;
        }
        const run = await runsDb.getRun(record.runId);
        const dyn = (await runsDb.getDynamics(record.runId))?.dynamics ?? null;
        const curves = await runsDb.getCurves(record.runId);
        const decisions = await decisionsDb.load(datasetId);
        if (generation !== this.generation) return;
        this.meta = meta;
        this.arrays = arrays;
        this.dynamics = dyn;
        this.decisions = decisions;
        this.scores = { ...scoreSet.scores };
        this.runBackend = run?.backend?.backend ?? null;
        this.runInfo = run
          ? {
              id: run.id,
              backend: run.backend?.backend ?? 'unknown',
              model: manifestModel(run.settings),
              seed: run.settings.seed,
              epochs: run.epochsDone,
              // The folds' epochs as trained: a record without them used the default (as the headless scan writes it).
              scoring: {
                ...record.params,
                crossVal: {
                  folds: record.crossVal.folds,
                  epochs: record.crossVal.epochs ?? crossValEpochsFor(run.settings.epochs),
                },
                labelSource: scoreSet.labelSource,
              },
            }
          : null;
        // The score record's own row order when it keeps one, else the dynamics' (score arrays follow it).
        const stored = record.sampleRows;
        const sampleRows =
          stored && stored.length === scoreSet.samples
            ? stored
            : dyn && dyn.sampleRows.length === scoreSet.samples
              ? dyn.sampleRows
              : Int32Array.from({ length: scoreSet.samples }, (_, j) => j);
        this.sampleIndex = (row) => sampleIndexOf(sampleRows, row);
        const anomalousRows = new Set<number>();
        for (const anomaly of curves?.anomalies ?? []) {
          if ('sampleRows' in anomaly) for (const r of anomaly.sampleRows) anomalousRows.add(r);
        }
        // The worker gets copies: the stored arrays stay with this controller for the detail panel and exports.
        const loaded = await this.api.load({
          rows: meta.rows,
          idText: arrays.idText,
          labels: arrays.labels.slice(),
          sampleRows: sampleRows.slice(),
          suggested: scoreSet.suggestedLabel.slice(),
          suspicion: scoreSet.suspicion.slice(),
          flags: FAMILY_NAMES.map((f) => scoreSet.flags[f].slice()),
          labelIssue: scoreSet.labelIssue.slice(),
          anomalousRows: Int32Array.from(anomalousRows),
          scores: Object.fromEntries(SCORE_NAMES.map((n) => [n, scoreSet.scores[n].slice()])),
          embeddings: dyn ? dyn.embeddings.slice() : null,
          embeddingDim: dyn?.embeddingDim ?? 0,
          confidence: scoreSet.cartography.confidence.slice(),
          variability: scoreSet.cartography.variability.slice(),
          q: scoreSet.params.suspicion.q,
        });
        if (generation !== this.generation) return;
        const ids = arrays.idText.split('\u0000', meta.rows);
        const codes = new Uint8Array(meta.rows);
        // One entry per decided row (what the analyst decided), not a loop over every sample.
        for (const [row, d] of decisions.decisions) codes[row] = d.decision === 'quarantine' ? 2 : 1;
        this.store.getState().patchReview({
          status: { kind: 'ready' },
          data: {
            datasetId,
            runId: record.runId,
            rows: meta.rows,
            ids,
            labels: arrays.labels,
            classes: meta.classes,
            suggested: loaded.suggested,
            suspicion: loaded.suspicion,
            flagBits: loaded.flagBits,
            families: [...FAMILY_NAMES],
            scoreNames: [...SCORE_NAMES],
            pca: loaded.pca,
            cartography: loaded.cartography,
            histograms: loaded.histograms,
          },
          codes,
          decisions: decisions.decisions,
          canUndo: decisions.undo.length > 0,
          canRedo: decisions.redo.length > 0,
        });
        await this.runQuery();
      }
    }).then(() => undefined);
  }

  /** Re-sorts and re-filters the table in the worker. */
  private async runQuery(): Promise<void> {
    const { review } = this.store.getState();
    if (!review.data) return;
    const order = await this.api.query(review.query, review.codes.slice());
    this.store.getState().patchReview({ order });
  }

  /** Changes the table's sort or filters. */
  setQuery(patch: Partial<ReviewQuery>): Promise<void> {
    const { review, patchReview } = this.store.getState();
    patchReview({ query: { ...review.query, ...patch } });
    return this.busy(() => this.runQuery()).then(() => undefined);
  }

  /** Sorts by a column; the same column again flips the direction. */
  sortBy(sort: ReviewQuery['sort']): Promise<void> {
    const { query } = this.store.getState().review;
    return this.setQuery({ sort, descending: query.sort === sort ? !query.descending : true });
  }

  /** Shows one row in the detail panel and makes it the selection. */
  focus(row: number, extend = false): void {
    const { review, patchReview } = this.store.getState();
    const selection = extend ? [...new Set([...review.selection, row])] : [row];
    patchReview({ focus: row, selection, reason: this.prefill([row]) });
  }

  /** Selects many rows (lasso, or the top of the table). */
  select(rows: readonly number[]): void {
    const { patchReview } = this.store.getState();
    patchReview({ selection: [...rows], focus: rows[0] ?? null, reason: this.prefill(rows) });
  }

  /** Selects the first `n` rows of the table's current order. */
  selectTop(n: number): void {
    this.select(Array.from(this.store.getState().review.order.subarray(0, n)));
  }

  /** Lasso selection on a map: `polygon` in data coordinates. */
  lasso(space: 'pca' | 'cartography', polygon: Float32Array): Promise<void> {
    return this.busy(async () => {
      const rows = await this.api.lasso(space, polygon);
      this.select(Array.from(rows));
    }).then(() => undefined);
  }

  /** The open run's embeddings for the UMAP map (sample order, with their dataset rows); null without any. */
  umapSource(): UmapSource | null {
    const d = this.dynamics;
    const data = this.store.getState().review.data;
    if (!d || !data?.runId || d.embeddingDim <= 0) return null;
    const { embeddings, embeddingDim: dim, sampleRows } = d;
    return { runId: data.runId, rows: data.rows, embeddings, dim, sampleRows, seed: this.runInfo?.seed ?? 0 };
  }

  /** Moves the focus by `step` rows in table order (j/k). */
  move(step: number): void {
    const { order, focus } = this.store.getState().review;
    if (order.length === 0) return;
    const next = stepInOrder(order, focus, step, this.moveHint);
    const row = order[next] as number;
    this.moveHint = { order, row, at: next };
    this.focus(row);
  }

  /** The reason to prefill: the families that flagged the rows. */
  private prefill(rows: readonly number[]): string {
    const data = this.store.getState().review.data;
    if (!data) return '';
    let bits = 0;
    for (const r of rows.slice(0, 10_000)) bits |= data.flagBits[r] ?? 0;
    return data.families.filter((_, f) => bits & (1 << f)).join(', ');
  }

  /** Quarantines or restores the selection (or the focused row) with the current reason. */
  decide(decision: RowDecision['decision'], note = ''): Promise<void> {
    const { review } = this.store.getState();
    const rows = review.selection.length > 0 ? review.selection : review.focus !== null ? [review.focus] : [];
    const reasons = review.reason
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    return this.write((state) => planDecide(state, rows, { decision, reasons, note }, Date.now()));
  }

  /** Undoes the last decision. */
  undo(): Promise<void> {
    return this.write((state) => planUndo(state, Date.now()));
  }

  /** Redoes the last undone decision. */
  redo(): Promise<void> {
    return this.write((state) => planRedo(state, Date.now()));
  }

  /** Plans an entry on the state after every earlier write, stores it, then shows it. */
  private write(plan: (state: DecisionState) => LogEntry | null): Promise<void> {
    const datasetId = this.store.getState().review.data?.datasetId;
    if (!datasetId) return Promise.resolve();
    const next = this.writes.then(() =>
      this.busy(async () => {
        const entry = plan(this.decisions);
        if (!entry) return;
        await (await this.stores).decisions.append(datasetId, entry); // committed before the UI shows it
        this.decisions = applyEntry(this.decisions, entry);
        const { review, patchReview } = this.store.getState();
        const codes = review.codes.slice();
        for (const c of entry.changes)
          codes[c.row] = c.after === null ? 0 : c.after.decision === 'quarantine' ? 2 : 1;
        patchReview({
          codes,
          decisions: this.decisions.decisions,
          canUndo: this.decisions.undo.length > 0,
          canRedo: this.decisions.redo.length > 0,
        });
        if (review.query.decision !== 'any' || review.query.sort === 'decision') await this.runQuery();
      }).then(() => undefined),
    );
    this.writes = next;
    return next;
  }

  /** What the detail panel shows for `row`. */
  async detail(row: number): Promise<RowDetail | null> {
    const meta = this.meta;
    const arrays = this.arrays;
    if (!meta || !arrays) return null;
    const f = meta.featureNames.length;
    const j = this.sampleIndex(row);
    const dyn = this.dynamics;
    const perEpoch = (values: Float32Array | undefined) =>
      dyn && values && j >= 0
        ? Array.from({ length: dyn.epochs }, (_, e) => values[e * dyn.samples + j] as number)
        : null;
    const scores: Record<string, number> = {};
    if (j >= 0) for (const [name, values] of Object.entries(this.scores)) scores[name] = values[j] as number;
    const [percentiles, neighbours] = await Promise.all([
      this.api.percentiles(row),
      this.api.neighbours(row, 8),
    ]);
    return {
      row,
      features: arrays.features.subarray(row * f, row * f + f),
      featureNames: meta.featureNames,
      image: meta.image,
      percentiles,
      scores,
      loss: perEpoch(dyn?.loss),
      margin: perEpoch(dyn?.margin),
      neighbours,
    };
  }

  /**
   * TracIn proponents and opponents of `row` (DESIGN §3), computed in a score worker on demand: the run's checkpoints
   * and features go there once per run. Resolves null when a later question superseded this one before it started.
   */
  influence(row: number, top = 8): Promise<InfluenceView | null> {
    const ticket = ++this.influenceTicket;
    const answer = this.influenceChain.then(() =>
      ticket === this.influenceTicket ? this.computeInfluence(row, top) : null,
    );
    this.influenceChain = answer.catch(() => undefined); // the caller shows the error; the next question still runs
    return answer;
  }

  private async computeInfluence(row: number, top: number): Promise<InfluenceView | null> {
    const generation = this.generation;
    const runId = this.runInfo?.id;
    const dyn = this.dynamics;
    const arrays = this.arrays;
    if (!runId || !dyn || !arrays)
      throw new Error('This run recorded no dynamics: influence needs its checkpoints.');
    // The run's own sample order (a retrained run leaves the quarantined rows out of it).
    const target = sampleIndexOf(dyn.sampleRows, row);
    if (target < 0)
      return { row, proponents: [], opponents: [], backend: this.influenceBackend, leftOut: true };
    this.influenceWorker ??= this.startInfluenceWorker();
    const api = this.influenceWorker.api;
    let backend = this.influenceBackend;
    if (this.influenceKey !== runId) {
      this.influenceKey = null;
      // Structured clone copies the features and these fields of the dynamics (this controller keeps its own); the
      // per-epoch arrays and embeddings stay here.
      const choice = await api.prepareInfluence({
        key: runId,
        features: arrays.features,
        dynamics: {
          samples: dyn.samples,
          classCount: dyn.classCount,
          embeddingDim: dyn.embeddingDim,
          sampleRows: dyn.sampleRows,
          inTraining: dyn.inTraining,
          labels: dyn.labels,
          checkpoints: dyn.checkpoints,
          ...(dyn.modelSpec ? { modelSpec: dyn.modelSpec } : {}),
          ...(dyn.standardization ? { standardization: dyn.standardization } : {}),
        },
        backend: scoreBackendRequest(this.store.getState().backendState, this.runBackend),
      });
      this.influenceKey = runId;
      this.influenceBackend = choice.backend;
      backend = choice.backend;
    }
    const out = await api.influenceOn(runId, target, top);
    if (generation !== this.generation) return null; // another dataset or score set was opened meanwhile
    const entries = (samples: Int32Array): InfluenceEntry[] =>
      Array.from(samples, (i) => ({ row: dyn.sampleRows[i] as number, value: out.influence[i] as number }));
    return {
      row,
      proponents: entries(out.proponents),
      opponents: entries(out.opponents),
      backend,
      leftOut: false,
    };
  }

  /** Builds and signs the manifest and the CSVs in the worker, then downloads each file. */
  exportAll(): Promise<void> {
    return this.busy(async () => {
      const meta = this.meta;
      const arrays = this.arrays;
      const data = this.store.getState().review.data;
      if (!meta || !arrays || !data) return;
      const { datasets, db } = await this.stores;
      const file = await datasets.loadFile(meta.id);
      if (!file) throw new Error('The original file of this dataset is no longer stored.');
      const signingKey = await profileSigningKey(db);
      const run = this.runInfo;
      const files = await this.api.exportFiles({
        file,
        createdAt: Date.now(),
        tool: { name: 'Sift', version, backend: run?.backend ?? 'unknown', tfjs: __TFJS_VERSION__ },
        dataset: {
          name: meta.name,
          sha256: meta.sha256,
          labelColumn: meta.labelColumn,
          idColumn: meta.idColumn,
          headerEnd: meta.headerEnd,
          classes: meta.classes,
        },
        rowStart: arrays.rowStart,
        rowEnd: arrays.rowEnd,
        rowSha256: arrays.rowSha256,
        run: run
          ? {
              id: run.id,
              model: JSON.parse(JSON.stringify(run.model)),
              seed: run.seed,
              epochs: run.epochs,
              scoring: JSON.parse(JSON.stringify(run.scoring)),
            }
          : null,
        decisions: [...this.decisions.decisions],
        signingKey,
      });
      const base = meta.name.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_') || 'dataset';
      const out: ExportedFile[] = [
        this.download(`${base}.manifest.json`, new Blob([files.manifestText], { type: 'application/json' })),
        this.download(
          `${base}.clean.csv`,
          new Blob([files.clean as Uint8Array<ArrayBuffer>], { type: 'text/csv' }),
        ),
        this.download(
          `${base}.quarantine.csv`,
          new Blob([files.quarantine as Uint8Array<ArrayBuffer>], { type: 'text/csv' }),
        ),
        this.download(`${base}.review.csv`, new Blob([files.reportText], { type: 'text/csv' })),
      ];
      this.store.getState().patchReview({ exported: out });
    }).then(() => undefined);
  }

  /** Starts a download of `blob` through an `a[download]` with a blob: URL (kept until dispose, for the links). */
  private download(name: string, blob: Blob): ExportedFile {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
    return { name, url, bytes: blob.size };
  }

  /** Verifies a dropped manifest (and optional clean CSV) and shows every mismatch. */
  verifyFiles(manifest: File, clean: File | null): Promise<void> {
    return this.busy(async () => {
      const text = await manifest.text();
      const csv = clean ? new Uint8Array(await clean.arrayBuffer()) : null;
      const outcome = await this.api.verify(text, csv);
      this.store.getState().patchReview({ verify: outcome });
    }).then(() => undefined);
  }
}
