import { describe, expect, it, vi } from 'vitest';
import { lifeLockName, watchDeviceLoss, watchLock } from './life';

/** A device whose `lost` promise the test settles. */
function device() {
  let lose: (info: { reason?: string; message?: string }) => void = () => undefined;
  const lost = new Promise<{ reason?: string; message?: string }>((resolve) => {
    lose = resolve;
  });
  return { device: { lost }, lose };
}

describe('watchDeviceLoss', () => {
  it('reports an unexpected loss with its reason and message', async () => {
    const reports: string[] = [];
    const { device: d, lose } = device();
    watchDeviceLoss(d, (m) => reports.push(m));
    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await Promise.resolve();
    await Promise.resolve();
    expect(reports).toEqual(['WebGPU device lost (unknown): GPU process crashed']);
  });

  it('ignores a device destroyed on purpose, and watches each device once', async () => {
    const reports: string[] = [];
    const a = device();
    watchDeviceLoss(a.device, (m) => reports.push(m));
    a.lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    const b = device();
    watchDeviceLoss(b.device, (m) => reports.push(m));
    watchDeviceLoss(b.device, (m) => reports.push(m));
    b.lose({ message: '' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reports).toEqual(['WebGPU device lost: no message']);
  });
});

describe('lifeLockName', () => {
  it('is one lock per worker name', () => {
    expect(lifeLockName('sift-train-ab')).not.toBe(lifeLockName('sift-train-cd'));
  });
});

/** A lock manager holding one lock, `L`, that a fake worker takes and drops; a request waits until it is free. */
function fakeLocks() {
  let held = false;
  const waiting: Array<() => void> = [];
  const locks = {
    query: async () => ({ held: held ? [{ name: 'L', mode: 'exclusive' as const }] : [], pending: [] }),
    request: (_name: string, _options: LockOptions, callback: () => unknown) =>
      new Promise((resolve) => {
        if (held) waiting.push(() => resolve(callback()));
        else resolve(callback());
      }),
  } as unknown as Pick<LockManager, 'query' | 'request'>;
  return {
    locks,
    take: () => {
      held = true;
    },
    die: () => {
      held = false;
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('watchLock', () => {
  it('sees a worker that takes its lock late and dies soon after', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeLocks();
      const watch = watchLock(fake.locks, 'L', new AbortController().signal, () => false);
      // The worker starts slowly, takes its lock at 1.2 s and dies 120 ms later: looks spread a second apart (0, 50,
      // 150, 350, 750, 1550 ms) never saw it held, and the watch waited for ever.
      await vi.advanceTimersByTimeAsync(1200);
      fake.take();
      await vi.advanceTimersByTimeAsync(120);
      fake.die();
      const outcome = Promise.race([
        watch,
        new Promise((resolve) => setTimeout(() => resolve('unseen'), 5000)),
      ]);
      await vi.advanceTimersByTimeAsync(5000);
      expect(await outcome).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not read a worker that has not started yet as dead', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeLocks();
      let settled = false;
      void watchLock(fake.locks, 'L', new AbortController().signal, () => false).then(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(3000);
      expect(settled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
