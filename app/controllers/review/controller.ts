/**
 * The review controller: opens a score set in the review worker (which reads IndexedDB itself and owns every
 * per-sample array), keeps the store's summary, query, selection and focus, and asks the worker for what the views
 * show (a page of rows, a sample's detail, a map layer). Decisions are stored by the worker before they are shown;
 * influence is asked of the score worker. Downloads are the one DOM job here.
 */
import { version } from '../../../package.json';
import type { RowDecision } from '../../../workers/core/manifest/build';
import type { ReviewQuery } from '../../../workers/core/review/table';
import type {
  ColourBy,
  DecisionOutcome,
  MapLayer,
  MapLayerRequest,
  MapPoints,
  MapSpace,
  NamedRow,
  ReviewApi,
  ReviewRow,
  RowDetail,
  VerifyOutcome,
} from '../../../workers/review.api';
import type { DatasetId } from '../../db/schema';
import type { ScoreJobId } from '../../db/scores';
import { EMPTY_REVIEW } from '../../state/review-slice';
import type { AppStore } from '../../state/store';
import type { ScoreController } from '../score/controller';
import type { ReviewWorker } from './client';
import { RetrainComparisons } from './comparisons';
import { Downloads } from './downloads';
import { type InfluenceView, nameInfluence } from './influence-names';
import { LatestQueue } from './latest-queue';
import { ScoreIndex } from './score-index';
import { ThumbnailCache } from './thumbnails';

export type { InfluenceView };

import { errorText } from '../../../workers/core/error-text';
import { startUmapWorker } from './umap-client';
import { UmapLayouts } from './umap-layouts';

export type { UmapProgress } from '../../../workers/umap.api';

export type * from './review-types';

export class ReviewController {
  private worker: ReviewWorker | null = null;
  private readonly downloads = new Downloads();
  private generation = 0;
  /** j/k presses are answered one after another, each from where the last one moved. */
  private moves: Promise<unknown> = Promise.resolve();
  /** Influence questions run one at a time; one superseded while waiting is skipped (j/k held down). */
  private readonly influences = new LatestQueue<InfluenceView | null>();
  /** The last detail asked: the detail panel and the histograms ask for the same one on each move. */
  private lastDetail: { row: number; version: number; answer: Promise<RowDetail | null> } | null = null;
  /** UMAP layouts of the embedding map, per run, made on demand in their own worker. */
  readonly umap = new UmapLayouts(startUmapWorker);
  /** Retrain comparisons, stored with the run by the review worker. */
  readonly comparisons = new RetrainComparisons(() => this.api);
  /** The open dataset's scorings per run (the runs list marks the scored runs). */
  readonly scoreIndex: ScoreIndex;
  private readonly unsubscribe: () => void;
  /** The open image dataset's thumbnails (null for a CSV dataset). */
  private thumbs: ThumbnailCache | null = null;

  constructor(
    private readonly store: AppStore,
    private readonly startWorker: () => ReviewWorker,
    private readonly scorer: ScoreController,
    private readonly dbName: string,
  ) {
    this.scoreIndex = new ScoreIndex(() => this.api, store, dbName);
    // The scores screen's "Review suspects" sets `reviewRequest` (a score slice field): open that score set.
    this.unsubscribe = store.subscribe((state, previous) => {
      const request = state.reviewRequest;
      if (request && request !== previous.reviewRequest) void this.open(request.datasetId, request.scoreId);
    });
  }

  /** The worker's API (a dead worker is replaced: its calls would only fail). */
  private get api(): ReviewApi {
    if (this.worker?.life.reason()) this.dropWorker();
    this.worker ??= this.startWorker();
    return this.worker.api;
  }

