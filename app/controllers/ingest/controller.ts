/**
 * The workbench: the app's actions. It owns the ingest API and the dataset store, drives the zustand store,
 * and is the only place that awaits workers or IndexedDB; views call it and render the store.
 */
import type { ColumnPlan, CsvPreview, IngestLimits } from '../../../workers/core/ingest/types';
import { DEFAULT_LIMITS } from '../../../workers/core/ingest/types';
import type { IngestApi, IngestJobId, IngestOutcome } from '../../../workers/ingest.api';
import { toRecords } from '../../db/dataset-records';
import { type DatasetStore, newDatasetId } from '../../db/datasets';
import type { DatasetId } from '../../db/schema';
import type { StoredTwin } from '../../state/import-slice';
import type { AppStore } from '../../state/store';
import type { IngestWorker } from './client';
import { DebouncedPreview } from './limits-preview';

/** The record types the dataset views render. */
export type { DatasetSummary } from '../../db/datasets';
export type { DatasetId, DatasetMeta } from '../../db/schema';

/** Where the bundled demo dataset is served from. */
export const DEMO_URL = '/demo/digits_backdoor3.csv';
const DEMO_FILE_NAME = 'digits_backdoor3.csv';
/** Quiet time after a limit is edited before the preview is re-run, in ms: one preview per typed number. */
const LIMITS_DEBOUNCE_MS = 300;

