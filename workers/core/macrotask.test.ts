/**
 * macrotask(): one turn of the event loop through a MessageChannel (not a clamped setTimeout), and setTimeout(0)
 * where a runtime has no MessageChannel. Fake timers tell the two apart: a MessageChannel turn needs no timer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { macrotask } from './macrotask';

/** n real event-loop turns through a MessageChannel, which fake timers leave alone. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    });
  }
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('macrotask', () => {
  it('resolves through a MessageChannel, with no timer', async () => {
    vi.useFakeTimers();
    let done = false;
    void macrotask().then(() => {
      done = true;
    });
    await turns(3);
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a message posted before it be handled first', async () => {
    const seen: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      seen.push('cancel');
      port1.close();
    };
    port2.postMessage(null);
    await macrotask();
    seen.push('after the turn');
    expect(seen).toEqual(['cancel', 'after the turn']);
  });

  it('falls back to a zero-delay timer where there is no MessageChannel', async () => {
    const real = MessageChannel;
    vi.stubGlobal('MessageChannel', undefined);
    vi.useFakeTimers();
    let done = false;
    void macrotask().then(() => {
      done = true;
    });
    expect(vi.getTimerCount()).toBe(1);
    vi.stubGlobal('MessageChannel', real);
    await turns(2);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });
});
