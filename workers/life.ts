/**
 * A worker's life lock: each worker entry takes a Web Lock named after its worker name as soon as it starts and never
 * releases it, so the lock is freed only when the worker is gone (closed, crashed, out of memory, terminated). The
 * page waits on the same name (app/controllers/worker-life.ts) and so learns of a death that no message would ever report.
 * Imported by worker entries and, for the name only, by the app; it holds no tfjs and no DOM beyond `navigator.locks`.
 */

/** The lock a worker named `workerName` holds while it lives. */
export function lifeLockName(workerName: string): string {
  return `sift-worker:${workerName}`;
}

/**
 * How often the watch looks for the worker's life lock before it holds it, in ms. A worker that dies between two
 * looks, after taking its lock, is never seen to have held it, and its job waits on; the looks once spread out to a
 * second apart, and a fold worker killed in that window left its scoring running (e2e/crash.spec.ts, once in six runs).
 * A look is one `locks.query()`, and a worker takes its lock within seconds of starting.
 */
const LOCK_POLL_MS = 50;

/**
 * Resolves true once the life lock `name` is free after its worker took it (the page's watch, worker-life.ts, and
 * the ingest worker's watch of its row-hash worker). The watch waits to see the lock held
 * first: asking for it before the worker has started would be granted at once and read as a death.
 */
export async function watchLock(
  locks: Pick<LockManager, 'query' | 'request'>,
  name: string,
  signal: AbortSignal,
  stopped: () => boolean,
): Promise<boolean> {
  for (;;) {
    if (stopped()) return false;
    const snapshot = await locks.query();
    if (snapshot.held?.some((lock) => lock.name === name)) break;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    // Granted only when the holder is gone; the callback returns at once, releasing it again.
    await locks.request(name, { signal }, () => undefined);
  } catch (error) {
    if (signal.aborted) return false; // The watch ended on purpose: its owner terminated the worker.
    throw error;
  }
  return !stopped();
}

/**
 * Watches a worker that this worker started (named `name`), as the page watches its own: resolves with why it stopped,
 * on its `error` or `messageerror` event, or when its life lock is freed without either (killed, out of memory).
 * Never resolves once `closed` is aborted (its owner terminated it on purpose).
 */
export function watchNestedWorker(worker: Worker, name: string, closed: AbortSignal): Promise<string> {
  return new Promise<string>((resolve) => {
    const stop = (why: string) => {
      if (!closed.aborted) resolve(why);
    };
    worker.addEventListener('error', (event) =>
      stop(event.message ? `it failed: ${event.message}` : 'it failed to start'),
    );
    worker.addEventListener('messageerror', () => stop('it sent a message that could not be read'));
    const locks = globalThis.navigator?.locks;
    if (!locks) return;
    void watchLock(locks, lifeLockName(name), closed, () => closed.aborted).then(
      (freed) => freed && stop('it crashed, ran out of memory or was closed'),
      () => undefined, // Web Locks refused: the events still tell of most deaths
    );
  });
}

/** Takes this worker's life lock for as long as the worker lives; a no-op where Web Locks are missing. */
export function holdLifeLock(): void {
  const scope = globalThis as { name?: string; navigator?: Navigator };
  const locks = scope.navigator?.locks;
  if (!locks || !scope.name) return;
  // The callback's promise never settles: the lock goes only with the worker.
  void locks.request(lifeLockName(scope.name), () => new Promise<never>(() => undefined));
}

/**
 * Reports a fatal fault the worker cannot recover from (a lost WebGPU device): an uncaught error reaches the page as
 * the Worker's `error` event with this message, and the page ends the worker and fails its job with the message.
 */
export function reportFatal(message: string): void {
  setTimeout(() => {
    throw new Error(message);
  });
}

/** The part of a GPUDevice the watch reads: its `lost` promise. */
export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
}

/** Devices whose loss is already watched (a backend is activated again for every job). */
const watchedDevices = new WeakSet<object>();

/**
 * Reports the loss of the WebGPU backend's device as a fatal fault: tfjs's WebGPU backend cannot go on without its
 * device (later kernels fail or never finish), so the page ends this worker and fails the job with the message.
 * A device destroyed on purpose (reason 'destroyed', when tfjs disposes the backend) is no fault.
 */
export function watchDeviceLoss(
  device: GpuDeviceLike,
  report: (message: string) => void = reportFatal,
): void {
  if (watchedDevices.has(device)) return;
  watchedDevices.add(device);
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return;
    report(`WebGPU device lost${info.reason ? ` (${info.reason})` : ''}: ${info.message || 'no message'}`);
  });
}
