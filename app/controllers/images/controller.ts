/**
 * Image imports (issue 11): a zip or a folder is previewed in an ingest worker (every entry checked, every header
 * read), the analyst confirms the shape and what to skip in the import form, and the worker imports and stores the
 * dataset itself (one IndexedDB transaction; nothing on an error or a cancel). Files that are not zips go to the CSV
 * import. Progress and cancel as for CSV, through the same job in the store.
 */
import { errorText } from '../../../workers/core/error-text';
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
import type { ImageImportDraft, ImageSourceSummary } from '../../state/import-slice';
import type { AppStore } from '../../state/store';
import type { IngestController } from '../ingest/controller';
import { ImportForm } from '../ingest/import-form';
import type { ImageIngestClient, ImageIngestWorker } from './client';

export type { ImageShape } from '../../../workers/core/ingest/images/types';
export type { ImageLimits, ImageOverviewRecord };

/** Where the bundled image demo is served from. */
export const IMAGE_DEMO_URL = '/demo/fashion_patch4.zip';
const IMAGE_DEMO_NAME = 'fashion_patch4.zip';

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
  private nextJob = 1;
  /** The import form: what it is about (Files are handles: they stay there, not in the store), its worker, re-checks. */
  private readonly form: ImportForm<
    ImageInput,
    ImageLimits,
    ImagePreview,
    ImageIngestClient,
    ImageImportDraft
  >;

  /** `csv` takes files that are not zips; the worker stores into the database `dbName`. */
  constructor(
    private readonly store: AppStore,
    private readonly datasets: Promise<DatasetStore>,
    startWorker: () => ImageIngestWorker,
    private readonly csv: IngestController,
    private readonly dbName: string,
    options: { limitsDebounceMs?: number } = {},
  ) {
    this.form = new ImportForm({
      store,
      slot: { get: (s) => s.imageDraft, set: (s, draft) => s.setImageDraft(draft) },
      startWorker,
      recheck: (input, limits) => this.preview(input, limits, false),
      limitsDebounceMs: options.limitsDebounceMs,
    });
  }

  private get api(): ImageIngestClient {
    return this.form.api;
  }

  dispose(): void {
    this.form.dispose();
  }

  private busy(action: () => Promise<void>): Promise<void> {
    return this.form.work(action);
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
    this.form.dropRecheck();
    this.form.release();
    const preview = await this.preview(input, DEFAULT_IMAGE_LIMITS, true);
    if (!preview) {
      this.store.getState().go({ kind: 'start' });
      return false;
    }
    this.form.open(input, {
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
      if (shown && this.form.isRunning(jobId)) this.store.getState().setJob({ kind: 'idle' });
    }
  }

  private progress(jobId: IngestJobId, p: ImageIngestProgress): void {
    this.store.getState().setProgress(jobId, p);
    if (p.phase === 'store') this.store.getState().setStoring(jobId);
  }

  /** New limits in the form: shown at once, and the preview re-run with them (debounced). */
  changeLimits(limits: ImageLimits): void {
    this.form.changeLimits(limits);
  }

  /** Changes the form's plan (shape, skipping consents). */
  setPlan(patch: Partial<ImagePlan>): void {
    const draft = this.store.getState().imageDraft;
    if (draft) this.store.getState().setImagePlan({ ...draft.plan, ...patch });
  }

  /** Leaves the form without importing. */
  discardDraft(): void {
    this.form.discard();
  }

  /** Back to the form after a failed or cancelled import. */
  reopenDraft(): void {
    this.form.reopen();
  }

  /** Asks the running preview or import to stop; nothing is stored. */
  cancelImport(): Promise<void> {
    return this.form.cancel();
  }

  /** Imports the previewed source with the form's plan; resolves when it is stored, failed or cancelled. */
  async startImport(): Promise<void> {
    const { imageDraft: draft, job } = this.store.getState();
    const input = this.form.source;
    if (!draft || !input || draft.rechecking || job.kind === 'running') return;
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
      this.form.release();
      this.form.fail(jobId, draft.source.name, `The import stopped unexpectedly: ${errorText(error)}`);
      return;
    }
    this.form.release();
    if (!this.form.isRunning(jobId)) return;
    const fileName = draft.source.name;
    switch (outcome.kind) {
      case 'cancelled':
      case 'failed':
        this.form.endUnstored(jobId, fileName, outcome);
        return;
      case 'done': {
        const timings = {
          ...outcome.meta.timings,
          workerMs: outcome.timings.totalMs,
          storeMs: outcome.timings.storeMs,
          totalMs: performance.now() - started,
        };
        const meta = { ...outcome.meta, timings };
        // Where the worker's time went, as performance measures (DevTools' timings, bench/images-import-app.ts).
        for (const [stage, ms] of Object.entries(outcome.timings.stages)) {
          performance.measure(`sift-image-import:${stage}`, { start: started, duration: ms });
        }
        const s = this.store.getState();
        this.form.source = null;
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

  /** An image dataset's class means and thumbnails (undefined for a CSV dataset). */
  overview(id: DatasetId): Promise<ImageOverviewRecord | undefined> {
    return this.datasets.then((d) => d.loadImageOverview(id));
  }
}
