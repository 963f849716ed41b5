// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { type Locks, retryBackend, WorkerDiedError, type WorkerEvents, watchWorker } from './worker-life';

/**
 * Web Locks as the watch uses them, in memory (Node has none): exclusive locks by name, granted in request order,
 * requests abortable by signal.
 */
class MemoryLocks {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();
  /** Names asked for while held: the watch is waiting for the holder to go. */
  readonly waiting: string[] = [];

  async query(): Promise<LockManagerSnapshot> {
    return {
      held: [...this.held].map((name) => ({ name, mode: 'exclusive' as const, clientId: 'w' })),
      pending: [],
    };
  }

  request(name: string, options: LockOptions, callback: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.held.add(name);
        Promise.resolve(callback()).then((value) => {
          this.free(name);
          resolve(value);
        }, reject);
      };
      if (!this.held.has(name)) return grant();
      this.waiting.push(name);
      const queue = this.queues.get(name) ?? [];
      queue.push(grant);
      this.queues.set(name, queue);
      options.signal?.addEventListener('abort', () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }

  /** The worker takes its lock (held until `free`). */
  take(name: string): void {
    this.held.add(name);
  }

  /** The holder is gone: the next waiter gets the lock. */
  free(name: string): void {
    this.held.delete(name);
    this.queues.get(name)?.shift()?.();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 120));
const LOCK = 'sift-worker:w1';

function setUp() {
  const locks = new MemoryLocks();
  const worker = new EventTarget() as unknown as WorkerEvents & EventTarget;
  const life = watchWorker(worker, 'w1', 'the training worker', locks as unknown as Locks);
  return { locks, worker, life };
}

describe('watchWorker', () => {
  it('does not take a worker that has not taken its lock yet for dead, and sees it die once it frees it', async () => {
    const { locks, life } = setUp();
    await settle();
    expect(life.reason()).toBeNull();
    locks.take(LOCK);
    const call = life.guard(new Promise<never>(() => undefined));
    await vi.waitFor(() => expect(locks.waiting).toContain(LOCK), { timeout: 5000 });
    expect(life.reason()).toBeNull();
    locks.free(LOCK);
    await expect(call).rejects.toBeInstanceOf(WorkerDiedError);
    expect(life.reason()).toMatch(/^The training worker stopped unexpectedly/);
    // Calls after the death fail at once.
    await expect(life.guard(Promise.resolve(1))).rejects.toThrow('stopped unexpectedly');
  });

  it('reports an error event with its message (a lost WebGPU device)', async () => {
    const { worker, life } = setUp();
    const call = life.guard(new Promise<never>(() => undefined));
    worker.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught Error: WebGPU device lost: gone' }));
    await expect(call).rejects.toThrow('The training worker failed: WebGPU device lost: gone');
  });

  it('passes answers through, and takes no deliberate terminate for a death', async () => {
    const { locks, worker, life } = setUp();
    locks.take(LOCK);
    await vi.waitFor(() => expect(locks.waiting).toContain(LOCK), { timeout: 5000 });
    await expect(life.guard(Promise.resolve(42))).resolves.toBe(42);
    await expect(life.guard(Promise.reject(new Error('worker said no')))).rejects.toThrow('worker said no');
    life.end();
    locks.free(LOCK);
    worker.dispatchEvent(new ErrorEvent('error', { message: 'after the end' }));
    await settle();
    expect(life.reason()).toBeNull();
  });
});

describe('retryBackend', () => {
  it('offers WASM after a GPU backend or CPU, and CPU after WASM or an unknown one', () => {
    expect(retryBackend('webgpu')).toBe('wasm');
    expect(retryBackend('webgl')).toBe('wasm');
    expect(retryBackend('cpu')).toBe('wasm');
    expect(retryBackend('wasm')).toBe('cpu');
    expect(retryBackend(null)).toBe('cpu');
  });
});
