/**
 * The life of an import form, shared by the CSV and the image import: the source the form is about (a `File` or a
 * folder's files are handles, so they stay here, not in the store), the ingest worker that previews and imports it,
 * the re-check after a change of limits or roles, leaving and reopening the form, cancelling the running job and
 * how a job that stored nothing ends. Each controller keeps what differs: how a source is previewed and how a
 * finished import is stored.
 */
import { errorText } from '../../../workers/core/error-text';
import type { IngestJobId } from '../../../workers/ingest.api';
import type { ImportJob } from '../../state/import-slice';
import type { AppState, AppStore } from '../../state/store';
import type { WorkerClient } from '../worker-client';
import { DebouncedPreview } from './limits-preview';

/** Quiet time after a limit is edited before the preview is re-run, in ms: one preview per typed number. */
export const LIMITS_DEBOUNCE_MS = 300;

/** The form's draft as this helper needs it: what the preview showed, under which limits. */
interface DraftOf<Preview, Limits> {
  preview: Preview;
  limits: Limits;
  rechecking?: boolean;
}

/** Where in the store a form keeps its draft (`draft` for CSV, `imageDraft` for images). */
export interface DraftSlot<Draft> {
  get(state: AppState): Draft | null;
  set(state: AppState, draft: Draft | null): void;
}

export interface ImportFormOptions<Source, Limits, Preview, Api, Draft> {
  store: AppStore;
  slot: DraftSlot<Draft>;
  startWorker: () => WorkerClient<Api>;
  /** Re-runs the preview under new limits (a CSV: and the draft's roles); null when it ended without one. */
  recheck: (source: Source, limits: Limits) => Promise<Preview | null>;
  limitsDebounceMs?: number;
}

/** A job that ended without storing anything. */
type Unstored =
  | { kind: 'cancelled' }
  | { kind: 'failed'; problems: Extract<ImportJob, { kind: 'failed' }>['problems'] };

export class ImportForm<
  Source,
  Limits,
  Preview,
  Api extends { cancel(jobId: IngestJobId): Promise<void> },
  Draft extends DraftOf<Preview, Limits>,
> {
  /** What the form is about; null when no form is open. */
  source: Source | null = null;
  /** True once the controller is stopped: later results of its work are ignored. */
  disposed = false;
  private worker: WorkerClient<Api> | null = null;
  private readonly store: AppStore;
  private readonly slot: DraftSlot<Draft>;
  private readonly startWorker: () => WorkerClient<Api>;
  private readonly recheckPreview: DebouncedPreview<{ source: Source; limits: Limits }, Preview | null>;

  constructor(options: ImportFormOptions<Source, Limits, Preview, Api, Draft>) {
    this.store = options.store;
    this.slot = options.slot;
    this.startWorker = options.startWorker;
    this.recheckPreview = new DebouncedPreview(
      options.limitsDebounceMs ?? LIMITS_DEBOUNCE_MS,
      ({ source, limits }) => options.recheck(source, limits),
      (preview, { source, limits }) => {
        const draft = this.draft();
        // The analyst's plan stays; only what the source shows under the new limits is replaced.
        if (preview !== null && this.source === source && draft)
          this.setDraft({ ...draft, preview, limits, rechecking: false });
      },
      (error) => {
        const draft = this.draft();
        if (draft) this.setDraft({ ...draft, rechecking: false });
        if (!this.disposed) this.store.getState().setError(errorText(error));
      },
    );
  }

  draft(): Draft | null {
    return this.slot.get(this.store.getState());
  }

  setDraft(draft: Draft | null): void {
    this.slot.set(this.store.getState(), draft);
  }

  /** The ingest worker, started on first use and started afresh when the last one died. */
  get api(): Api {
    if (this.worker?.life.reason()) this.release();
    this.worker ??= this.startWorker();
    return this.worker.api;
  }

  /**
   * Terminates the ingest worker. Done as soon as an import's result is in: the worker's heap (parse buffers,
   * id maps) goes at once instead of whenever its GC runs, so it never adds to the main thread's peak while storing.
   */
  release(): void {
    this.worker?.dispose();
    this.worker = null;
  }

  /** Stops the form: its worker ends and later results of its work are ignored. */
  dispose(): void {
    this.disposed = true;
    this.recheckPreview.cancel();
    this.release();
  }

  /** A new source is about to be previewed: a re-check of the old one is dropped. */
  dropRecheck(): void {
    this.recheckPreview.cancel();
  }

  /** Opens the form on a previewed source. */
  open(source: Source, draft: Draft): void {
    this.source = source;
    this.setDraft(draft);
  }

  /**
   * New limits in the form: shown at once, and the preview re-run with them (debounced) so that a source that now
   * fits unlocks Import, and one that no longer fits locks it (Import waits while `rechecking`).
   */
  changeLimits(limits: Limits): void {
    const draft = this.draft();
    if (!draft || this.source === null) return;
    this.setDraft({ ...draft, limits });
    this.recheck();
  }

  /**
   * Re-runs the preview under the form's current limits (debounced), as after a change of the roles it checks the
   * rows under: Import waits while `rechecking`.
   */
  recheck(): void {
    const draft = this.draft();
    if (!draft || this.source === null) return;
    this.setDraft({ ...draft, rechecking: true });
    this.recheckPreview.request({ source: this.source, limits: draft.limits });
  }

  /** Leaves the form without importing. */
  discard(): void {
    this.recheckPreview.cancel();
    this.source = null;
    this.release();
    this.setDraft(null);
    this.store.getState().go({ kind: 'start' });
  }

  /** Back to the form of the source last previewed (after a failed or cancelled import). */
  reopen(): void {
    if (this.draft() && this.source !== null) this.store.getState().go({ kind: 'import' });
  }

  /** Asks the running job to stop; it ends as cancelled and nothing is stored. */
  async cancel(): Promise<void> {
    const { job } = this.store.getState();
    if (job.kind !== 'running' || job.storing || !this.worker) return;
    await this.worker.api.cancel(job.jobId);
  }

  /** Runs an action with the busy flag up; an unexpected failure becomes an app-level error, never a silent one. */
  async work(action: () => Promise<void>): Promise<void> {
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

  isRunning(jobId: IngestJobId): boolean {
    const { job } = this.store.getState();
    return job.kind === 'running' && job.jobId === jobId;
  }

  /** The running job failed outside the worker's checks (the worker died, the database refused). */
  fail(jobId: IngestJobId, fileName: string, detail: string): void {
    if (!this.isRunning(jobId)) return;
    this.store.getState().setJob({ kind: 'failed', jobId, fileName, problems: [], detail });
    this.store.getState().go({ kind: 'start' });
  }

  /** The job was cancelled or its source refused: the start screen says so, and the form can be reopened. */
  endUnstored(jobId: IngestJobId, fileName: string, outcome: Unstored): void {
    const state = this.store.getState();
    state.setJob(
      outcome.kind === 'cancelled'
        ? { kind: 'cancelled', jobId, fileName }
        : { kind: 'failed', jobId, fileName, problems: outcome.problems, detail: null },
    );
    state.go({ kind: 'start' });
  }
}
