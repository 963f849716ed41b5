/**
 * The check budget of shared values' label check (shared-values.ts, checkSpikes) on tables of 1,000 columns, the
 * width at which it decides (issue 16, twenty-fourth round: its survivors applied by hand). The check affords
 * min(1000, ⌊1e8 / (searches × columns)⌋) reference rows and is made only with at least 5k = 50 of them; a spike
 * asked about needs min(its rows, 100) searches, and the check itself adds its base rows (the rows holding no spike,
 * up to 300). Every label is 0, so every spike the check makes is explained (its rows disagree with their
 * neighbours no more than the base rows, never) and dropped; a spike not checked is kept.
 */
import { describe, expect, it } from 'vitest';
import { spikeIndex } from './shared-values';

const COLS = 1000;

/**
 * Spike s (of sizes[s] rows, consecutive) holds −1 in column s + 1; then `free` rows holding no spike. Every other
 * cell is 10,000 × column + row, distinct in its column.
 */
function table(sizes: readonly number[], free: number) {
  const spikeRows = sizes.reduce((a, b) => a + b, 0);
  const n = spikeRows + free;
  const features = new Float32Array(n * COLS);
  for (let i = 0; i < n; i++) for (let j = 0; j < COLS; j++) features[i * COLS + j] = 10_000 * j + i;
  let row = 0;
  sizes.forEach((size, s) => {
    for (let r = 0; r < size; r++, row++) features[row * COLS + s + 1] = -1;
  });
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  return { features, rows, labels: new Int32Array(n) };
}

/** The spikes left per column, as [column, value, rows]. */
function spikesLeft(index: ReturnType<typeof spikeIndex>): [number, number, number][] {
  return index.flatMap((m) =>
    [...m.values()].map((s): [number, number, number] => [s.column, s.value, s.rows]),
  );
}

describe('the label check’s budget', () => {
  it('counts a spike of 20 rows as 20 searches, not 100', () => {
    // 25 spikes of 20 rows and 100 free rows: 500 searches, 500 × 1000 → 200 reference rows (with the 100 base
    // rows, 166): checked, and all dropped. Counted as 100 searches each (2,500), 40 rows: none checked, all kept.
    const t = table(Array(25).fill(20), 100);
    const unlabelled = spikesLeft(spikeIndex(t.features, COLS, t.rows));
    expect(unlabelled).toEqual(Array.from({ length: 25 }, (_, s) => [s + 1, -1, 20]));
    expect(spikesLeft(spikeIndex(t.features, COLS, t.rows, undefined, t.labels))).toEqual([]);
  });

  it('checks at exactly 50 reference rows', () => {
    // 19 spikes of 100 rows and one of 65, 30 free rows: 1,965 searches, ⌊1e8 / 1,965,000⌋ = 50 reference rows;
    // with the 30 base rows ⌊1e8 / 1,995,000⌋ = 50: checked, and all dropped.
    const t = table([...Array(19).fill(100), 65], 30);
    expect(spikesLeft(spikeIndex(t.features, COLS, t.rows)).length).toBe(20);
    expect(spikesLeft(spikeIndex(t.features, COLS, t.rows, undefined, t.labels))).toEqual([]);
  });

  it('keeps every spike unchecked past the budget', () => {
    // 21 spikes of 100 rows and 30 free rows: 2,100 searches, ⌊1e8 / 2,100,000⌋ = 47 reference rows, under 50: no
    // check, every spike kept though every label agrees.
    const t = table(Array(21).fill(100), 30);
    expect(spikesLeft(spikeIndex(t.features, COLS, t.rows, undefined, t.labels))).toEqual(
      Array.from({ length: 21 }, (_, s) => [s + 1, -1, 100]),
    );
  });
});
