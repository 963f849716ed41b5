/**
 * A fresh row's partner on a table where the nearest classmate by difference is not the one by sum, and confused
 * class pairs against a plain Float64 reference written from their description (issue 16, from the
 * survivors of the sixth mutation round): features standardised by the mean and population std (a constant feature
 * by 1), class centroids, and for each directed pair (a, b) the mean over a's rows of d(own centroid) /
 * (d(b's centroid) + 1e-9); listed by that mean, largest first, ties by `from` then `to`. Tables are chosen so that
 * the raw features, or sums in place of means, would list the pairs in another order; and, above 20,000 rows, so
 * that which rows are read shows.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type CanarySource, canaryContext, confusedPairs, freshRow } from './context';

/** One feature per entry of `columns` (its value for each row), float32 as the table stores them. */
function table(columns: number[][], labels: number[], classCount: number): CanarySource {
  const f = columns.length;
  const features = Float32Array.from(
    { length: labels.length * f },
    (_, k) => columns[k % f]?.[Math.floor(k / f)] ?? 0,
  );
  return { features, featureCount: f, labels: Int32Array.from(labels), classCount };
}

type Pair = { from: number; to: number; v: number };

/** The pairs by the description; `standardise` and `mean` off give the raw features and the sums. */
function reference(src: CanarySource, standardise = true, mean = true): Pair[] {
  const { features, featureCount: f, labels, classCount: c } = src;
  const n = labels.length;
  const x = (i: number, j: number) => features[i * f + j] as number;
  const mu: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < f; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x(i, j);
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x(i, j) - m) ** 2;
    mu.push(m);
    scale.push(Math.sqrt(v / n) > 1e-12 ? Math.sqrt(v / n) : 1);
  }
  const z = (i: number, j: number) =>
    standardise ? (x(i, j) - (mu[j] as number)) / (scale[j] as number) : x(i, j);
  const count = new Array<number>(c).fill(0);
  const centre = Array.from({ length: c }, () => new Array<number>(f).fill(0));
  labels.forEach((y, i) => {
    count[y] = (count[y] as number) + 1;
    for (let j = 0; j < f; j++) (centre[y] as number[])[j] = ((centre[y] as number[])[j] as number) + z(i, j);
  });
  centre.forEach((row, k) => {
    for (let j = 0; j < f; j++) row[j] = (row[j] as number) / Math.max(1, count[k] as number);
  });
  const close = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  labels.forEach((y, i) => {
    const d = centre.map((row) => Math.sqrt(row.reduce((s, v, j) => s + (z(i, j) - v) ** 2, 0)));
    for (let k = 0; k < c; k++) {
      if (k !== y && (count[k] as number) > 0) {
        (close[y] as number[])[k] =
          ((close[y] as number[])[k] as number) + (d[y] as number) / ((d[k] as number) + 1e-9);
      }
    }
  });
  const pairs: Pair[] = [];
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      if (a === b || count[a] === 0 || count[b] === 0) continue;
      const sum = (close[a] as number[])[b] as number;
      pairs.push({ from: a, to: b, v: mean ? sum / (count[a] as number) : sum });
    }
  }
  return pairs.sort((p, q) => q.v - p.v || p.from - q.from || p.to - q.to);
}

const order = (pairs: ReadonlyArray<{ from: number; to: number }>) => pairs.map((p) => `${p.from}→${p.to}`);

