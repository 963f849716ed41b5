/**
 * The workbench: the app's actions. It owns the ingest API and the dataset store, drives the zustand store,
 * and is the only place that awaits workers or IndexedDB; views call it and render the store.
 */
import { errorText } from '../../../workers/core/error-text';
import type { ColumnPlan, CsvPreview, IngestLimits } from '../../../workers/core/ingest/types';
import { DEFAULT_LIMITS } from '../../../workers/core/ingest/types';
import type { IngestApi, IngestJobId, IngestOutcome } from '../../../workers/ingest.api';
import { toRecords } from '../../db/dataset-records';
import { type DatasetStore, newDatasetId } from '../../db/datasets';
import type { DatasetId } from '../../db/schema';
import type { ImportDraft, StoredTwin } from '../../state/import-slice';
import type { AppStore } from '../../state/store';
import type { IngestWorker } from './client';
import { ImportForm } from './import-form';

/** The record types the dataset views render. */
export type { DatasetSummary } from '../../db/datasets';
export type { DatasetId, DatasetMeta } from '../../db/schema';

/** Where the bundled demo dataset is served from. */
export const DEMO_URL = '/demo/digits_backdoor3.csv';
const DEMO_FILE_NAME = 'digits_backdoor3.csv';

const wallClock = () => performance.timeOrigin + performance.now();

/** Hex SHA-256 of a blob, or null where WebCrypto is unavailable (an insecure context). */
async function blobSha256(blob: Blob): Promise<string | null> {
  if (!crypto.subtle) return null;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Files up to this size are hashed on choosing, to find a stored twin (the digest needs the whole file in memory). */
const TWIN_HASH_MAX = 256 * 1024 * 1024;

export class IngestController {
  private nextJob = 1;
  /**
   * The import form: the file it is about (a `File` is a handle, so it stays there rather than in the store), the
   * ingest worker of that file (started for its preview, terminated when its import ends) and the limits re-check.
   */
  private readonly form: ImportForm<File, IngestLimits, CsvPreview, IngestApi, ImportDraft>;

  /** `startIngest` starts an ingest worker (the real one in the app, an in-process one in tests). */
  constructor(
    private readonly store: AppStore,
    private readonly datasets: Promise<DatasetStore>,
    startIngest: () => IngestWorker,
    options: { limitsDebounceMs?: number } = {},
  ) {
    this.form = new ImportForm({
      store,
      slot: { get: (s) => s.draft, set: (s, draft) => s.setDraft(draft) },
      startWorker: startIngest,
      recheck: (file, limits) => this.previewWith(file, limits),
      limitsDebounceMs: options.limitsDebounceMs,
    });
  }

  /** The preview under `limits` and the form's roles (as they are when it runs). */
  private async previewWith(file: File, limits: IngestLimits): Promise<CsvPreview> {
    const { beginWork, endWork, draft } = this.store.getState();
    beginWork();
    try {
      return await this.ingest.preview(file, limits, draft?.plan);
    } finally {
      endWork();
    }
  }

  /**
   * New limits in the import form: shown at once, and the preview re-run with them (debounced) so that a file that
   * now fits unlocks Import, and one that no longer fits locks it.
   */
  changeLimits(limits: IngestLimits): void {
    this.form.changeLimits(limits);
  }

  /**
   * New column roles in the import form: shown at once, and the preview re-run under them (debounced), so that a text
   * column chosen for one-hot encoding or excluded no longer blocks Import, and a numeric column made the label is
   * checked as one.
   */
  changePlan(plan: ColumnPlan): void {
    this.store.getState().setPlan(plan);
    this.form.recheck();
  }

  /** Stops the workbench: terminates its worker; later results of its work are ignored. */
  dispose(): void {
    this.form.dispose();
  }

  private get ingest(): IngestApi {
    return this.form.api;
  }

  private work(action: () => Promise<void>): Promise<void> {
    return this.form.work(action);
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
      const { setJob, setError, go } = this.store.getState();
      setError(null);
      setJob({ kind: 'idle' });
      this.form.dropRecheck();
      const preview = await this.ingest.preview(file, DEFAULT_LIMITS);
      this.form.open(file, { preview, plan: preview.suggested, limits: DEFAULT_LIMITS });
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
    if (!twin || !draft || this.form.source !== file) return;
    const duplicate: StoredTwin = { id: twin.id, name: twin.name, createdAt: twin.createdAt };
    setDraft({ ...draft, duplicate });
  }

  /** Leaves the import form without importing. */
  discardDraft(): void {
    this.form.discard();
  }

  /** Back to the import form of the file last previewed (after a failed or cancelled import). */
  reopenDraft(): void {
    this.form.reopen();
  }

  /** Imports the previewed file with the form's plan and limits; resolves when it is stored, failed or cancelled. */
  async startImport(): Promise<void> {
    const { draft } = this.store.getState();
    // While the preview is re-run with new limits its verdict is not known yet: Import waits for it.
    const file = this.form.source;
    if (!draft || !file || draft.rechecking) return;
    await this.runImport(file, draft.plan, draft.limits);
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
      this.form.release();
      this.form.fail(jobId, file.name, `The import stopped unexpectedly: ${errorText(error)}`);
      return;
    }
    const received = wallClock();
    this.form.release();
    if (!this.form.isRunning(jobId)) return; // superseded: drop the late result
    switch (outcome.kind) {
      case 'cancelled':
      case 'failed':
        this.form.endUnstored(jobId, file.name, outcome);
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
      this.form.fail(jobId, file.name, `Could not store the dataset in this browser: ${errorText(error)}`);
      return;
    }
    timings.storeMs = performance.now() - storeStart;
    timings.totalMs = performance.now() - started;
    this.form.source = null;
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

  /** Asks the running import to stop; the job ends as cancelled and nothing is stored. */
  cancelImport(): Promise<void> {
    return this.form.cancel();
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
      this.form.dropRecheck();
      const preview = await this.ingest.preview(file, DEFAULT_LIMITS);
      this.form.open(file, { preview, plan: preview.suggested, limits: DEFAULT_LIMITS });
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
