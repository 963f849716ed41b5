/**
 * Knowing when a worker died. A comlink call to a dead worker never settles, so every job call is raced against the
 * worker's death, learnt three ways: its life lock (workers/life.ts) becomes free (it closed, crashed or ran out of
 * memory: no event says so), its `error` event (an uncaught error, a script that failed to load, a fatal fault the
 * worker reported such as a lost WebGPU device), or its `messageerror` event (a message it could not read).
 */
import type { BackendName } from '../../workers/core/train/backend-choice';
import { lifeLockName, watchLock } from '../../workers/life';

/** A job call that ended because its worker died; `message` says why, for people. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

/** The parts of a `Worker` the watch listens to. */
export type WorkerEvents = Pick<Worker, 'addEventListener' | 'removeEventListener'>;

/** The parts of the Web Locks API the watch uses. */
export type Locks = Pick<LockManager, 'query' | 'request'>;

/** A watched worker. */
export interface WorkerLife {
  /** Why the worker died, or null while it lives (or after `end`). */
  readonly reason: () => string | null;
  /** Settles like `call`, or rejects with a `WorkerDiedError` if the worker dies first (or has died). */
  guard<T>(call: Promise<T>): Promise<T>;
  /** Stops watching: call it before terminating the worker on purpose, so that is not taken for a death. */
  end(): void;
}

/**
 * Watches a worker started with the name `workerName` (whose entry calls `holdLifeLock`); `label` names it in the
 * reasons ("the training worker"). Without Web Locks only the events are watched.
 */
export function watchWorker(
  worker: WorkerEvents,
  workerName: string,
  label: string,
  locks: Locks | null,
): WorkerLife {
  let reason: string | null = null;
  let ended = false;
  const waiters = new Set<(why: string) => void>();
  const abort = new AbortController();

  const die = (why: string) => {
    if (ended || reason !== null) return;
    reason = why;
    stop();
    for (const waiter of waiters) waiter(why);
    waiters.clear();
  };
  const onError = (event: Event) => {
    const message = event instanceof ErrorEvent && event.message ? event.message : '';
    die(
      message
        ? `${capitalise(label)} failed: ${message.replace(/^Uncaught (Error: )?/, '')}`
        : `${capitalise(label)} failed to start or stopped on an error it did not report.`,
    );
  };
  const onMessageError = () => die(`${capitalise(label)} sent a message the page could not read.`);
  const stop = () => {
    worker.removeEventListener('error', onError);
    worker.removeEventListener('messageerror', onMessageError);
    abort.abort();
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onMessageError);

  if (locks)
    void watchLock(locks, lifeLockName(workerName), abort.signal, () => ended || reason !== null).then(
      (freed) => {
        if (freed)
          die(
            `${capitalise(label)} stopped unexpectedly (it crashed, ran out of memory or was closed); its job was lost.`,
          );
      },
      (error: unknown) => {
        // Web Locks refused (an opaque origin): the events still tell of most deaths.
        console.warn(`Could not watch ${label}'s life lock:`, error);
      },
    );

  return {
    reason: () => reason,
    guard<T>(call: Promise<T>): Promise<T> {
      if (reason !== null) return Promise.reject(new WorkerDiedError(reason));
      return new Promise<T>((resolve, reject) => {
        const waiter = (why: string) => reject(new WorkerDiedError(why));
        waiters.add(waiter);
        call.then(
          (value) => {
            waiters.delete(waiter);
            resolve(value);
          },
          (error: unknown) => {
            waiters.delete(waiter);
            reject(error);
          },
        );
      });
    },
    end() {
      ended = true;
      stop();
      waiters.clear();
    },
  };
}

/** The backend to offer a retry on after a job's worker died on `backend` (null: not known). */
export function retryBackend(backend: BackendName | null): BackendName {
  switch (backend) {
    case 'webgpu':
    case 'webgl':
    case 'cpu':
      return 'wasm';
    case 'wasm':
    case null:
      return 'cpu';
    default:
      return backend satisfies never;
  }
}

/** A fresh worker name with a random suffix, so each worker's life lock is its own. */
export function uniqueWorkerName(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
