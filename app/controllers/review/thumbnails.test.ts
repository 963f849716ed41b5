import { describe, expect, it } from 'vitest';
import { ThumbnailCache } from './thumbnails';

/** A fetch that answers row r with two values [r, r + 100] and records each call's rows. */
function recording() {
  const calls: number[][] = [];
  const fetch = async (rows: Int32Array) => {
    calls.push(Array.from(rows));
    return Uint8Array.from(Array.from(rows).flatMap((r) => [r, r + 100]));
  };
  return { calls, fetch };
}

describe('ThumbnailCache', () => {
  it('asks once for every row wanted in one turn, and answers each row with its own pixels', async () => {
    const { calls, fetch } = recording();
    const cache = new ThumbnailCache(fetch, 2);
    const got = await Promise.all([cache.get(5), cache.get(9), cache.get(5), cache.get(1)]);
    expect(calls).toEqual([[5, 9, 1]]);
    expect(got.map((p) => Array.from(p ?? []))).toEqual([
      [5, 105],
      [9, 109],
      [5, 105],
      [1, 101],
    ]);
    // Cached: no second request.
    expect(Array.from((await cache.get(9)) ?? [])).toEqual([9, 109]);
    expect(calls).toHaveLength(1);
  });

  it('keeps at most `capacity` rows, dropping the least recently used', async () => {
    const { calls, fetch } = recording();
    const cache = new ThumbnailCache(fetch, 2, 2);
    await Promise.all([cache.get(1), cache.get(2)]);
    await cache.get(1); // 1 is now the most recent
    await cache.get(3); // evicts 2
    await cache.get(1);
    await cache.get(2);
    expect(calls).toEqual([[1, 2], [3], [2]]);
  });

  it('answers null when the dataset has no images or the request fails, caching nothing', async () => {
    let fail = true;
    const cache = new ThumbnailCache(async () => {
      if (fail) throw new Error('worker died');
      return null;
    }, 4);
    expect(await cache.get(0)).toBeNull();
    fail = false;
    expect(await cache.get(0)).toBeNull();
  });
});
