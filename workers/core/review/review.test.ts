import { describe, expect, it } from 'vitest';
import { histogram, pointInPolygon, pointsInPolygon, topQuantileThreshold } from './geometry';
import { pca2d } from './pca';
import { DEFAULT_QUERY, queryRows, type ReviewColumns } from './table';

describe('pca2d', () => {
  it('finds the axis of largest spread first, then the next, orthogonal one', () => {
    // Points spread along (1,1,0) by ±10 and along (0,0,1) by ±1.
    const pts: number[] = [];
    for (let i = -5; i <= 5; i++) for (const z of [-1, 1]) pts.push(i * 2, i * 2, z);
    const xy = pca2d(Float32Array.from(pts), pts.length / 3, 3);
    const n = pts.length / 3;
    let varX = 0;
    let varY = 0;
    for (let i = 0; i < n; i++) {
      varX += (xy[2 * i] as number) ** 2 / n;
      varY += (xy[2 * i + 1] as number) ** 2 / n;
    }
    expect(varX).toBeCloseTo(80, 3); // projection 2i·√2 on (1,1)/√2: mean(8i²) = 80
    expect(varY).toBeCloseTo(1, 5);
    expect(Math.abs(xy[1] as number)).toBeCloseTo(1, 5);
  });
});

describe('geometry', () => {
  const square = [0, 0, 2, 0, 2, 2, 0, 2];
  it('point in polygon (even-odd), concave shapes included', () => {
    expect(pointInPolygon(1, 1, square)).toBe(true);
    expect(pointInPolygon(3, 1, square)).toBe(false);
    const u = [0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3];
    expect(pointInPolygon(1.5, 2, u)).toBe(false);
    expect(pointInPolygon(0.5, 2, u)).toBe(true);
    expect([...pointsInPolygon(Float32Array.from([1, 1, 5, 5, 0.5, 1.5]), square)]).toEqual([0, 2]);
  });
  it('histogram counts finite values, last bin closed; threshold is the top-q cut', () => {
    const h = histogram([0, 1, 2, 3, 4, Number.NaN], 4);
    expect([...h.counts]).toEqual([1, 1, 1, 2]);
    expect(h.nonFinite).toBe(1);
    const values = Array.from({ length: 100 }, (_, i) => i);
    expect(topQuantileThreshold(values, 0.05)).toBe(94);
    expect(values.filter((v) => v >= 95).length).toBe(5);
  });

  // Issue 16 (mutation testing).
  it('the lasso keeps the points inside a concave or slanted shape, not all of its bounding box', () => {
    // The U of the test above: the 3 × 3 square less the notch (1, 2) × (1, 3).
    const u = [0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3];
    const pts = [
      0.5, 0.5, 1.5, 0.5, 2.5, 2.5, 1.5, 2, 1.5, 1.5, 0.5, 2.5, 3.5, 1, -0.5, 1, 1.5, -0.5, 1.5, 3.5,
    ];
    expect([...pointsInPolygon(Float32Array.from(pts), u)]).toEqual([0, 1, 2, 5]);
    // The triangle (0,0), (4,0), (0,4): inside where x + y < 4, on either side of the slanted edge by 0.1.
    const triangle = [0, 0, 4, 0, 0, 4];
    const near = [1, 1, 1.9, 2, 2.1, 2, 3, 0.5, 0.5, 3.6, 3.9, 0.2];
    expect([...pointsInPolygon(Float32Array.from(near), triangle)]).toEqual([0, 1, 3]);
    // The same triangle given clockwise, and from another corner: the edge back to the first corner counts too.
    expect([...pointsInPolygon(Float32Array.from(near), [4, 0, 0, 0, 0, 4])]).toEqual([0, 1, 3]);
    expect([...pointsInPolygon(Float32Array.from(near), [0, 4, 0, 0, 4, 0])]).toEqual([0, 1, 3]);
  });

  it('histogram bins from the smallest to the largest finite value, infinities left out', () => {
    // [2, 10] in 4 bins of width 2: 2 in the first, 10 in the last (closed); 3 in the first too.
    expect(histogram([10, 3, 2, Infinity, -Infinity], 4)).toEqual({
      min: 2,
      max: 10,
      counts: Int32Array.from([2, 0, 0, 1]),
      nonFinite: 2,
    });
    // One distinct value: all in the first bin; none finite: 0 to 0.
    expect(histogram([5, 5], 2)).toEqual({ min: 5, max: 5, counts: Int32Array.from([2, 0]), nonFinite: 0 });
    expect(histogram([Number.NaN], 2)).toEqual({ min: 0, max: 0, counts: new Int32Array(2), nonFinite: 1 });
  });

  it('the top-q threshold sorts numbers as numbers and leaves out what is not finite', () => {
    // Sorted: 2, 9, 10, 100 (as text 10, 100, 2, 9); q = 0.5 cuts at index ⌈4 × 0.5⌉ − 1 = 1: 9.
    expect(topQuantileThreshold([100, 10, Number.NaN, 2, 9, Infinity], 0.5)).toBe(9);
    expect(topQuantileThreshold([Number.NaN], 0.1)).toBeNaN();
  });
});

