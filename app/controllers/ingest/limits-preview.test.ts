import { afterEach, describe, expect, it, vi } from 'vitest';
import { DebouncedPreview } from './limits-preview';

afterEach(() => {
  vi.useRealTimers();
});

/** A run whose answers the test releases by hand, in any order. */
function manualRun() {
  const calls: { input: number; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const run = (input: number) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ input, resolve, reject });
    });
  /** The i-th call the preview made (fails the test when it made fewer). */
  const call = (i: number) => {
    const c = calls[i];
    if (!c) throw new Error(`the preview made ${calls.length} call(s), not ${i + 1}`);
    return c;
  };
  return { calls, call, run };
}

describe('DebouncedPreview', () => {
  it('runs once for a burst of requests, with the last input', async () => {
    vi.useFakeTimers();
    const { calls, call, run } = manualRun();
    const applied: [string, number][] = [];
    const p = new DebouncedPreview(
      300,
      run,
      (out, input) => applied.push([out, input]),
      () => undefined,
    );
    p.request(5);
    await vi.advanceTimersByTimeAsync(100);
    p.request(50);
    await vi.advanceTimersByTimeAsync(100);
    p.request(500);
    await vi.advanceTimersByTimeAsync(299);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.input)).toEqual([500]);
    call(0).resolve('ok 500');
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual([['ok 500', 500]]);
  });

  it('drops the answer to superseded input, even when it arrives last', async () => {
    vi.useFakeTimers();
    const { calls, call, run } = manualRun();
    const applied: string[] = [];
    const failed: number[] = [];
    const p = new DebouncedPreview(
      10,
      run,
      (out) => applied.push(out),
      (_e, input) => failed.push(input),
    );
    p.request(1);
    await vi.advanceTimersByTimeAsync(10);
    p.request(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.map((c) => c.input)).toEqual([1, 2]);
    call(1).resolve('two');
    call(0).resolve('one');
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual(['two']);
    p.request(3);
    await vi.advanceTimersByTimeAsync(10);
    call(2).reject(new Error('worker gone'));
    await vi.advanceTimersByTimeAsync(0);
    expect(failed).toEqual([3]);
  });

  it('cancel drops a pending request and an answer on its way', async () => {
    vi.useFakeTimers();
    const { calls, call, run } = manualRun();
    const applied: string[] = [];
    const p = new DebouncedPreview(
      10,
      run,
      (out) => applied.push(out),
      () => undefined,
    );
    p.request(1);
    p.cancel();
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toHaveLength(0);
    p.request(2);
    await vi.advanceTimersByTimeAsync(10);
    p.cancel();
    call(0).resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual([]);
  });
});
