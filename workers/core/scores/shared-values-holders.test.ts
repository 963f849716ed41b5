/**
 * The label check of a calibration kind's own spikes (shared-values.ts, checkSpikes): rows holding any spike, judged
 * already or not, stay out of the check's base rate.
 */
import { describe, expect, it } from 'vitest';
import { sharedValuesWithCanaries } from './shared-values';

/**
 * 190 analyst rows × 11 columns. Rows 0-159 lie on a line (column 0 = the row) in 10 groups of 16 consecutive rows,
 * labels cycling through 0, 1, 2, so that nearly all disagree with their nearest rows; group g holds 9 in column
 * g + 1 (a spike). Rows 160-189 lie apart (column 0 = 5000 + the row), labelled 0, alike. Then 8 canaries of one kind
 * among them, labelled 1, holding 11 in column 1 (a spike of their own). Every other cell is distinct.
 */
function table() {
  const rows = 190;
  const cols = 11;
  const n = rows + 8;
  const features = new Float32Array(n * cols);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < cols; j++) features[i * cols + j] = 10_000 * j + i;
    if (i < 160) {
      features[i * cols] = i;
      labels[i] = i % 3;
      features[i * cols + 1 + Math.floor(i / 16)] = 9;
    } else {
      features[i * cols] = 5000 + (i < rows ? i : 160 + 3 * (i - rows) + 1.5);
      labels[i] = i < rows ? 0 : 1;
      if (i >= rows) features[i * cols + 1] = 11;
    }
  }
  return { features, labels, cols, rows };
}

describe('the label check of a kind’s spikes', () => {
  it('takes its base rate from the rows holding no spike, the analyst spikes’ rows left out', () => {
    // The canaries' 8 rows among the 30 alike rows: all 8 disagree with their nearest rows, none of the 30 does (base
    // rate 0): kept, each canary scores ln 8 (8 rows among values held once). Counted in the base, the line's rows
    // (nearly all disagree: their nearest are their group's, two labels in three other than theirs) would raise it
    // to about 0.8, past what the canaries' 8 of 8 clear.
    const t = table();
    const scores = sharedValuesWithCanaries(t.features, t.cols, t.rows, new Uint8Array(8), t.labels);
    for (let j = 0; j < 8; j++) expect(scores[t.rows + j]).toBeCloseTo(Math.log(8), 5);
  });
});
