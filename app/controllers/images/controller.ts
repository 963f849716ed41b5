/**
 * Image imports (issue 11): a zip or a folder is previewed in an ingest worker (every entry checked, every header
 * read), the analyst confirms the shape and what to skip in the import form, and the worker imports and stores the
 * dataset itself (one IndexedDB transaction; nothing on an error or a cancel). Files that are not zips go to the CSV
 * import. Progress and cancel as for CSV, through the same job in the store.
 */
import { splitTopFolder } from '../../../workers/core/ingest/images/folder';
import {
  DEFAULT_IMAGE_LIMITS,
  type ImageIngestProgress,
  type ImageLimits,
  type ImagePlan,
  type ImagePreview,
} from '../../../workers/core/ingest/images/types';
import type { ImageIngestOutcome, ImageInput } from '../../../workers/image-ingest.api';
import type { IngestJobId } from '../../../workers/ingest.api';
import { type DatasetStore, newDatasetId } from '../../db/datasets';
import type { ImageOverviewRecord } from '../../db/image-schema';
import type { DatasetId } from '../../db/schema';
import type { ImageSourceSummary } from '../../state/import-slice';
import type { AppStore } from '../../state/store';
import type { IngestController } from '../ingest/controller';
import { DebouncedPreview } from '../ingest/limits-preview';
import type { ImageIngestWorker } from './client';

export type { ImageShape } from '../../../workers/core/ingest/images/types';
export type { ImageLimits, ImageOverviewRecord };

/** Where the bundled image demo is served from. */
export const IMAGE_DEMO_URL = '/demo/fashion_patch4.zip';
const IMAGE_DEMO_NAME = 'fashion_patch4.zip';
const LIMITS_DEBOUNCE_MS = 300;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a file is a zip: its first bytes (a local header, or the end record of an empty zip), or its name. */
export async function looksLikeZip(file: Blob & { name: string }): Promise<boolean> {
  if (/\.zip$/i.test(file.name)) return true;
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && head[3] === head[2] + 1;
}

function summaryOf(input: ImageInput): ImageSourceSummary {
  return input.kind === 'zip'
    ? { kind: 'zip', name: input.file.name, files: 1, bytes: input.file.size }
    : {
        kind: 'folder',
        name: input.name,
        files: input.files.length,
        bytes: input.files.reduce((s, f) => s + f.size, 0),
      };
}

export class ImageImportController {
  /** What the import form is about (Files are handles: they stay here, not in the store). */
  private input: ImageInput | null = null;
  private worker: ImageIngestWorker | null = null;
  private nextJob = 1;
  private disposed = false;
  private readonly limitsPreview: DebouncedPreview<
    { input: ImageInput; limits: ImageLimits },
    ImagePreview | null
  >;

  /** `csv` takes files that are not zips; the worker stores into the database `dbName`. */
  constructor(
    private readonly store: AppStore,
    private readonly datasets: Promise<DatasetStore>,
    private readonly startWorker: () => ImageIngestWorker,
    private readonly csv: IngestController,
    private readonly dbName: string,
    options: { limitsDebounceMs?: number } = {},
  ) {
    this.limitsPreview = new DebouncedPreview(
      options.limitsDebounceMs ?? LIMITS_DEBOUNCE_MS,
      ({ input, limits }) => this.preview(input, limits, false),
      (preview, { input, limits }) => {
        const draft = this.store.getState().imageDraft;
        if (preview && this.input === input && draft)
          this.store.getState().setImageDraft({ ...draft, preview, limits, rechecking: false });
      },
      (error) => {
        const draft = this.store.getState().imageDraft;
        if (draft) this.store.getState().setImageDraft({ ...draft, rechecking: false });
        if (!this.disposed) this.store.getState().setError(errorText(error));
      },
    );
  }

  private get api() {
    if (this.worker?.life.reason()) this.release();
    this.worker ??= this.startWorker();
    return this.worker.api;
  }

  /** Ends the worker (after an import, its heap goes at once). */
  private release(): void {
    this.worker?.dispose();
    this.worker = null;
  }

  dispose(): void {
    this.disposed = true;
    this.limitsPreview.cancel();
    this.release();
  }

