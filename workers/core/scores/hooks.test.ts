/** checkpoint(): the yield between a scoring step's chunks, and the cancel it turns into ScoringCancelledError. */
import { describe, expect, it } from 'vitest';
import { checkpoint, ScoringCancelledError } from './hooks';

describe('checkpoint', () => {
  it('awaits the given yield, then throws ScoringCancelledError once the job is cancelled', async () => {
    const order: string[] = [];
    let cancelled = false;
    const hooks = {
      between: async () => {
        order.push('yield');
      },
      cancelled: () => {
        order.push('check');
        return cancelled;
      },
    };
    await checkpoint(hooks);
    cancelled = true;
    const error = await checkpoint(hooks).catch((e: unknown) => e);
    expect(order).toEqual(['yield', 'check', 'yield', 'check']);
    expect(error).toBeInstanceOf(ScoringCancelledError);
    expect((error as Error).name).toBe('ScoringCancelledError');
    expect((error as Error).message).toBe('Scoring was cancelled.');
  });

  it('passes when there is no cancel check, yielding a macrotask by default', async () => {
    const seen: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      seen.push('message');
      port1.close();
    };
    port2.postMessage(null);
    await expect(checkpoint(undefined)).resolves.toBeUndefined();
    expect(seen).toEqual(['message']);
    await expect(checkpoint({ between: async () => {} })).resolves.toBeUndefined();
  });
});
