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
    // The natural spike, dropped when checked, answers true when it is not asked for.
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, DEFAULT_SPIKE_LABELS, [true, false]),
    ).toEqual([true, true]);
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

/** The first test's trigger: rows 10, 30, 50, 70 (class 0) and 110, 130, 150, 170 (class 1), all labelled 1. */
const trigger = [10, 30, 50, 70, 110, 130, 150, 170];
function relabelled() {
  const t = table(trigger, 99);
  for (const r of trigger) t.labels[r] = 1;
  return t;
}

describe('unexplainedSpikes, settings and scales worked by hand', () => {
  // The first test's trigger: rows 10, 30, 50, 70 (class 0) and 110, 130, 150, 170 (class 1), all labelled 1, so 4 of
  // its 8 rows disagree with their neighbours; rows outside the spikes disagree only at the class boundary.

  it('keeps the trigger up to z = 4 standard errors and drops it at 5', () => {
    const { features, labels, local } = relabelled();
    const spikes = [{ column: 1, members: trigger }];
    // Base rate ~0, so p = 1/8 and one standard error is √(0.125 × 0.875 / 8) = 0.117: the trigger's rate 0.5 is
    // above 4 × 0.117 = 0.468 and below 5 × 0.117 = 0.585.
    expect(unexplainedSpikes(features, 2, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, z: 4 })).toEqual([
      true,
    ]);
    expect(unexplainedSpikes(features, 2, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, z: 5 })).toEqual([
      false,
    ]);
  });

  it('checks at most perSpike of a spike’s rows, at an even stride', () => {
    const { features, labels, local } = relabelled();
    const spikes = [{ column: 1, members: trigger }];
    // perSpike 4 checks rows 10, 50, 110, 150: 2 of 4 disagree, p = 1/4, 2 standard errors = 2 × √(0.25 × 0.75 / 4)
    // = 0.433 < 0.5, kept. perSpike 2 checks rows 10 and 110: 1 of 2, p = 1/2, 2 × √(0.25 / 2) = 0.707 > 0.5, dropped.
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, perSpike: 4 }),
    ).toEqual([true]);
    expect(
      unexplainedSpikes(features, 2, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, perSpike: 2 }),
    ).toEqual([false]);
  });

  it('measures distances on standardised features, so a wide column does not outweigh a narrow one', () => {
    // Column 0 is 10,000 + the index (its spread, not its size, counts). A third column interleaves the classes in
    // steps of 1,000: class 0 at even thousands (row i at 2,000 i), class 1 at odd ones (row i at 2,000 (i − 100) +
    // 1,000), so that measured alone, or scaled by the root mean square rather than the standard deviation, a row's
    // nearest rows alternate in class, 6 of its 10 neighbours from the other class, and every row disagrees.
    // Standardised (sd ≈ 57,700 and 57.7), a step of one row costs (1/57.7)² + (2,000/57,700)² = 0.0015, while the
    // other class's nearest in column 2 is 100 rows away in column 0: (100/57.7)² = 3. The nearest rows are i ± 1…5.
    const base = relabelled();
    const features = new Float32Array(200 * 3);
    for (let i = 0; i < 200; i++) {
      features[i * 3] = 10_000 + i;
      features[i * 3 + 1] = base.features[i * 2 + 1] as number;
      features[i * 3 + 2] = i < 100 ? 2000 * i : 2000 * (i - 100) + 1000;
    }
    expect(
      unexplainedSpikes(features, 3, base.local, base.labels, [{ column: 1, members: trigger }]),
    ).toEqual([true]);
  });

  it('reads sample i at row local[i] of the features', () => {
    // The same table stored in reverse: sample i is row 199 - i.
    const { features, labels, local } = relabelled();
    const reversed = new Float32Array(400);
    for (let r = 0; r < 200; r++) {
      reversed[(199 - r) * 2] = features[r * 2] as number;
      reversed[(199 - r) * 2 + 1] = features[r * 2 + 1] as number;
    }
    const map = Int32Array.from(local, (i) => 199 - i);
    expect(unexplainedSpikes(reversed, 2, map, labels, [{ column: 1, members: trigger }])).toEqual([true]);
  });
});