describe('confused pairs, by the reference', () => {
  it('on standardised features, by the mean over rows, a constant feature at scale 1 and an empty class left out', () => {
    // Feature 0 spreads over hundreds, feature 1 over units, feature 2 is 7 everywhere. Classes of 5, 2 and 3 rows,
    // class 3 empty.
    const src = table(
      [
        [0, 40, 80, 120, 160, 300, 420, 200, 260, 330],
        [0, 1, 0.5, 2, 1.5, 3, 2.5, 0, 4, 1],
        [7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
      ],
      [0, 0, 0, 0, 0, 1, 1, 2, 2, 2],
      4,
    );
    const want = reference(src);
    expect(order(confusedPairs(canaryContext(src, null, 1), 1))).toEqual(order(want));
    // No two means within 0.05 of each other, so the order is no accident of rounding.
    for (let i = 1; i < want.length; i++) {
      expect((want[i - 1] as Pair).v - (want[i] as Pair).v).toBeGreaterThan(0.05);
    }
    // The raw features and the sums over rows would order the pairs otherwise.
    expect(order(reference(src, false))).not.toEqual(order(want));
    expect(order(reference(src, true, false))).not.toEqual(order(want));
  });

  it('list first a pair whose other centroid a row sits on: d(other) + 1e-9 keeps its ratio large and positive', () => {
    // Class 1 is 4 and 6 (centroid 5); class 0 holds a row at 5, 13.3 from its own centroid (18.3): its ratio is
    // 13.3 / 1e-9, so 0→1 comes first by far. (Were 1e-9 taken away, the ratio would be hugely negative, and last.)
    const src = table([[5, 20, 30, 4, 6, 40, 44]], [0, 0, 0, 1, 1, 2, 2], 3);
    const got = order(confusedPairs(canaryContext(src, null, 1), 1));
    expect(got[0]).toBe('0→1');
    expect(got).toEqual(order(reference(src)));
  });
});

describe('a fresh row’s partner', () => {
  it('is the classmate nearest by the difference of standardised values, a constant feature at scale 1', () => {
    // Class 0 holds 0, 20 and 30 (feature 1 is 5 everywhere). Nearest by difference: 0 → 20, 20 → 30, 30 → 20; a
    // sum in place of the difference would pair 20 and 30 with 0, and the farthest would pair 0 with 30. A fresh row
    // is base + λ (partner − base), λ in [0.15, 0.35]: from 0 within [3, 7], from 20 within [21.5, 23.5], from 30
    // within [26.5, 28.5].
    const ctx = canaryContext(
      table(
        [
          [0, 20, 30],
          [5, 5, 5],
        ],
        [0, 0, 0],
        1,
      ),
      null,
      1,
    );
    const within: Record<number, [number, number]> = { 0: [3, 7], 1: [21.5, 23.5], 2: [26.5, 28.5] };
    const out = new Float32Array(2);
    const bases = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      const base = freshRow(ctx, 0, createRng(seed), out);
      bases.add(base);
      const [lo, hi] = within[base] as [number, number];
      expect(out[0]).toBeGreaterThanOrEqual(lo - 1e-4);
      expect(out[0]).toBeLessThanOrEqual(hi + 1e-4);
      expect(out[1]).toBe(5);
    }
    expect(bases).toEqual(new Set([0, 1, 2]));
  });
});

describe('confused pairs above and at 20,000 rows', () => {
  const hand = ['1→0', '2→1', '2→0', '1→2', '0→1', '0→2'];

  it('read a sample of 20,000 rows spread over the whole table, not its first 20,000', () => {
    // 24,000 rows: the first 20,000 alternate classes 0 (−1, 1) and 1 (7, 13), the last 4,000 are class 2 (25, 35);
    // centroids 0, 10, 30 on the one standardised feature (ratios of distances do not change with its scale).
    // Means of d(own) / d(other) over each class's two kinds of rows, in equal shares:
    //   1→0 (3/7 + 3/13) / 2 = 0.330; 2→1 (5/15 + 5/25) / 2 = 0.267; 2→0 (5/25 + 5/35) / 2 = 0.171;
    //   1→2 (3/23 + 3/17) / 2 = 0.153; 0→1 (1/11 + 1/9) / 2 = 0.101; 0→2 (1/31 + 1/29) / 2 = 0.033.
    // The closest two are 0.018 apart; a sample of 20,000 moves a mean by about 0.001.
    const n = 24_000;
    const labels = Array.from({ length: n }, (_, i) => (i < 20_000 ? i % 2 : 2));
    const levels = [
      [-1, 1],
      [7, 13],
      [25, 35],
    ];
    const values = labels.map((y, i) => (levels[y] as number[])[Math.floor(i / 2) % 2] as number);
    const src = table([values], labels, 3);
    expect(order(reference(src))).toEqual(hand);
    expect(order(confusedPairs(canaryContext(src, null, 1), 1))).toEqual(hand);
  });

  it('read every row at exactly 20,000, so equal means stay tied and ordered by class', () => {
    // Class 0 at 0 (4,000 rows), class 1 at −13 and −7, class 2 at 13 and 7, each mirroring the other row for row:
    // 1→0 and 2→0 are equal ((3/13 + 3/7) / 2 = 0.330), as are 1→2 and 2→1 ((3/23 + 3/17) / 2 = 0.153), and 0→1,
    // 0→2 are 0 (class 0 sits on its centroid). Ties go by `from`, then `to`.
    const kinds = [
      [1, -13],
      [2, 13],
      [1, -7],
      [2, 7],
      [0, 0],
    ];
    const rows = Array.from({ length: 20_000 }, (_, i) => kinds[i % 5] as number[]);
    const src = table(
      [rows.map((r) => r[1] as number)],
      rows.map((r) => r[0] as number),
      3,
    );
    expect(order(confusedPairs(canaryContext(src, null, 1), 1))).toEqual([
      '1→0',
      '2→0',
      '1→2',
      '2→1',
      '0→1',
      '0→2',
    ]);
  });
});
