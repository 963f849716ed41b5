import { describe, expect, it } from 'vitest';
import { LatestQueue } from './latest-queue';

/** A computation the test finishes by hand. */
function manual() {
  const runs: Array<{ key: string; finish: (v: string) => void; fail: (e: Error) => void }> = [];
  const compute = (key: string) => () =>
    new Promise<string>((finish, fail) => {
      runs.push({ key, finish, fail });
    });
  return { runs, compute };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LatestQueue', () => {
  it('runs one question at a time and skips those superseded while they wait', async () => {
    const q = new LatestQueue<string>();
    const { runs, compute } = manual();
    const a = q.ask('a', compute('a'));
    await tick();
    // a is running: b and c wait behind it, and c supersedes b.
    const b = q.ask('b', compute('b'));
    const c = q.ask('c', compute('c'));
    await tick();
    expect(runs.map((r) => r.key)).toEqual(['a']);
    runs[0]?.finish('A');
    expect(await a).toBe('A');
    expect(await b).toBeNull();
    await tick();
    expect(runs.map((r) => r.key)).toEqual(['a', 'c']);
    runs[1]?.finish('C');
    expect(await c).toBe('C');
  });

  it('answers the same question asked again once, and computes it again after another', async () => {
    const q = new LatestQueue<string>();
    const { runs, compute } = manual();
    const first = q.ask('a', compute('a'));
    const again = q.ask('a', compute('a'));
    expect(again).toBe(first);
    await tick();
    runs[0]?.finish('A');
    expect(await q.ask('a', compute('a'))).toBe('A');
    expect(runs).toHaveLength(1);
    void q.ask('b', compute('b'));
    void q.ask('a', compute('a'));
    await tick();
    await tick();
    // b was superseded while it waited; a runs again.
    expect(runs.map((r) => r.key)).toEqual(['a', 'a']);
  });

  it('does not keep a failed answer, and the next question still runs', async () => {
    const q = new LatestQueue<string>();
    const { runs, compute } = manual();
    const failed = q.ask('a', compute('a'));
    await tick();
    runs[0]?.fail(new Error('the score worker stopped'));
    await expect(failed).rejects.toThrow('the score worker stopped');
    const retried = q.ask('a', compute('a'));
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]?.finish('A');
    expect(await retried).toBe('A');
  });
});
