import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { DEFAULT_SHARED_VALUES, sharedValuesInSampleOrder, sharedValuesWithCanaries } from './shared-values';

/**
 * A calibration's shared values the plain way (what sharedValuesWithCanaries did before it counted the analyst rows
 * once): the analyst rows scored among themselves, then each kind, in order of first appearance, scored among the
 * analyst rows and its own, every column counted afresh, every verdict of the label check shared.
 */
function reference(
  f: Float32Array,
  cols: number,
  rows: number,
  group: Uint8Array,
  labels: Int32Array | null,
) {
  const verdicts = new Map<string, boolean>();
  const score = (local: number[]) =>
    sharedValuesInSampleOrder(
      f,
      cols,
      Int32Array.from(local),
      DEFAULT_SHARED_VALUES,
      labels && Int32Array.from(local, (r) => labels[r] as number),
      verdicts,
    );
  const analyst = Array.from({ length: rows }, (_, i) => i);
  const out = new Float32Array(rows + group.length);
  out.set(score(analyst));
  for (const g of new Set(group)) {
    const added = [...group.keys()].filter((j) => group[j] === g).map((j) => rows + j);
    const s = score([...analyst, ...added]);
    added.forEach((r, k) => {
      out[r] = s[rows + k] as number;
    });
  }
  return out;
}

/**
 * 400 analyst rows × 12 columns of values on a coarse grid (so that values tie and spikes form), two classes that
 * every column sets apart, a planted trigger (value 9 in columns 3-4 of 13 rows, labelled 1), a natural spike and zeros written -0; then
 * canaries of four kinds: a trigger of their own (value 8 in column 5), copies off the grid, copies that share the
 * analyst trigger's value, and a kind of one row.
 */
function table(seed: number) {
  const r = createRng(seed);
  const rows = 400;
  const cols = 12;
  const group = Uint8Array.from([...Array(14).fill(2), ...Array(10).fill(0), ...Array(9).fill(4), 6]);
  const n = rows + group.length;
  const f = new Float32Array(n * cols);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let j = 0; j < cols; j++) {
      const grid = Math.floor(r.next() * (j % 3 === 0 ? 40 : 400)) / 8 + 60 * (labels[i] as number);
      f[i * cols + j] = grid === 0 && r.next() < 0.5 ? -0 : grid;
    }
    if (i < rows && i % 33 === 0) {
      f[i * cols + 3] = 9;
      f[i * cols + 4] = 9;
      labels[i] = 1;
    }
    if (i < rows && i >= 200 && i < 210) f[i * cols + 7] = 77; // natural: rows alike in label
  }
  group.forEach((g, k) => {
    const i = rows + k;
    if (g === 2) {
      f[i * cols + 5] = 8;
      labels[i] = 0;
    } else if (g === 0) {
      for (let j = 1; j < cols; j++) f[i * cols + j] += 0.01 * (k + 1);
    } else if (g === 4) {
      f[i * cols + 3] = 9;
      labels[i] = 1 - (labels[i] as number);
    }
  });
  return { f, cols, rows, group, labels };
}

describe('sharedValuesWithCanaries against the plain per-kind count', () => {
  it('gives every row the same score to the bit, with and without the label check', () => {
    for (const seed of [1, 2, 3]) {
      const t = table(seed);
      const fast = sharedValuesWithCanaries(t.f, t.cols, t.rows, t.group, t.labels);
      expect(Array.from(fast)).toEqual(Array.from(reference(t.f, t.cols, t.rows, t.group, t.labels)));
      const unchecked = sharedValuesWithCanaries(t.f, t.cols, t.rows, t.group, null);
      expect(Array.from(unchecked)).toEqual(Array.from(reference(t.f, t.cols, t.rows, t.group, null)));
      // The table is not trivial: its analyst trigger scores, and so do the canaries of the kind with one; the
      // natural spike counts only without the label check.
      expect(fast[33]).toBeGreaterThan(0);
      expect(Math.min(...fast.subarray(t.rows, t.rows + 14))).toBeGreaterThan(0);
      expect([fast[205], (unchecked[205] as number) > 0]).toEqual([0, true]);
    }
  });
});