  private async busy(action: () => Promise<void>): Promise<void> {
    const { beginWork, endWork, setError } = this.store.getState();
    beginWork();
    try {
      await action();
    } catch (error) {
      if (!this.disposed) setError(errorText(error));
    } finally {
      endWork();
    }
  }

  /**
   * Files dropped or chosen on the start screen: one zip is previewed as images, files with folder paths
   * (`webkitRelativePath`) as a folder, anything else goes to the CSV import.
   */
  choose(files: readonly File[]): Promise<void> {
    return this.busy(async () => {
      const first = files[0];
      if (!first) return;
      const relative = files.map((f) => f.webkitRelativePath ?? '');
      if (files.length > 1 || relative[0]?.includes('/')) {
        if (relative.every((p) => p.includes('/'))) {
          const { name, paths } = splitTopFolder(relative);
          await this.open({ kind: 'folder', name, files: [...files], paths });
        } else {
          throw new Error(
            'Several files were given: drop one CSV, one zip of images, or one folder of class folders.',
          );
        }
      } else if (await looksLikeZip(first)) await this.open({ kind: 'zip', file: first });
      else await this.csv.chooseFile(first);
    });
  }

  /** The most entries a dropped folder may hold before it is refused unread (the default entry limit). */
  maxFolderEntries(): number {
    return DEFAULT_IMAGE_LIMITS.maxEntries;
  }

  /** A dropped folder: its files with their paths inside it (`/`-separated, the folder's own name left out). */
  chooseFolder(name: string, files: File[], paths: string[]): Promise<void> {
    return this.busy(async () => {
      await this.open({ kind: 'folder', name, files, paths });
    });
  }

  /** Opens the bundled image demo: the stored copy if there is one, else imports it with the proposed plan. */
  openDemo(): Promise<void> {
    return this.busy(async () => {
      const response = await fetch(IMAGE_DEMO_URL);
      if (!response.ok) throw new Error(`The image demo could not be loaded (HTTP ${response.status}).`);
      const file = new File([await response.blob()], IMAGE_DEMO_NAME, { type: 'application/zip' });
      const stored = (await (await this.datasets).list()).find(
        (d) => d.fileName === file.name && d.bytes === file.size,
      );
      if (stored) {
        await this.csv.openDataset(stored.id);
        return;
      }
      const ready = await this.open({ kind: 'zip', file });
      if (ready) await this.startImport();
    });
  }

  /** Previews `input` and opens the import form; resolves true when it can be imported as proposed. */
  private async open(input: ImageInput): Promise<boolean> {
    const state = this.store.getState();
    state.setError(null);
    this.limitsPreview.cancel();
    this.release();
    const preview = await this.preview(input, DEFAULT_IMAGE_LIMITS, true);
    if (!preview) {
      this.store.getState().go({ kind: 'start' });
      return false;
    }
    this.input = input;
    this.store.getState().setImageDraft({
      source: summaryOf(input),
      preview,
      plan: preview.suggested,
      limits: DEFAULT_IMAGE_LIMITS,
    });
    this.store.getState().go({ kind: 'import' });
    return preview.problems.every((p) => p.severity !== 'error');
  }

  /** Runs a preview in the worker; `shown`: as a job with progress and Cancel (the first look at a source). */
  private async preview(
    input: ImageInput,
    limits: ImageLimits,
    shown: boolean,
  ): Promise<ImagePreview | null> {
    const jobId: IngestJobId = `image-preview-${this.nextJob++}`;
    const summary = summaryOf(input);
    if (shown) {
      this.store.getState().setJob({
        kind: 'running',
        jobId,
        fileName: summary.name,
        totalBytes: summary.bytes,
        progress: null,
        storing: false,
        images: true,
      });
      this.store.getState().go({ kind: 'progress' });
    }
    try {
      const out = await this.api.previewImages(jobId, input, limits, (p) => this.progress(jobId, p));
      return out.kind === 'done' ? out.preview : null;
    } finally {
      if (shown && this.isRunning(jobId)) this.store.getState().setJob({ kind: 'idle' });
    }
  }

  private progress(jobId: IngestJobId, p: ImageIngestProgress): void {
    this.store.getState().setProgress(jobId, p);
    if (p.phase === 'store') this.store.getState().setStoring(jobId);
  }

  private isRunning(jobId: IngestJobId): boolean {
    const { job } = this.store.getState();
    return job.kind === 'running' && job.jobId === jobId;
  }