describe('queryRows', () => {
  const cols: ReviewColumns = {
    rows: 5,
    ids: ['a-1', 'b-2', 'a-3', 'c-4', 'a-5'],
    labels: Int32Array.from([0, 1, 0, 1, 2]),
    suggested: Int32Array.from([-1, 0, -1, -1, -1]),
    suspicion: Float32Array.from([0.2, 0.9, Number.NaN, 0.5, 0.9]),
    flagBits: Uint8Array.from([0, 1, 2, 1, 3]),
    labelIssue: Uint8Array.from([0, 1, 0, 0, 0]),
    anomalous: Uint8Array.from([1, 0, 0, 1, 0]),
    numeric: { aum: Float32Array.from([5, 4, 3, 2, 1]) },
  };
  const none = new Uint8Array(5);
  it('sorts by suspicion descending with NaN last and ties by row', () => {
    expect([...queryRows(cols, none, DEFAULT_QUERY)]).toEqual([1, 4, 3, 0, 2]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, descending: false })]).toEqual([0, 3, 1, 4, 2]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, sort: 'score:aum', descending: false })]).toEqual([
      4, 3, 2, 1, 0,
    ]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, sort: 'id', descending: true })]).toEqual([
      3, 1, 4, 2, 0,
    ]);
  });
  it('filters by family, class, label issue, anomaly, decision and id', () => {
    expect([
      ...queryRows(cols, none, { ...DEFAULT_QUERY, familyMask: 2, sort: 'row', descending: false }),
    ]).toEqual([2, 4]);
    expect([
      ...queryRows(cols, none, { ...DEFAULT_QUERY, label: 1, sort: 'row', descending: false }),
    ]).toEqual([1, 3]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, labelIssueOnly: true })]).toEqual([1]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, anomalousOnly: true })]).toEqual([3, 0]);
    const decided = Uint8Array.from([2, 0, 1, 0, 0]);
    expect([...queryRows(cols, decided, { ...DEFAULT_QUERY, decision: 'quarantine' })]).toEqual([0]);
    expect([...queryRows(cols, decided, { ...DEFAULT_QUERY, decision: 'undecided' })]).toEqual([1, 4, 3]);
    expect([
      ...queryRows(cols, none, { ...DEFAULT_QUERY, search: 'A-', sort: 'row', descending: false }),
    ]).toEqual([0, 2, 4]);
  });
  it('keeps only the selection when asked, in the query’s order', () => {
    const selected = Uint8Array.from([1, 0, 0, 1, 1]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, selectionOnly: true }, selected)]).toEqual([
      4, 3, 0,
    ]);
    expect([...queryRows(cols, none, { ...DEFAULT_QUERY, selectionOnly: true }, null)]).toEqual([]);
    expect(queryRows(cols, none, DEFAULT_QUERY, selected).length).toBe(5);
  });
});

describe('queryRows, each sort and filter', () => {
  // Issue 16 (mutation testing): the sorts by label, suggested label and decision, ties and NaNs.
  const cols: ReviewColumns = {
    rows: 6,
    ids: ['b', 'a', 'b', 'c', 'a', ' x'],
    labels: Int32Array.from([2, 0, 1, 0, 2, 1]),
    suggested: Int32Array.from([-1, 2, -1, 1, 0, -1]),
    suspicion: Float32Array.from([0.4, Number.NaN, 0.1, Number.NaN, 0.3, Number.NaN]),
    flagBits: new Uint8Array(6),
    labelIssue: new Uint8Array(6),
    anomalous: new Uint8Array(6),
    numeric: {},
  };
  const none = new Uint8Array(6);
  const rows = (query: Partial<typeof DEFAULT_QUERY>, decisions = none) => [
    ...queryRows(cols, decisions, { ...DEFAULT_QUERY, ...query }),
  ];

  it('sorts by row, class, suggested label and decision, ties by row in either direction', () => {
    expect(rows({ sort: 'row' })).toEqual([5, 4, 3, 2, 1, 0]);
    expect(rows({ sort: 'label', descending: false })).toEqual([1, 3, 2, 5, 0, 4]);
    expect(rows({ sort: 'label' })).toEqual([0, 4, 2, 5, 1, 3]);
    expect(rows({ sort: 'suggested' })).toEqual([1, 3, 4, 0, 2, 5]);
    const decided = Uint8Array.from([0, 2, 1, 0, 2, 0]);
    expect(rows({ sort: 'decision' }, decided)).toEqual([1, 4, 2, 0, 3, 5]);
    // A score the run does not hold sorts by suspicion.
    expect(rows({ sort: 'score:missing' })).toEqual([0, 4, 2, 1, 3, 5]);
  });

  it('sorts "Flagged by" by how many families flag a row, ties by suspicion, NaN last', () => {
    const flagged = { ...cols, flagBits: Uint8Array.from([0b1000, 0b1011, 0b0001, 0, 0b0110, 0b0001]) };
    const by = (descending: boolean) => [
      ...queryRows(flagged, none, { ...DEFAULT_QUERY, sort: 'flags', descending }),
    ];
    // Row 1: three families; row 4: two; rows 0, 2 and 5: one (suspicion 0.4, 0.1, NaN); row 3: none. Row 0's bits
    // (8) outnumber row 4's (6): the count decides, not the bits.
    expect(by(true)).toEqual([1, 4, 0, 2, 5, 3]);
    expect(by(false)).toEqual([3, 2, 0, 5, 4, 1]);
  });

  it('keeps rows of equal suspicion (NaN) or equal id in row order', () => {
    expect(rows({ descending: false })).toEqual([2, 4, 0, 1, 3, 5]);
    expect(rows({ sort: 'id', descending: false })).toEqual([5, 1, 4, 0, 2, 3]);
    expect(rows({ sort: 'id' })).toEqual([3, 0, 2, 1, 4, 5]);
  });

  it('filters class 0 and trims the search text', () => {
    expect(rows({ label: 0, sort: 'row', descending: false })).toEqual([1, 3]);
    expect(rows({ search: '  C ', sort: 'row' })).toEqual([3]);
  });
});