const wallClock = () => performance.timeOrigin + performance.now();

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Hex SHA-256 of a blob, or null where WebCrypto is unavailable (an insecure context). */
async function blobSha256(blob: Blob): Promise<string | null> {
  if (!crypto.subtle) return null;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Files up to this size are hashed on choosing, to find a stored twin (the digest needs the whole file in memory). */
const TWIN_HASH_MAX = 256 * 1024 * 1024;

export class IngestController {
  /** The file the import form is about; a `File` is a handle, so it stays here rather than in the store. */
  private file: File | null = null;
  private nextJob = 1;
  private disposed = false;
  /** The ingest worker of the current file: started for its preview, terminated when its import ends. */
  private ingestWorker: IngestWorker | null = null;

  /** The import form's preview, re-run in the ingest worker when its limits change. */
  private readonly limitsPreview: DebouncedPreview<{ file: File; limits: IngestLimits }, CsvPreview>;

  /** `startIngest` starts an ingest worker (the real one in the app, an in-process one in tests). */
  constructor(
    private readonly store: AppStore,
    private readonly datasets: Promise<DatasetStore>,
    private readonly startIngest: () => IngestWorker,
    options: { limitsDebounceMs?: number } = {},
  ) {
    this.limitsPreview = new DebouncedPreview(
      options.limitsDebounceMs ?? LIMITS_DEBOUNCE_MS,
      ({ file, limits }) => this.previewWith(file, limits),
      (preview, { file, limits }) => {
        const draft = this.store.getState().draft;
        // The analyst's column roles stay; only what the file shows under the new limits is replaced.
        if (this.file === file && draft)
          this.store.getState().setDraft({ ...draft, preview, limits, rechecking: false });
      },
      (error) => {
        const draft = this.store.getState().draft;
        if (draft) this.store.getState().setDraft({ ...draft, rechecking: false });
        if (!this.disposed) this.store.getState().setError(errorText(error));
      },
    );
  }

  private async previewWith(file: File, limits: IngestLimits): Promise<CsvPreview> {
    const { beginWork, endWork } = this.store.getState();
    beginWork();
    try {
      return await this.ingest.preview(file, limits);
    } finally {
      endWork();
    }
  }

  /**
   * New limits in the import form: shown at once, and the preview re-run with them (debounced) so that a file that
   * now fits unlocks Import, and one that no longer fits locks it.
   */
  changeLimits(limits: IngestLimits): void {
    const { draft, setLimits } = this.store.getState();
    if (!draft || !this.file) return;
    setLimits(limits);
    this.limitsPreview.request({ file: this.file, limits });
  }

  /** Stops the workbench: terminates its worker; later results of its work are ignored. */
  dispose(): void {
    this.disposed = true;
    this.limitsPreview.cancel();
    this.releaseIngest();
  }

  private get ingest(): IngestApi {
    this.ingestWorker ??= this.startIngest();
    return this.ingestWorker.api;
  }

  /**
   * Terminates the ingest worker. Done as soon as an import's result is in: the worker's heap (parse buffers,
   * id maps) goes at once instead of whenever its GC runs, so it never adds to the main thread's peak while storing.
   */
  private releaseIngest(): void {
    this.ingestWorker?.dispose();
    this.ingestWorker = null;
  }

  /** Runs an action with the busy flag up; an unexpected failure becomes an app-level error, never a silent one. */
  private async work(action: () => Promise<void>): Promise<void> {
    const { beginWork, endWork, setError } = this.store.getState();
    beginWork();
    try {
      await action();
    } catch (error) {
      // After dispose() the worker and database are gone on purpose: their errors are not the user's.
      if (!this.disposed) setError(errorText(error));
    } finally {
      endWork();
    }
  }

  /** Reads the stored datasets into the list. */
  refresh(): Promise<void> {
    return this.work(async () => {
      this.store.getState().setDatasets(await (await this.datasets).list());
    });
  }

  /** Previews a chosen file and opens the import form. */
  chooseFile(file: File): Promise<void> {
    return this.work(async () => {
      const { setDraft, setJob, setError, go } = this.store.getState();
      setError(null);
      setJob({ kind: 'idle' });
      this.limitsPreview.cancel();
      const preview = await this.ingest.preview(file, DEFAULT_LIMITS);
      this.file = file;
      setDraft({ preview, plan: preview.suggested, limits: DEFAULT_LIMITS });
      go({ kind: 'import' });
      void this.markTwin(file);
    });
  }

  /**
   * Marks the import form when a stored dataset was imported from the same bytes (same SHA-256); files over
   * TWIN_HASH_MAX are not hashed. Runs after the form is shown, so the preview never waits for it.
   */
  private async markTwin(file: File): Promise<void> {
    if (file.size > TWIN_HASH_MAX) return;
    const sha256 = await blobSha256(file);
    if (sha256 === null) return;
    const twin = (await (await this.datasets).findBySha256(sha256))[0];
    const { draft, setDraft } = this.store.getState();
    if (!twin || !draft || this.file !== file) return;
    const duplicate: StoredTwin = { id: twin.id, name: twin.name, createdAt: twin.createdAt };
    setDraft({ ...draft, duplicate });
  }

  /** Leaves the import form without importing. */
  discardDraft(): void {
    this.limitsPreview.cancel();
    this.file = null;
    this.releaseIngest();
    this.store.getState().setDraft(null);
    this.store.getState().go({ kind: 'start' });
  }

  /** Back to the import form of the file last previewed (after a failed or cancelled import). */
  reopenDraft(): void {
    if (this.store.getState().draft && this.file) this.store.getState().go({ kind: 'import' });
  }

  /** Imports the previewed file with the form's plan and limits; resolves when it is stored, failed or cancelled. */
  async startImport(): Promise<void> {
    const { draft } = this.store.getState();
    // While the preview is re-run with new limits its verdict is not known yet: Import waits for it.
    if (!draft || !this.file || draft.rechecking) return;
    await this.runImport(this.file, draft.plan, draft.limits);
  }

  private async runImport(file: File, plan: ColumnPlan, limits: IngestLimits): Promise<void> {
    const state = this.store.getState();
    if (state.job.kind === 'running') return;
    const started = performance.now();
    const jobId: IngestJobId = `import-${this.nextJob++}`;
    state.setError(null);
    state.setJob({
      kind: 'running',
      jobId,
      fileName: file.name,
      totalBytes: file.size,
      progress: null,
      storing: false,
    });
    state.go({ kind: 'progress' });
    let outcome: IngestOutcome;
    try {
      outcome = await this.ingest.ingest(jobId, file, plan, limits, (progress) =>
        this.store.getState().setProgress(jobId, progress),
      );
    } catch (error) {
      this.releaseIngest();
      this.fail(jobId, file.name, `The import stopped unexpectedly: ${errorText(error)}`);
      return;
    }
    const received = wallClock();
    this.releaseIngest();
    if (!this.isRunning(jobId)) return; // superseded: drop the late result
    switch (outcome.kind) {
      case 'cancelled':
        this.store.getState().setJob({ kind: 'cancelled', jobId, fileName: file.name });
        this.store.getState().go({ kind: 'start' });
        return;
      case 'failed':
        this.store
          .getState()
          .setJob({ kind: 'failed', jobId, fileName: file.name, problems: outcome.problems, detail: null });
        this.store.getState().go({ kind: 'start' });
        return;
      case 'done':
        await this.storeOutcome(jobId, file, plan, limits, outcome, started, received);
        return;
      default:
        return outcome satisfies never;
    }
  }

  private async storeOutcome(
    jobId: IngestJobId,
    file: File,
    plan: ColumnPlan,
    limits: IngestLimits,
    outcome: Extract<IngestOutcome, { kind: 'done' }>,
    started: number,
    received: number,
  ): Promise<void> {
    this.store.getState().setStoring(jobId);
    const { dataset, classCounts, timings: worker } = outcome;
    const timings = {
      readMs: worker.readMs,
      parseMs: worker.parseMs,
      workerMs: worker.totalMs,
      transferMs: Math.max(0, received - worker.postedAt),
      storeMs: 0,
      totalMs: 0,
    };
    const id = newDatasetId();
    const { meta, arrays } = toRecords(dataset, {
      id,
      classCounts,
      plan,
      limits,
      timings,
      createdAt: Date.now(),
    });
    const storeStart = performance.now();
    try {
      await (await this.datasets).save(meta, arrays, file);
    } catch (error) {
      this.fail(jobId, file.name, `Could not store the dataset in this browser: ${errorText(error)}`);
      return;
    }
    timings.storeMs = performance.now() - storeStart;
    timings.totalMs = performance.now() - started;
    this.file = null;
    const state = this.store.getState();
    state.setJob({ kind: 'done', jobId, fileName: file.name, datasetId: id, rows: meta.rows, timings });
    state.setDraft(null);
    state.setCurrent({ ...meta, timings });
    state.go({ kind: 'overview' });
    // Store and total time are known only once the write is done: a second, small update records them, after
    // the overview is shown; work() keeps the app busy (data-state) until it is written.
    await this.work(async () => {
      await (await this.datasets).updateMeta(id, { timings });
    });
    await this.refresh();
  }

  private isRunning(jobId: IngestJobId): boolean {
    const { job } = this.store.getState();
    return job.kind === 'running' && job.jobId === jobId;
  }

  private fail(jobId: IngestJobId, fileName: string, detail: string): void {
    if (!this.isRunning(jobId)) return;
    this.store.getState().setJob({ kind: 'failed', jobId, fileName, problems: [], detail });
    this.store.getState().go({ kind: 'start' });
  }

  /** Asks the running import to stop; the job ends as cancelled and nothing is stored. */
  async cancelImport(): Promise<void> {
    const { job } = this.store.getState();
    if (job.kind !== 'running' || job.storing || !this.ingestWorker) return;
    await this.ingestWorker.api.cancel(job.jobId);
  }

  /** Opens the bundled demo dataset: the stored copy if there is one, else imports it with the proposed roles. */
  openDemo(): Promise<void> {
    return this.work(async () => {
      const response = await fetch(DEMO_URL);
      if (!response.ok) throw new Error(`The demo dataset could not be loaded (HTTP ${response.status}).`);
      const file = new File([await response.blob()], DEMO_FILE_NAME, { type: 'text/csv' });
      const store = await this.datasets;
      const sha256 = await blobSha256(file);
      const stored =
        sha256 === null
          ? (await store.list()).find((d) => d.fileName === file.name && d.bytes === file.size)
          : (await store.findBySha256(sha256))[0];
      if (stored) {
        await this.openDataset(stored.id);
        return;
      }
      this.limitsPreview.cancel();
      const preview = await this.ingest.preview(file, DEFAULT_LIMITS);
      this.file = file;
      this.store.getState().setDraft({ preview, plan: preview.suggested, limits: DEFAULT_LIMITS });
      if (preview.problems.some((p) => p.severity === 'error')) {
        this.store.getState().go({ kind: 'import' });
        return;
      }
      await this.runImport(file, preview.suggested, DEFAULT_LIMITS);
    });
  }

  /** Opens a stored dataset's overview. */
  openDataset(id: DatasetId): Promise<void> {
    return this.work(async () => {
      const meta = await (await this.datasets).getMeta(id);
      if (!meta) throw new Error('That dataset is no longer stored in this browser.');
      this.store.getState().setCurrent(meta);
      this.store.getState().go({ kind: 'overview' });
    });
  }

  /** Renames a stored dataset (blank names are refused). */
  renameDataset(id: DatasetId, name: string): Promise<void> {
    return this.work(async () => {
      const trimmed = name.trim();
      if (trimmed === '') return;
      const meta = await (await this.datasets).updateMeta(id, { name: trimmed });
      if (meta) this.store.getState().applyRename(meta);
    });
  }

  /** Deletes every record of a stored dataset. */
  deleteDataset(id: DatasetId): Promise<void> {
    return this.work(async () => {
      await (await this.datasets).remove(id);
      this.store.getState().applyRemove(id);
      if (this.store.getState().screen.kind === 'overview' && !this.store.getState().current) {
        this.store.getState().go({ kind: 'start' });
      }
    });
  }

  /** Back to the start screen. */
  goStart(): void {
    this.store.getState().go({ kind: 'start' });
  }
}