  /** New limits in the form: shown at once, and the preview re-run with them (debounced). */
  changeLimits(limits: ImageLimits): void {
    const draft = this.store.getState().imageDraft;
    if (!draft || !this.input) return;
    this.store.getState().setImageDraft({ ...draft, limits, rechecking: true });
    this.limitsPreview.request({ input: this.input, limits });
  }

  /** Changes the form's plan (shape, skipping consents). */
  setPlan(patch: Partial<ImagePlan>): void {
    const draft = this.store.getState().imageDraft;
    if (draft) this.store.getState().setImagePlan({ ...draft.plan, ...patch });
  }

  /** Leaves the form without importing. */
  discardDraft(): void {
    this.limitsPreview.cancel();
    this.input = null;
    this.release();
    this.store.getState().setImageDraft(null);
    this.store.getState().go({ kind: 'start' });
  }

  /** Back to the form after a failed or cancelled import. */
  reopenDraft(): void {
    if (this.store.getState().imageDraft && this.input) this.store.getState().go({ kind: 'import' });
  }

  /** Asks the running preview or import to stop; nothing is stored. */
  async cancelImport(): Promise<void> {
    const { job } = this.store.getState();
    if (job.kind !== 'running' || job.storing || !this.worker) return;
    await this.worker.api.cancel(job.jobId);
  }

  /** Imports the previewed source with the form's plan; resolves when it is stored, failed or cancelled. */
  async startImport(): Promise<void> {
    const { imageDraft: draft, job } = this.store.getState();
    if (!draft || !this.input || draft.rechecking || job.kind === 'running') return;
    const input = this.input;
    const started = performance.now();
    const jobId: IngestJobId = `image-import-${this.nextJob++}`;
    const datasetId = newDatasetId();
    const state = this.store.getState();
    state.setError(null);
    state.setJob({
      kind: 'running',
      jobId,
      fileName: draft.source.name,
      totalBytes: draft.source.bytes,
      progress: null,
      storing: false,
      images: true,
    });
    state.go({ kind: 'progress' });
    let outcome: ImageIngestOutcome;
    try {
      outcome = await this.api.ingestImages(
        jobId,
        input,
        draft.plan,
        draft.limits,
        { dbName: this.dbName, datasetId, createdAt: Date.now() },
        (p) => this.progress(jobId, p),
      );
    } catch (error) {
      this.release();
      this.fail(jobId, draft.source.name, `The import stopped unexpectedly: ${errorText(error)}`);
      return;
    }
    this.release();
    if (!this.isRunning(jobId)) return;
    const fileName = draft.source.name;
    switch (outcome.kind) {
      case 'cancelled':
        this.store.getState().setJob({ kind: 'cancelled', jobId, fileName });
        this.store.getState().go({ kind: 'start' });
        return;
      case 'failed':
        this.store
          .getState()
          .setJob({ kind: 'failed', jobId, fileName, problems: outcome.problems, detail: null });
        this.store.getState().go({ kind: 'start' });
        return;
      case 'done': {
        const timings = {
          ...outcome.meta.timings,
          workerMs: outcome.timings.totalMs,
          storeMs: outcome.timings.storeMs,
          totalMs: performance.now() - started,
        };
        const meta = { ...outcome.meta, timings };
        const s = this.store.getState();
        this.input = null;
        s.setJob({ kind: 'done', jobId, fileName, datasetId: meta.id, rows: meta.rows, timings });
        s.setImageDraft(null);
        s.setCurrent(meta);
        s.go({ kind: 'overview' });
        await this.busy(async () => {
          await (await this.datasets).updateMeta(meta.id, { timings });
        });
        await this.csv.refresh();
        return;
      }
      default:
        return outcome satisfies never;
    }
  }

  private fail(jobId: IngestJobId, fileName: string, detail: string): void {
    if (!this.isRunning(jobId)) return;
    this.store.getState().setJob({ kind: 'failed', jobId, fileName, problems: [], detail });
    this.store.getState().go({ kind: 'start' });
  }

  /** An image dataset's class means and thumbnails (undefined for a CSV dataset). */
  overview(id: DatasetId): Promise<ImageOverviewRecord | undefined> {
    return this.datasets.then((d) => d.loadImageOverview(id));
  }
}
