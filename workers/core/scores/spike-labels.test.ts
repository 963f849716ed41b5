import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_LABELS, unexplainedSpikes } from './spike-labels';

/**
 * 200 rows, class 0 for rows 0-99 and class 1 for rows 100-199; feature 0 is the row's index, so a row's nearest
 * rows hold its class. Feature 1 is where spikes sit (its other values rise with the row as well).
 */
function table(spikeRows: readonly number[], value: number) {
  const n = 200;
  const features = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    features[i * 2] = i;
    features[i * 2 + 1] = spikeRows.includes(i) ? value : 1000 + i;
  }
  const labels = Int32Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 1));
  return { features, labels, local: Int32Array.from({ length: n }, (_, i) => i) };
}

describe('unexplainedSpikes', () => {
  it('keeps a spike whose rows are labelled against their neighbours, and drops one whose labels fit', () => {
    // The trigger: rows of both classes, every one labelled 1; the four from class 0's stretch disagree with their
    // neighbours (4 of 8, where rows outside the spikes disagree only at the class boundary).
    const trigger = [10, 30, 50, 70, 110, 130, 150, 170];
    // The natural spike: eight class-0 rows amid class 0, labelled 0.
    const natural = [40, 41, 42, 43, 44, 45, 46, 47];
    const { features, labels, local } = table([...trigger, ...natural], 99);
    for (const r of trigger) labels[r] = 1;
    const keep = unexplainedSpikes(features, 2, local, labels, [
      { column: 1, members: trigger },
      { column: 1, members: natural },
    ]);
    expect(keep).toEqual([true, false]);
  });

  it('drops a trigger-shaped spike whose rows all come from the target class', () => {
    // Eight class-1 rows labelled 1: nothing for the labels to disagree with.
    const rows = [110, 120, 130, 140, 150, 160, 170, 180];
    const { features, labels, local } = table(rows, 99);
    expect(unexplainedSpikes(features, 2, local, labels, [{ column: 1, members: rows }])).toEqual([false]);
  });

  it('checks only the spikes asked for, the others answering true', () => {
    const trigger = [10, 30, 50, 70, 110, 130, 150, 170];
    const natural = [40, 41, 42, 43, 44, 45, 46, 47];
    const { features, labels, local } = table([...trigger, ...natural], 99);
    for (const r of trigger) labels[r] = 1;
    const spikes = [
      { column: 1, members: trigger },
      { column: 1, members: natural },
    ];
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, DEFAULT_SPIKE_LABELS, [false, true]),
    ).toEqual([true, false]);
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, DEFAULT_SPIKE_LABELS, [false, false]),
    ).toEqual([true, true]);
  });

  it('keeps every spike, unchecked, when the check would cost more than its budget', () => {
    const natural = [40, 41, 42, 43, 44, 45, 46, 47];
    const { features, labels, local } = table(natural, 99);
    const spikes = [{ column: 1, members: natural }];
    expect(unexplainedSpikes(features, 2, local, labels, spikes)).toEqual([false]);
    // 192 base rows (those outside the spike) + 8 checked, 2 columns: a budget of 15,000 allows 37 reference rows,
    // under 5 × k = 50.
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, budget: 15_000 }),
    ).toEqual([true]);
  });
});