  private dropWorker(): void {
    this.worker?.dispose();
    this.worker = null;
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

  /** Stops the workers and frees export URLs. */
  dispose(): void {
    this.unsubscribe();
    this.generation++;
    this.dropWorker();
    this.umap.dispose();
    this.downloads.dispose();
  }

  /** Opens the review of a dataset: the given (else its latest) score set, with its run and stored decisions. */
  open(datasetId: DatasetId, scoreId?: ScoreJobId): Promise<void> {
    const generation = ++this.generation;
    const state = this.store.getState();
    state.patchReview({
      ...EMPTY_REVIEW,
      status: { kind: 'loading' },
      opened: { datasetId, scoreId: scoreId ?? null },
      version: state.review.version + 1,
    });
    state.go({ kind: 'review' });
    return this.busy(async () => {
      try {
        const opened = await this.api.open({
          dbName: this.dbName,
          datasetId,
          ...(scoreId ? { scoreId } : {}),
        });
        if (generation !== this.generation) return;
        if (opened.kind === 'empty') {
          this.store.getState().patchReview({ status: opened });
          return;
        }
        const count = await this.api.query(this.store.getState().review.query);
        if (generation !== this.generation) return;
        const image = opened.summary.image;
        this.thumbs = image
          ? new ThumbnailCache((rows) => this.api.pixels(rows), image.height * image.width * image.channels)
          : null;
        this.store.getState().patchReview({
          status: { kind: 'ready' },
          summary: opened.summary,
          decisions: opened.summary.decisions,
          count,
          version: this.store.getState().review.version + 1,
        });
      } catch (error) {
        if (generation === this.generation)
          this.store.getState().patchReview({ status: { kind: 'failed', message: errorText(error) } });
      }
    }).then(() => undefined);
  }

  /** Changes the table's sort or filters. */
  setQuery(patch: Partial<ReviewQuery>): Promise<void> {
    const { review, patchReview } = this.store.getState();
    const query = { ...review.query, ...patch };
    patchReview({ query });
    // "Selection only" keeps the rows selected when it was turned on (or the query changed).
    const selection = query.selectionOnly ? Int32Array.from(review.selection) : undefined;
    return this.busy(async () => {
      const count = await this.api.query(query, selection);
      const now = this.store.getState().review;
      if (now.query === query)
        this.store.getState().patchReview({ count, version: now.version + 1, focusAt: null });
    }).then(() => undefined);
  }

  /** Sorts by a column; the same column again flips the direction. */
  sortBy(sort: ReviewQuery['sort']): Promise<void> {
    const { query } = this.store.getState().review;
    return this.setQuery({ sort, descending: query.sort === sort ? !query.descending : true });
  }

  /** Rows at table positions [from, to). */
  page(from: number, to: number): Promise<ReviewRow[]> {
    return this.api.page(from, to);
  }

  /** Shows one row in the detail panel and makes it the selection; `at` is its table position when known. */
  focus(
    row: number,
    extend = false,
    at: number | null = null,
    families: readonly string[] | null = null,
  ): void {
    const { review, patchReview } = this.store.getState();
    const selection = extend ? [...new Set([...review.selection, row])] : [row];
    const known = families !== null && !extend;
    // The typed reason stays as it is; the families' suggestion follows the selection.
    patchReview({
      focus: row,
      focusAt: at,
      selection,
      ...(known ? { suggestion: families.join(', ') } : {}),
    });
    if (!known) void this.prefill(Int32Array.from(selection));
    if (at === null) void this.locate(row);
  }

  private async locate(row: number): Promise<void> {
    const at = await this.api.position(row);
    if (this.store.getState().review.focus === row)
      this.store.getState().patchReview({ focusAt: at < 0 ? null : at });
  }

  private async prefill(rows: Int32Array): Promise<void> {
    const reason = await this.api.reasonFor(rows);
    const now = this.store.getState().review;
    if (now.selection.length === rows.length && now.selection[0] === rows[0])
      this.store.getState().patchReview({ suggestion: reason });
  }

  /** Selects many rows (lasso, or the top of the table), with the reason their flags suggest. */
  private select(rows: Int32Array, reason: string): void {
    this.store.getState().patchReview({
      selection: Array.from(rows),
      focus: rows[0] ?? null,
      focusAt: null,
      suggestion: reason,
    });
  }

  /** Selects the rows the worker answers with, and the reason it suggests. */
  private selectFrom(ask: (api: ReviewApi) => Promise<{ rows: Int32Array; reason: string }>): Promise<void> {
    return this.busy(async () => {
      const { rows, reason } = await ask(this.api);
      this.select(rows, reason);
    }).then(() => undefined);
  }

  /** Selects the first `n` rows of the table's current order. */
  selectTop = (n: number) => this.selectFrom((api) => api.top(n));
  /** Lasso selection on a map: `polygon` in data coordinates. */
  lasso = (space: MapSpace, polygon: Float32Array) => this.selectFrom((api) => api.lasso(space, polygon));
  /** Selects the rows of the lifted group of shared values that holds `row`. */
  selectGroup = (row: number) => this.selectFrom((api) => api.group(row));

  /** Moves the focus by `step` rows in table order (j/k); presses are answered in order. */
  move(step: number): Promise<void> {
    const next = this.moves.then(async () => {
      const moved = await this.api.step(this.store.getState().review.focus, step);
      if (moved) this.focus(moved.row, false, moved.at);
    });
    this.moves = next.catch(() => undefined);
    return next;
  }

  /**
   * Quarantines or restores the selection (or the focused row) with the typed reason, else the families' suggestion.
   * A decision on one row moves the focus to the next row of the table (q and r advance).
   */
  async decide(decision: RowDecision['decision'], note = ''): Promise<void> {
    const { review } = this.store.getState();
    const rows = review.selection.length > 0 ? review.selection : review.focus !== null ? [review.focus] : [];
    if (rows.length === 1 && review.focus === rows[0]) {
      await this.moves;
      const next = await this.api.step(review.focus, 1);
      await this.decideRows(rows, decision, note);
      if (next && next.row !== review.focus && this.store.getState().review.focus === review.focus)
        this.focus(next.row);
      return;
    }
    return this.decideRows(rows, decision, note);
  }

  private decideRows(
    rows: readonly number[],
    decision: RowDecision['decision'],
    note: string,
  ): Promise<void> {
    const { review } = this.store.getState();
    const reasons = (review.reason.trim() === '' ? review.suggestion : review.reason)
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    if (rows.length === 0) return Promise.resolve();
    return this.written(() => this.api.decide({ rows: Int32Array.from(rows), decision, reasons, note }));
  }

  /** Undoes the last decision. */
  undo(): Promise<void> {
    return this.written(() => this.api.undo());
  }

  /** Redoes the last undone decision. */
  redo(): Promise<void> {
    return this.written(() => this.api.redo());
  }

  /** Shows a decision once the worker has stored it. */
  private written(write: () => Promise<DecisionOutcome>): Promise<void> {
    if (this.store.getState().review.status.kind !== 'ready') return Promise.resolve();
    return this.busy(async () => {
      const out = await write();
      const { review, patchReview } = this.store.getState();
      patchReview({ decisions: out.decisions, count: out.count, version: review.version + 1 });
    }).then(() => undefined);
  }

  /** Every quarantined dataset row (for retraining on clean). */
  quarantinedRows(): Promise<Int32Array> {
    return this.api.quarantined();
  }

  /** What the detail panel shows for `row` (asked once per row while the table's version stays). */
  detail(row: number): Promise<RowDetail | null> {
    const version = this.store.getState().review.version;
    const last = this.lastDetail;
    if (last && last.row === row && last.version === version) return last.answer;
    const answer = this.api.detail(row);
    this.lastDetail = { row, version, answer };
    answer.catch(() => {
      if (this.lastDetail?.answer === answer) this.lastDetail = null; // asked again next time
    });
    return answer;
  }

  /** A map's points layer, rasterised in the worker. */
  mapLayer(request: MapLayerRequest): Promise<MapLayer | null> {
    return this.api.mapLayer(request);
  }

  /** The row under pixel (px, py) of a map, for the hover tip and clicks. */
  nearest(space: MapSpace, px: number, py: number): Promise<(NamedRow & { suspicion: number }) | null> {
    return this.api.nearest(space, px, py);
  }

  /** Points of the selection on a map (the first 5,000), for highlights; colours index a palette of this size. */
  points(
    space: MapSpace,
    rows: readonly number[],
    colourBy: ColourBy,
    paletteSize: number,
  ): Promise<MapPoints> {
    return this.api.points(space, Int32Array.from(rows.slice(0, 5000)), colourBy, paletteSize);
  }

  /**
   * Lays out the open run's embeddings with UMAP in its worker (or takes the layout already made for this run) and
   * hands the finished layout to the review worker, which draws and hit-tests it.
   */
  async computeUmap(): Promise<void> {
    const input = await this.api.umapInput();
    if (!input) return;
    await this.umap.compute(input);
    const status = this.umap.statusOf(input.runId);
    if (status.kind !== 'done') return;
    await this.api.setUmap(input.runId, status.xy.slice());
    if (this.store.getState().review.summary?.runId === input.runId)
      this.store.getState().patchReview({ umapRunId: input.runId });
  }

  /**
   * TracIn proponents and opponents of `row` (DESIGN §3), computed in the score worker, which reads the run's
   * checkpoints and features itself. Resolves null when a later question superseded this one before it started.
   */
  influence(row: number, top = 8): Promise<InfluenceView | null> {
    // Keyed by the open review too: a question about another dataset's row is another question.
    return this.influences.ask(`${this.generation}:${row}:${top}`, () => this.computeInfluence(row, top));
  }

  private async computeInfluence(row: number, top: number): Promise<InfluenceView | null> {
    const generation = this.generation;
    const summary = this.store.getState().review.summary;
    if (!summary?.runId) throw new Error('This run recorded no dynamics: influence needs its checkpoints.');
    const out = await this.scorer.influence(summary.datasetId, summary.runId, row, top);
    if (generation !== this.generation) return null; // another dataset or score set was opened meanwhile
    return nameInfluence(this.api, out);
  }

  /** The stored pixels of an image dataset's row (batched with the other thumbnails asked for now). */
  thumbnail(row: number): Promise<Uint8Array | null> {
    return this.thumbs ? this.thumbs.get(row) : Promise.resolve(null);
  }

  /** The mean image of class `label` of the open image dataset. */
  classMean(label: number): Promise<Uint8Array | null> {
    return this.api.classMean(label);
  }

  /** Builds and signs the manifest and the CSVs (or zips) in the worker, then downloads each file. */
  exportAll(): Promise<void> {
    return this.busy(async () => {
      const summary = this.store.getState().review.summary;
      if (!summary) return;
      const files = await this.api.exportFiles({ createdAt: Date.now(), version, tfjs: __TFJS_VERSION__ });
      this.store.getState().patchReview({ exported: this.downloads.saveAll(summary.datasetName, files) });
    }).then(() => undefined);
  }

  /** Verifies a manifest (and its clean CSV or clean zip) in the review worker (no review need be open). */
  checkManifest(manifestText: string, clean: Uint8Array | null): Promise<VerifyOutcome> {
    return this.api.verify(manifestText, clean);
  }
}
