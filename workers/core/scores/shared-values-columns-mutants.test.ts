/**
 * The label check's distances leave out only the columns a searched sample holds a spike in (shared-values.ts,
 * checkSpikes' `columnsOf`; issue 16, twenty-fourth round: the survivor listing every spike column, applied by hand).
 */
import { describe, expect, it } from 'vitest';
import { spikeIndex } from './shared-values';

/**
 * 240 rows × 3 columns. Column 0 is a position: rows 0-109 spread over (−20, 0), labelled 0; rows 110-219 over
 * (0, 20), labelled 1. Columns 1 and 2 hold y, about 0 for the first group and about 100 for the second. Spike B:
 * rows 0-19 hold −1 in column 2. Spike A: rows 220-239, labelled 1, at positions 2 to 9.6 (among the second group)
 * but with y about 0.5 in column 2 (the first group's), and 9 in column 1.
 */
function table() {
  const n = 240;
  const cols = 3;
  const features = new Float32Array(n * cols);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let x: number;
    let y: number;
    if (i < 110) {
      x = -20 + (20 * (i + 0.5)) / 110;
      y = 0.01 * i;
    } else if (i < 220) {
      x = (20 * (i - 110 + 0.5)) / 110;
      y = 100 + 0.01 * (i - 110);
      labels[i] = 1;
    } else {
      x = 2 + 0.4 * (i - 220);
      y = 0.505 + 0.01 * (i - 220);
      labels[i] = 1;
    }
    features[i * cols] = x;
    features[i * cols + 1] = i >= 220 ? 9 : y;
    features[i * cols + 2] = i < 20 ? -1 : y;
  }
  return { features, labels, cols, rows: Int32Array.from({ length: n }, (_, i) => i) };
}

describe('the label check’s distances', () => {
  it('leave out the columns a sample holds a spike in, and only those', () => {
    // The base rows (no spike) compare all three columns: their nearest rows are their own group's, no label
    // disagrees (base rate 0). Spike A's rows compare columns 0 and 2 (not 1, where they hold A): column 2 puts them
    // with the first group (y about 0.5 against about 100), the nearest of which lie just below position 0, labelled
    // 0: all 20 disagree, past the base rate: A is kept. Spike B's rows compare columns 0 and 1: their own group,
    // none disagrees: B is dropped. Leaving out every spike column (1 and 2) from A's rows would leave position
    // alone, which puts them among the second group (label 1, theirs): A would be dropped too.
    const t = table();
    const spikes = (index: ReturnType<typeof spikeIndex>) =>
      index.flatMap((m) => [...m.values()].map((s) => [s.column, s.value, s.rows]));
    expect(spikes(spikeIndex(t.features, t.cols, t.rows))).toEqual([
      [1, 9, 20],
      [2, -1, 20],
    ]);
    expect(spikes(spikeIndex(t.features, t.cols, t.rows, undefined, t.labels))).toEqual([[1, 9, 20]]);
  });
});
