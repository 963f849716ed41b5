/**
 * The import form's life cycle shared by the CSV and the image import (import-form.ts), on the real app store: a
 * worker started once and again after it died, the limits re-check, leaving and reopening the form, cancelling the
 * running job, and how a job that stored nothing ends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IngestJobId } from '../../../workers/ingest.api';
import type { ImportDraft } from '../../state/import-slice';
import { createAppStore } from '../../state/store';
import type { WorkerClient } from '../worker-client';
import { ImportForm } from './import-form';

afterEach(() => {
  vi.useRealTimers();
});

type Preview = ImportDraft['preview'];
type Limits = ImportDraft['limits'];

/** A worker client whose death the test decides, counting starts, disposals and cancels. */
function fakeWorkers() {
  const log = { started: 0, disposed: 0, cancelled: [] as IngestJobId[] };
  let dead: string | null = null;
  const start = (): WorkerClient<{ cancel(jobId: IngestJobId): Promise<void> }> => {
    log.started++;
    dead = null;
    return {
      api: {
        cancel: async (jobId) => {
          log.cancelled.push(jobId);
        },
      },
      life: { reason: () => dead, guard: (call) => call, end: () => undefined },
      dispose: () => {
        log.disposed++;
      },
    };
  };
  return { log, start, die: (why: string) => (dead = why) };
}

function setUp(recheck: (file: File, limits: Limits) => Promise<Preview | null>) {
  const store = createAppStore();
  const workers = fakeWorkers();
  const form = new ImportForm<
    File,
    Limits,
    Preview,
    { cancel(jobId: IngestJobId): Promise<void> },
    ImportDraft
  >({
    store,
    slot: { get: (s) => s.draft, set: (s, d) => s.setDraft(d) },
    startWorker: workers.start,
    recheck,
    limitsDebounceMs: 10,
  });
  return { store, form, workers };
}

const preview = (rows: number) => ({ rows }) as unknown as Preview;
const limits = (maxRows: number) => ({ maxRows }) as unknown as Limits;
const file = new File(['id,label\n1,a\n'], 'a.csv');

describe('ImportForm', () => {
  it('starts one worker, keeps it, and starts a fresh one once it has died', () => {
    const { form, workers } = setUp(async () => null);
    void form.api;
    void form.api;
    expect(workers.log.started).toBe(1);
    workers.die('out of memory');
    void form.api;
    expect(workers.log).toMatchObject({ started: 2, disposed: 1 });
  });

  it('shows new limits at once, waits for the re-check, then shows its preview and keeps the plan', async () => {
    vi.useFakeTimers();
    const asked: number[] = [];
    const { store, form } = setUp(async (_f, l) => {
      asked.push((l as unknown as { maxRows: number }).maxRows);
      return preview(99);
    });
    const plan = { id: 'x' } as unknown as ImportDraft['plan'];
    form.open(file, { preview: preview(1), plan, limits: limits(10) });
    form.changeLimits(limits(500));
    expect(store.getState().draft).toMatchObject({ limits: { maxRows: 500 }, rechecking: true });
    await vi.advanceTimersByTimeAsync(10);
    expect(asked).toEqual([500]);
    expect(store.getState().draft).toEqual({
      preview: preview(99),
      plan,
      limits: limits(500),
      rechecking: false,
    });
  });

  it('a failed re-check unlocks the form and says why', async () => {
    vi.useFakeTimers();
    const { store, form } = setUp(async () => {
      throw new Error('the import worker stopped');
    });
    form.open(file, { preview: preview(1), plan: {} as ImportDraft['plan'], limits: limits(10) });
    form.changeLimits(limits(20));
    await vi.advanceTimersByTimeAsync(10);
    expect(store.getState().draft?.rechecking).toBe(false);
    expect(store.getState().error).toBe('the import worker stopped');
  });

  it('discarding drops the form, its pending re-check and its worker; reopening needs a form', async () => {
    vi.useFakeTimers();
    let rechecks = 0;
    const { store, form, workers } = setUp(async () => {
      rechecks++;
      return preview(2);
    });
    void form.api;
    form.open(file, { preview: preview(1), plan: {} as ImportDraft['plan'], limits: limits(10) });
    store.getState().go({ kind: 'progress' });
    form.reopen();
    expect(store.getState().screen.kind).toBe('import');
    form.changeLimits(limits(20));
    form.discard();
    await vi.advanceTimersByTimeAsync(50);
    expect(rechecks).toBe(0);
    expect(workers.log.disposed).toBe(1);
    expect(form.source).toBeNull();
    expect(store.getState().draft).toBeNull();
    expect(store.getState().screen.kind).toBe('start');
    store.getState().go({ kind: 'progress' });
    form.reopen();
    expect(store.getState().screen.kind).toBe('progress');
  });

  it('cancels only a running job that is not yet storing, and ends a job that stored nothing on the start screen', async () => {
    const { store, form, workers } = setUp(async () => null);
    void form.api;
    const running = {
      kind: 'running' as const,
      jobId: 'import-1' as IngestJobId,
      fileName: 'a.csv',
      totalBytes: 10,
      progress: null,
    };
    store.getState().setJob({ ...running, storing: true });
    await form.cancel();
    expect(workers.log.cancelled).toEqual([]);
    store.getState().setJob({ ...running, storing: false });
    await form.cancel();
    expect(workers.log.cancelled).toEqual(['import-1']);
    expect(form.isRunning('import-1')).toBe(true);
    expect(form.isRunning('import-2')).toBe(false);

    form.endUnstored('import-1', 'a.csv', { kind: 'cancelled' });
    expect(store.getState().job).toEqual({ kind: 'cancelled', jobId: 'import-1', fileName: 'a.csv' });
    expect(store.getState().screen.kind).toBe('start');

    // A failure of a job no longer running is dropped; of the running one, it is shown with its detail.
    form.fail('import-1', 'a.csv', 'Could not store the dataset in this browser: quota');
    expect(store.getState().job.kind).toBe('cancelled');
    store.getState().setJob({ ...running, storing: false });
    form.fail('import-1', 'a.csv', 'Could not store the dataset in this browser: quota');
    expect(store.getState().job).toMatchObject({
      kind: 'failed',
      problems: [],
      detail: 'Could not store the dataset in this browser: quota',
    });
  });

  it('work() raises the busy flag and turns a failure into the app error, but not after dispose', async () => {
    const { store, form } = setUp(async () => null);
    await form.work(async () => {
      expect(store.getState().pending).toBeGreaterThan(0);
      throw new Error('The demo dataset could not be loaded (HTTP 404).');
    });
    expect(store.getState().error).toBe('The demo dataset could not be loaded (HTTP 404).');
    store.getState().setError(null);
    form.dispose();
    await form.work(async () => {
      throw new Error('the database closed');
    });
    expect(store.getState().error).toBeNull();
  });
});