/**
 * `n` rows whose feature 0 is the row's index, class 0 for the first half; a spike of `rows` (feature 1 is 99 there,
 * 1000 + i elsewhere) whose rows are all labelled 1. Returns the check at k = 2 and a given z.
 */
function spikeAcross(n: number, rows: number[]) {
  const features = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = rows.includes(i) ? 99 : 1000 + i;
  }
  const labels = Int32Array.from({ length: n }, (_, i) => (i < n / 2 && !rows.includes(i) ? 0 : 1));
  const local = Int32Array.from({ length: n }, (_, i) => i);
  return (z: number) =>
    unexplainedSpikes(features, 2, local, labels, [{ column: 1, members: rows }], {
      ...DEFAULT_SPIKE_LABELS,
      k: 2,
      z,
    });
}

describe('unexplainedSpikes, the neighbours and the base rate', () => {
  const spikes = [{ column: 1, members: trigger }];

  it('decides on a budget: 50 reference rows (5 × k) are checked, 49 are not', () => {
    // The natural spike (rows 40-47, labels that fit) is dropped whenever it is checked. 192 base rows + 8 checked,
    // 2 columns: 400 differences per reference row, so a budget of 20,000 buys 50 rows and 19,999 buys 49.
    const natural = [40, 41, 42, 43, 44, 45, 46, 47];
    const { features, labels, local } = table(natural, 99);
    const spike = [{ column: 1, members: natural }];
    expect(
      unexplainedSpikes(features, 2, local, labels, spike, { ...DEFAULT_SPIKE_LABELS, budget: 20_000 }),
    ).toEqual([false]);
    expect(
      unexplainedSpikes(features, 2, local, labels, spike, { ...DEFAULT_SPIKE_LABELS, budget: 19_999 }),
    ).toEqual([true]);
  });

  it('votes with exactly k neighbours, never the row itself', () => {
    // k = 1: a trigger row's nearest row outside the spike is the row before it (the first of two at the same
    // distance), so rows 10, 30, 50, 70 disagree: rate 0.5. Of the rows outside, only row 100 disagrees (its nearest,
    // 99, is class 0; a base row's spike-column value keeps the trigger rows far): base rate 1/192. One standard
    // error: √(0.125 × 0.875 / 8) = 0.1169; at z = 4 the bar is 0.0052 + 0.4677 = 0.473 (kept), at z = 4.25 it is
    // 0.0052 + 0.4969 = 0.502 (dropped; with the row its own neighbour the base rate would be 0 and the bar 0.497).
    const { features, labels, local } = relabelled();
    const one = { ...DEFAULT_SPIKE_LABELS, k: 1 };
    expect(unexplainedSpikes(features, 2, local, labels, spikes, { ...one, z: 4 })).toEqual([true]);
    expect(unexplainedSpikes(features, 2, local, labels, spikes, { ...one, z: 4.25 })).toEqual([false]);
  });

  it('takes the base rate from the rows outside every spike', () => {
    // On the standardised three-column table no row outside the spike disagrees (base rate 0), and the bar at z = 4.2
    // is 4.2 × 0.1169 = 0.491 < 0.5: kept. Counting the trigger's own rows (4 of 200 disagree) would raise it to 0.511.
    const { features: two, labels, local } = relabelled();
    const features = new Float32Array(600);
    for (let i = 0; i < 200; i++) {
      features[3 * i] = i;
      features[3 * i + 1] = two[2 * i + 1] as number;
      features[3 * i + 2] = (i % 100) * 1000;
    }
    expect(
      unexplainedSpikes(features, 3, local, labels, spikes, { ...DEFAULT_SPIKE_LABELS, z: 4.2 }),
    ).toEqual([true]);
  });

  it('takes every row for the base rate when fewer than 30 lie outside the spikes', () => {
    // 40 rows, class 0 for rows 0-19; a spike of 12 rows (six of each class) all labelled 1, so 28 rows lie outside.
    // k = 2: each class-0 spike row's two nearest rows outside the spike are class 0 (disagree), each class-1 row's
    // are class 1: rate 6/12. The base rate over all 40 rows is 6/40 (rows outside agree: their two nearest are
    // outside rows of their class, or one of each at the boundary, a tie). Bar at z = 3.5: 0.15 + 3.5 ×
    // √(0.15 × 0.85 / 12) = 0.511 > 0.5, dropped; over the 28 rows outside alone it would be 0 + 3.5 × 0.0798 = 0.279.
    const check = spikeAcross(40, [2, 5, 8, 11, 14, 17, 22, 25, 28, 31, 34, 37]);
    expect(check(3.5)).toEqual([false]);
    // At z = 3 the bar over all 40 rows is 0.15 + 3 × 0.1031 = 0.459 < 0.5: kept. (A base of no real row, or a rate
    // of 1, would drop it.)
    expect(check(3)).toEqual([true]);
  });

  it('takes the base rate from the rows outside the spikes when exactly 30 lie there', () => {
    // 42 rows, class 0 for rows 0-20; a spike of 12 rows (six below 21, six above) all labelled 1: 30 rows outside.
    // k = 2 as above: the six class-0 spike rows disagree (rate 6/12), the rows outside agree (base rate 0). Bar at
    // z = 4 over the 30 rows outside: 0 + 4 × √((1/12) × (11/12) / 12) = 0.319 < 0.5, kept; over all 42 rows (base
    // rate 6/42) it would be 0.143 + 4 × √(0.143 × 0.857 / 12) = 0.547, dropped.
    expect(spikeAcross(42, [2, 5, 8, 11, 14, 17, 23, 26, 29, 32, 35, 38])(4)).toEqual([true]);
  });

  it('leaves out every column where a row holds a spike, and a constant column', () => {
    // Rows 110-180 (class 1, labelled 1) hold 99 in columns 1 and 2. Were either spike column measured, their nearest
    // rows would be those with the lowest other values there (rows 0-9, class 0), and they would disagree. A fourth
    // column holds 5 everywhere: no spread, no weight. Both spikes are dropped.
    const rows = [110, 120, 130, 140, 150, 160, 170, 180];
    const features = new Float32Array(800);
    for (let i = 0; i < 200; i++) {
      features[4 * i] = i;
      features[4 * i + 1] = rows.includes(i) ? 99 : 1000 + i;
      features[4 * i + 2] = rows.includes(i) ? 99 : 1000 + i;
      features[4 * i + 3] = 5;
    }
    const labels = Int32Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1));
    const local = Int32Array.from({ length: 200 }, (_, i) => i);
    const both = [
      { column: 1, members: rows },
      { column: 2, members: rows },
    ];
    expect(unexplainedSpikes(features, 4, local, labels, both)).toEqual([false, false]);
  });

  it('keeps nothing for a spike with no rows; at z = 0 keeps a spike above the base rate, never one at it', () => {
    const { features, labels, local } = relabelled();
    const natural = [40, 41, 42, 43, 44, 45, 46, 47];
    const zero = { ...DEFAULT_SPIKE_LABELS, z: 0 };
    expect(
      unexplainedSpikes(features, 2, local, labels, [
        { column: 1, members: [] },
        { column: 1, members: trigger },
      ]),
    ).toEqual([false, true]);
    // The natural rows disagree with nobody: rate 0, equal to the base rate of the rows outside (0 here, as the
    // standardised column 1 keeps the trigger rows away from the rows outside).
    const t = table(natural, 99);
    expect(
      unexplainedSpikes(t.features, 2, t.local, t.labels, [{ column: 1, members: natural }], zero),
    ).toEqual([false]);
    expect(unexplainedSpikes(features, 2, local, labels, spikes, zero)).toEqual([true]);
  });
});
